"""Celery tasks of the api app: thin adapters."""

from celery import shared_task

from api import idempotency


@shared_task
def purge_idempotency_keys() -> int:
    """Beat, daily: forget Idempotency-Keys older than API_IDEMPOTENCY_TTL_HOURS."""
    return idempotency.purge_expired()

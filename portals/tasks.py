"""Celery tasks of the portals: thin adapters over the services."""

from celery import shared_task

from portals import invitations


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_invitation(user_id: int, request_id: int, inviter_id: int, base_url: str) -> int:
    """E-mail an invited representative their one-time link (after the invitation commits)."""
    return invitations.send_invitation(user_id, request_id, inviter_id, base_url)

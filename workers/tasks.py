"""Celery tasks of the workers app: thin adapters over its services (STYLE rule 5).

The periodic ones are scheduled in ``workers.schedule``.
"""

from celery import shared_task
from django.utils import timezone

from workers import maintenance, reconcile, reminders
from workers.jobs import TRANSIENT_ERRORS, enqueue_job, job_task
from workers.models import Job

PERIODIC = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@job_task(Job.Kind.PURGE_DRAFTS)
def purge_drafts(job: Job, report) -> dict:
    return maintenance.purge_abandoned_drafts(job=job, progress=report)


@shared_task(**PERIODIC)
def start_draft_purge() -> int:
    """Queue the purge; its key keeps a second one from starting while one runs."""
    return enqueue_job(Job.Kind.PURGE_DRAFTS, key="purge_drafts").pk


@shared_task(**PERIODIC)
def reconcile_jobs() -> dict:
    return reconcile.reconcile().as_dict()


@shared_task(**PERIODIC)
def send_deadline_reminders() -> int:
    return reminders.send_deadline_reminders(today=timezone.localdate())


@shared_task(**PERIODIC)
def warn_expiring_documents() -> int:
    return reminders.warn_expiring_documents(today=timezone.localdate())

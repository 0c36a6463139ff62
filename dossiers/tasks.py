"""Celery tasks of the dossiers app: thin adapters over its services (notifications,
messages, reminders, the purge of abandoned drafts).

The periodic ones are scheduled in ``workers.schedule``.
"""

from celery import shared_task
from django.utils import timezone

from dossiers import invitations, maintenance, messages, notifications, reminders
from workers.jobs import PERIODIC, Report, enqueue_job, job_task
from workers.models import Job


@job_task(Job.Kind.NOTIFY_TRANSITION)
def notify_transition(job: Job, report: Report) -> dict:
    """E-mail the people concerned by one history row (the job's target), each once, then
    queue the fan-out of its webhook events (request.state_changed…) as a job of its own."""
    sent = notifications.notify_transition(job.target_id, job=job)
    if job.target is not None:
        enqueue_job(Job.Kind.EMIT_WEBHOOKS, job.target, created_by=job.created_by)
    return {"sent": sent}


@job_task(Job.Kind.NOTIFY_MESSAGE)
def notify_message(job: Job, report: Report) -> dict:
    """E-mail the other side of a request's thread about one new message, each once."""
    return {"sent": messages.notify_message(job.target_id, job=job)}


@job_task(Job.Kind.SEND_INVITATION)
def send_invitation(job: Job, report: Report) -> dict:
    """E-mail an invited representative their one-time link, once."""
    return {"sent": invitations.send_invitation(job.target_id, job=job)}


@job_task(Job.Kind.PURGE_DRAFTS)
def purge_drafts(job: Job, report: Report) -> dict:
    return maintenance.purge_abandoned_drafts(job=job, progress=report)


@shared_task(**PERIODIC)
def start_draft_purge() -> int:
    """Queue the purge; its key keeps a second one from starting while one runs."""
    return enqueue_job(Job.Kind.PURGE_DRAFTS, key="purge_drafts").pk


@shared_task(**PERIODIC)
def send_deadline_reminders() -> int:
    return reminders.send_deadline_reminders(today=timezone.localdate())


@shared_task(**PERIODIC)
def warn_expiring_documents() -> int:
    return reminders.warn_expiring_documents(today=timezone.localdate())

"""Celery tasks of the dossiers app: thin adapters over dossiers.notifications and
dossiers.messages."""

from dossiers import notifications
from workers.jobs import job_task
from workers.models import Job


@job_task(Job.Kind.NOTIFY_TRANSITION)
def notify_transition(job: Job, report) -> dict:
    """E-mail the people concerned by one history row (the job's target), each once, and
    queue its webhook events (request.state_changed…), each once too."""
    from webhooks.events import emit_for_transition

    sent = notifications.notify_transition(job.target_id, job=job)
    emit_for_transition(job.target_id)
    return {"sent": sent}


@job_task(Job.Kind.NOTIFY_MESSAGE)
def notify_message(job: Job, report) -> dict:
    """E-mail the other side of a request's thread about one new message, each once."""
    from dossiers import messages

    return {"sent": messages.notify_message(job.target_id, job=job)}

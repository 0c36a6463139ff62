"""Celery tasks of the webhooks app: thin adapters over webhooks.delivery."""

from celery import shared_task

from webhooks import delivery, events
from workers.jobs import Report, job_task
from workers.models import Job


@job_task(Job.Kind.EMIT_WEBHOOKS)
def emit_webhooks(job: Job, report: Report) -> dict:
    """Queue the webhook events of one history row (the job's target: a request's, or a
    collective's when it is submitted), each once: a job run twice finds its deliveries
    already recorded and sends nothing twice."""
    if job.target_type.model == "bundletransition":
        created = events.emit_for_bundle_transition(job.target_id)
    else:
        created = events.emit_for_transition(job.target_id)
    for delivery_id in created:
        deliver.delay_on_commit(delivery_id)
    return {"queued": len(created)}


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str | None:
    """One attempt; a failure schedules the next one (in a worker; in process, the sweep)."""
    outcome = delivery.attempt_delivery(delivery_id)
    if outcome is None or outcome.retry_at is None:
        return outcome.status if outcome else None
    if not deliver.app.conf.task_always_eager:
        deliver.apply_async((delivery_id,), eta=outcome.retry_at)
    return outcome.status


@shared_task
def retry_due_deliveries() -> int:
    """Beat, every minute: send what is due, including what a lost message or a dead
    worker left behind."""
    due = delivery.stalled_or_due()
    for delivery_id in due:
        deliver.delay(delivery_id)
    return len(due)

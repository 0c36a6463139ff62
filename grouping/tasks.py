"""Celery tasks of the grouping app: thin adapters over grouping.runs and
grouping.notifications (STYLE rule 5)."""

from dossiers.workflow import WorkflowError
from grouping.notifications import notify_bundle_transition
from grouping.runs import run_grouping
from workers.jobs import JobError, job_task
from workers.models import Job


@job_task(Job.Kind.RUN_GROUPING)
def run_campaign_grouping(job: Job, report) -> dict:
    """Group the eligible requests of the job's campaign, on behalf of who asked."""
    report(0, 1)
    try:
        result = run_grouping(job.target, actor=job.created_by)
    except WorkflowError as refused:
        # Refused, forbidden, overtaken by another writer: the person who asked reads why.
        raise JobError(refused.text) from refused
    report(1, 1)
    # Counts, not the references: a million-request run proposes 170 000 bundles, and the
    # result is what every progress poll returns. The run row leads to the rest.
    return {
        "run": result.run.pk,
        "bundles": len(result.references),
        "unplaced": len(result.unplaced),
    }


@job_task(Job.Kind.NOTIFY_BUNDLE)
def notify_bundle(job: Job, report) -> dict:
    """E-mail the people concerned by one bundle history row (the job's target), once each."""
    return {"sent": notify_bundle_transition(job.target_id, job=job)}

"""Celery tasks of the grouping app: thin adapters over grouping.runs and
grouping.notifications (STYLE rule 5)."""

from dossiers.workflow import WorkflowError
from grouping.notifications import notify_bundle_transition
from grouping.runs import group_campaign
from workers.jobs import JobError, enqueue_job, job_task
from workers.models import Job


@job_task(Job.Kind.RUN_GROUPING)
def run_campaign_grouping(job: Job, report) -> dict:
    """Group the eligible lines of the job's campaign (loans, then grants), on behalf of
    who asked."""
    report(0, 1)
    try:
        results = group_campaign(job.target, actor=job.created_by)
    except WorkflowError as refused:
        # Refused, forbidden, overtaken by another writer: the person who asked reads why.
        raise JobError(refused.text) from refused
    report(1, 1)
    # Counts, not the references: a million-request run proposes 170 000 bundles, and the
    # result is what every progress poll returns. The run rows lead to the rest.
    return {
        "run": results[0].run.pk,
        "runs": {result.run.kind: result.run.pk for result in results},
        "bundles": sum(len(result.references) for result in results),
        "unplaced": sum(len(result.unplaced) for result in results),
        "coinciding": sum(result.twins for result in results),
    }


@job_task(Job.Kind.NOTIFY_BUNDLE)
def notify_bundle(job: Job, report) -> dict:
    """E-mail the people concerned by one bundle history row (the job's target), once each;
    then its webhook events are a job of their own (a collective is announced to its
    funder as soon as it is submitted, not only once its members' requests are sent)."""
    sent = notify_bundle_transition(job.target_id, job=job)
    enqueue_job(Job.Kind.EMIT_WEBHOOKS, job.target, created_by=job.created_by)
    return {"sent": sent}

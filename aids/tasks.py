"""Celery task of the aids app: a thin adapter over aids.routing (STYLE rule 5)."""

from aids.routing import route_campaign
from workers.jobs import job_task
from workers.models import Job


@job_task(Job.Kind.ROUTE_AIDS)
def route_campaign_aids(job: Job, report) -> dict:
    """Count, per aid scheme, the requests of the job's campaign it could serve."""
    campaign = job.target
    total = campaign.funding_requests.count()
    report(0, total)
    routing = route_campaign(campaign, progress=lambda done: report(done, total))
    return {"requests": routing.requests, "schemes": len(routing.counts)}

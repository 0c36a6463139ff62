"""Celery tasks of the import: thin adapters over its services (one job kind each)."""

from intake import apply, invitations, preview
from workers.jobs import JobError, enqueue_job, job_task
from workers.models import Job


@job_task(Job.Kind.PREVIEW_IMPORT)
def preview_import(job: Job, report) -> dict:
    member_import = preview.preview_import(job.target, progress=report)
    if member_import.error:
        raise JobError(member_import.error)
    return {"import": member_import.pk, **member_import.counts}


@job_task(Job.Kind.CONFIRM_IMPORT)
def confirm_import(job: Job, report) -> dict:
    member_import = job.target
    try:
        counts = apply.confirm_import(
            member_import,
            actor=job.created_by,
            expected_sha256=member_import.confirmed_sha256,
            progress=report,
        )
    except apply.Conflict as exc:
        raise JobError(str(exc)) from exc
    return {"import": member_import.pk, **counts}


@job_task(Job.Kind.INVITE_IMPORTED)
def invite_imported(job: Job, report) -> dict:
    return {"sent": invitations.invite_imported(job.target, job=job, progress=report)}


def start_invitations(member_import, actor) -> Job:
    return enqueue_job(Job.Kind.INVITE_IMPORTED, member_import, created_by=actor)

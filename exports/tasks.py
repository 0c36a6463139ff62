"""Celery tasks of the exports app: thin adapters over exports.build (STYLE rule 5)."""

from exports.build import build_bundle_documents
from grappe.errors import GrappeError
from workers.jobs import JobError, job_task
from workers.models import Job


@job_task(Job.Kind.BUILD_DOCUMENTS)
def build_documents(job: Job, report) -> dict:
    """Build the documents of the job's bundle on behalf of who asked; sealed → ready."""
    try:
        build = build_bundle_documents(job.target, actor=job.created_by, progress=report)
    except GrappeError as refused:
        raise JobError(refused.text) from refused
    return {
        "build": build.pk,
        "bundle": build.bundle.reference,
        "fingerprint": build.fingerprint,
        "package_sha256": build.package_sha256,
        "members": build.member_count,
    }

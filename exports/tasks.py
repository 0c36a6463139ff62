"""Celery tasks of the exports app: thin adapters over exports.build (STYLE rule 5)."""

from dossiers.models import MissingParameter
from dossiers.workflow import WorkflowError
from exports.adapters import IncompleteDossier
from exports.build import BuildError, build_bundle_documents
from workers.jobs import JobError, job_task
from workers.models import Job


@job_task(Job.Kind.BUILD_DOCUMENTS)
def build_documents(job: Job, report) -> dict:
    """Build the documents of the job's bundle on behalf of who asked; sealed → ready."""
    try:
        build = build_bundle_documents(job.target, actor=job.created_by, progress=report)
    except (WorkflowError, IncompleteDossier) as refused:
        raise JobError(" ".join([refused.message, *refused.problems])) from refused
    except (BuildError, MissingParameter) as error:
        raise JobError(str(error)) from error
    return {
        "build": build.pk,
        "bundle": build.bundle.reference,
        "fingerprint": build.fingerprint,
        "package_sha256": build.package_sha256,
        "members": build.member_count,
    }

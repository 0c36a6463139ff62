"""The progress a page polls while a job runs: ``GET /jobs/<id>/progress`` as JSON."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from workers.models import FINISHED, Job


def progress_payload(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": str(job.get_kind_display()),
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "finished": job.state in FINISHED,
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "error": job.error if job.state == "failed" else "",
        "result": job.result,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@require_GET
@never_cache
def job_progress(request: HttpRequest, job_id: int) -> JsonResponse:
    # Someone else's job answers 404, as one that does not exist (STYLE rule 9).
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=job_id)
    return JsonResponse(progress_payload(job))

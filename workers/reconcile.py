"""Mending what crashes and outages leave behind, run every minute by celery beat.

- A job "running" whose heartbeat stopped: its worker died (kill -9, lost machine). It goes
  back to the queue and is sent again, until ``JOB_MAX_ATTEMPTS`` starts; then it fails.
- A job "queued" that no worker took: its message never reached the broker (Redis was
  down at commit) or was lost with it. It is sent again. Sending twice is harmless: the
  claim in ``workers.jobs.run_job`` lets one delivery do the work.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from workers.jobs import dispatch
from workers.models import Job, JobState

logger = logging.getLogger(__name__)

# Leave a fresh job to its own after-commit dispatch before calling its message lost.
DISPATCH_GRACE = timedelta(seconds=60)


@dataclass
class Reconciled:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)
    unsent: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {name: len(value) for name, value in self.__dict__.items()}


def reconcile(*, now: datetime | None = None) -> Reconciled:
    now = now or timezone.now()
    outcome = Reconciled()
    stale_before = now - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    for job in Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=stale_before):
        _recover_dead(job, outcome)
    lost_before = now - timedelta(seconds=settings.JOB_REDISPATCH_AFTER_SECONDS)
    lost = Job.objects.filter(state=JobState.QUEUED).filter(
        Q(dispatched_at__isnull=True, created_at__lt=now - DISPATCH_GRACE)
        | Q(dispatched_at__lt=lost_before)
    )
    for job in lost.order_by("created_at", "pk"):
        if outcome.unsent:  # the broker is down: do not wait for it once per job
            outcome.unsent.append(job.pk)
        elif dispatch(job):
            outcome.resent.append(job.pk)
        else:
            outcome.unsent.append(job.pk)
    if any(outcome.as_dict().values()):
        logger.info("Reconciled jobs: %s", outcome.as_dict())
    return outcome


def _recover_dead(job: Job, outcome: Reconciled) -> None:
    # Conditional on what we read: a worker that beats meanwhile keeps its job.
    same = Job.objects.filter(
        pk=job.pk, state=JobState.RUNNING, attempts=job.attempts, heartbeat_at=job.heartbeat_at
    )
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        if same.update(
            state=JobState.FAILED,
            error=(
                f"Traitement interrompu {job.attempts} fois (processus de travail arrêté) : "
                "abandonné. Relancez-le depuis l'administration une fois la cause trouvée."
            ),
            finished_at=timezone.now(),
        ):
            outcome.failed.append(job.pk)
        return
    if same.update(
        state=JobState.QUEUED,
        error="Processus de travail arrêté en cours de traitement : relancé.",
        dispatched_at=None,
    ):
        outcome.requeued.append(job.pk)
        logger.warning("Job %s: worker stopped beating, sent again", job.pk)
        dispatch(job)

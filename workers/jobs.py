"""Running long work as a ``Job`` row: enqueue after commit, claim once, report, finish.

The API every app uses::

    # <app>/tasks.py: the Celery task for one job kind, a thin adapter (STYLE rule 5)
    @job_task(Job.Kind.BUILD_DOCUMENTS)
    def build_documents(job: Job, report: Report) -> dict:
        return build_bundle_documents(job.target, progress=report)

    # a service function, inside the transaction that makes the work necessary
    job = enqueue_job(Job.Kind.BUILD_DOCUMENTS, bundle, created_by=user)

``enqueue_job`` writes the row in the caller's transaction and sends the task only after
commit: a rolled-back request leaves neither row nor message. If the broker is down the
row stays queued and ``workers.reconcile`` sends it later. ``run_job`` claims the row with
a conditional UPDATE, so a message delivered twice does the work once.

A job kind is run by the Celery task named ``jobs.<kind>``: the reconciler re-sends a job
knowing only its row, exactly as Celery itself names the task in every message.
"""

import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db import InterfaceError as DbInterfaceError
from django.db import OperationalError as DbOperationalError
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from grappe.errors import GrappeError
from workers.celery_app import app as celery_app
from workers.models import Job, JobQuerySet, JobState

logger = logging.getLogger(__name__)

# Worth another try later: the database, the mail server or the network hiccupped.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    DbOperationalError,
    DbInterfaceError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)
# Sending a message failed: the broker is down or unreachable.
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerOperationalError, OSError)
# Options of a periodic task (celery beat): late acknowledgement, retried on a transient error.
PERIODIC: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 5,
}
MAX_RETRY_DELAY = 600
ERROR_MAX_LENGTH = 2000


class JobError(GrappeError):
    """A permanent failure, worded for the person who asked for the work."""

    api_code = "job_failed"


class RetryLater(Exception):
    """The job met a transient error and is queued again; send it after ``delay`` seconds."""

    def __init__(self, delay: int):
        super().__init__(f"retry in {delay}s")
        self.delay = delay


class Report(Protocol):
    def __call__(self, done: int, total: int | None = None) -> None: ...


Work = Callable[[Job, Report], dict[str, Any] | None]


def task_name(kind: str) -> str:
    return f"jobs.{kind}"


def job_task(kind: str) -> Callable[[Work], Any]:
    """Declare ``work(job, report)`` as the Celery task running jobs of ``kind``.

    ``work`` returns a small dict kept as the job's result (a count, a file's id), or None.
    It may run again after a crash (the previous attempt's transaction rolled back): write
    each unit of its result in one transaction, and skip what an earlier attempt finished.
    """

    def decorate(work: Work) -> Any:
        @shared_task(bind=True, name=task_name(kind), acks_late=True, max_retries=None)  # type: ignore[untyped-decorator]
        def task(self: Any, job_id: int) -> str | None:
            eager = self.request.is_eager
            while True:
                try:
                    job = run_job(job_id, work, heartbeat=not eager)
                except RetryLater as later:
                    if eager:
                        continue  # in process there is no broker to wait on: try again now
                    raise self.retry(exc=later.__cause__, countdown=later.delay) from later
                return job.state if job else None

        task.work = work
        return task

    return decorate


def _target_key(target: models.Model | None) -> str:
    if target is None:
        return ""
    return f"{target._meta.label_lower}:{target.pk}"


def enqueue_job(
    kind: str,
    target: models.Model | None = None,
    *,
    created_by: AbstractBaseUser | None = None,
    key: str | None = None,
) -> Job:
    """Queue a job of ``kind`` on ``target``; sent to a worker once the transaction commits.

    ``key`` (default: kind and target) is unique among queued and running jobs: asking
    again for work already queued or running returns that job instead of a second one.
    """
    task_for(kind)  # a kind without a task is a programming error: refuse before commit
    key = key or f"{kind}:{_target_key(target)}".rstrip(":")
    fields = {
        "kind": kind,
        "key": key,
        "created_by": created_by,
        "target_type": ContentType.objects.get_for_model(target) if target is not None else None,
        "target_id": target.pk if target is not None else None,
    }
    existing: Job | None = Job.objects.active().filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(**fields)
    except IntegrityError:
        # Someone queued the same key between our look and our insert.
        existing = Job.objects.active().filter(key=key).first()
        if existing is None:
            raise
        return existing
    transaction.on_commit(lambda: dispatch(job))
    return job


def task_for(kind: str) -> Any:
    name = task_name(kind)
    task = celery_app.tasks.get(name)
    if task is None:
        # Outside a worker the apps' tasks modules load lazily: import them now, look again.
        celery_app.autodiscover_tasks(force=True)
        task = celery_app.tasks.get(name)
    if task is None:
        raise LookupError(f"No Celery task named {name!r}: declare it with @job_task({kind!r}).")
    return task


def dispatch(job: Job, *, countdown: int | None = None) -> bool:
    """Send ``job`` to a worker. A broker that is down is logged, never raised: the job
    stays queued (``dispatched_at`` empty) and the reconciler sends it later."""
    task_id = str(uuid.uuid4())
    Job.objects.filter(pk=job.pk).update(celery_task_id=task_id)
    try:
        task_for(job.kind).apply_async(args=[job.pk], task_id=task_id, countdown=countdown)
    except BROKER_ERRORS as exc:
        logger.warning("Job %s stays queued: the broker is unreachable (%s)", job.pk, exc)
        return False
    due = timezone.now() + timedelta(seconds=countdown or 0)
    Job.objects.filter(pk=job.pk).update(dispatched_at=due)
    return True


def retry_failed(job: Job) -> bool:
    """Give a failed job a fresh start (administration action); sent after commit."""
    with transaction.atomic():
        if Job.objects.active().filter(key=job.key).exists():
            return False
        requeued = Job.objects.filter(pk=job.pk, state=JobState.FAILED).update(
            state=JobState.QUEUED,
            attempts=0,
            error="",
            dispatched_at=None,
            finished_at=None,
            progress_done=0,
        )
        if requeued:
            transaction.on_commit(lambda: dispatch(job))
    return bool(requeued)


class _Progress:
    """The ``report(done, total)`` callback: writes progress and a heartbeat, throttled."""

    INTERVAL = 0.5

    def __init__(self, job: Job, attempt: int):
        self.job = job
        self.attempt = attempt
        self.done = 0
        self.total = 0
        self._written_at = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self._written_at < self.INTERVAL and done != self.total:
            return
        self._written_at = now
        _mine(self.job.pk, self.attempt).update(
            progress_done=self.done, progress_total=self.total, heartbeat_at=timezone.now()
        )


class _Heartbeat(threading.Thread):
    """Says "still alive" every few seconds while the work runs, even in a long step."""

    def __init__(self, job_id: int, attempt: int):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.attempt = attempt
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    _mine(self.job_id, self.attempt).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("Job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()

    def __enter__(self) -> "_Heartbeat":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.join()


class _NoHeartbeat:
    def __enter__(self) -> "_NoHeartbeat":
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


def _mine(job_id: int, attempt: int) -> JobQuerySet:
    """The job's row as long as this attempt still holds it (fencing on ``attempts``)."""
    return Job.objects.filter(pk=job_id, state=JobState.RUNNING, attempts=attempt)


def claim(job_id: int) -> Job | None:
    """queued → running, once: returns the claimed job, or None if it was not queued."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        error="",
    )
    return Job.objects.get(pk=job_id) if claimed else None


def run_job(job_id: int, work: Work, *, heartbeat: bool = False) -> Job | None:
    """Run ``work(job, report)`` for a queued job, at most once at a time, and record how
    it ended. A job that is not queued (done, failed, running elsewhere) is left alone.

    A transient error puts the job back in the queue and raises ``RetryLater`` with an
    exponential delay, until ``JOB_MAX_ATTEMPTS`` starts; any other error fails the job
    with a readable message. ``heartbeat`` (in a real worker) beats from a thread.
    """
    job = claim(job_id)
    if job is None:
        current = Job.objects.filter(pk=job_id).first()
        logger.info(
            "Job %s not run: it is %s", job_id, current.state if current else "gone (deleted)"
        )
        return current
    attempt = job.attempts
    progress = _Progress(job, attempt)
    try:
        _check_target(job)
        with _Heartbeat(job.pk, attempt) if heartbeat else _NoHeartbeat():
            result = work(job, progress)
    except TRANSIENT_ERRORS as exc:
        if not connection.in_atomic_block:  # eager, inside a caller's transaction: keep it
            connection.close_if_unusable_or_obsolete()  # a broken connection, reopened
        if attempt >= settings.JOB_MAX_ATTEMPTS:
            _fail(job, attempt, f"Échec après {attempt} tentatives : {_describe(exc)}")
        else:
            delay = _backoff(attempt)
            logger.warning("Job %s: transient error, retry in %ss (%s)", job.pk, delay, exc)
            _release(job, attempt, delay, _describe(exc))
            raise RetryLater(delay) from exc
    except JobError as exc:
        _fail(job, attempt, exc.message)
    except Exception as exc:
        logger.exception("Job %s failed", job.pk)
        _fail(job, attempt, f"Erreur inattendue : {_describe(exc)}")
    else:
        _finish(job, attempt, progress, result)
    job.refresh_from_db()
    return job


def _check_target(job: Job) -> None:
    if job.target_type_id is not None and job.target is None:
        kind = ContentType.objects.get_for_id(job.target_type_id)
        raise JobError(
            f"{kind.name.capitalize()} n° {job.target_id} introuvable : "
            "supprimé avant le traitement."
        )


def _backoff(attempt: int) -> int:
    return int(
        get_exponential_backoff_interval(
            factor=settings.JOB_RETRY_BACKOFF_SECONDS,
            retries=attempt - 1,
            maximum=MAX_RETRY_DELAY,
            full_jitter=False,
        )
    )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:ERROR_MAX_LENGTH]


def _finish(job: Job, attempt: int, progress: _Progress, result: Any) -> None:
    total = progress.total or progress.done
    updated = _mine(job.pk, attempt).update(
        state=JobState.DONE,
        progress_done=total,
        progress_total=total,
        result=result if isinstance(result, dict) else {},
        finished_at=timezone.now(),
    )
    if not updated:
        logger.warning("Job %s attempt %s finished after losing its claim", job.pk, attempt)


def _fail(job: Job, attempt: int, error: str) -> None:
    _mine(job.pk, attempt).update(
        state=JobState.FAILED, error=error[:ERROR_MAX_LENGTH], finished_at=timezone.now()
    )


def _release(job: Job, attempt: int, delay: int, error: str) -> None:
    try:
        _mine(job.pk, attempt).update(
            state=JobState.QUEUED,
            error=error,
            dispatched_at=timezone.now() + timedelta(seconds=delay),
        )
    except DatabaseError:
        # The database itself is the trouble: the reconciler will find the stale row.
        logger.warning("Job %s could not be put back in the queue", job.pk, exc_info=True)

"""The reconciler mends what dead workers and broker outages leave behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers.models import PurgedDraft
from tests.workers.helpers import old_drafts
from workers.models import Job, JobState
from workers.reconcile import reconcile

pytestmark = pytest.mark.django_db


def purge_job(**fields) -> Job:
    return Job.objects.create(kind=Job.Kind.PURGE_DRAFTS, key="purge_drafts", **fields)


def test_a_running_job_whose_worker_stopped_beating_is_run_again(settings):
    old_drafts(2)
    beat = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 5)
    job = purge_job(state=JobState.RUNNING, attempts=1, started_at=beat, heartbeat_at=beat)

    outcome = reconcile()

    assert outcome.requeued == [job.pk]
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    assert PurgedDraft.objects.count() == 2


def test_a_running_job_that_still_beats_is_left_alone():
    job = purge_job(state=JobState.RUNNING, attempts=1, heartbeat_at=timezone.now())
    assert not any(reconcile().as_dict().values())
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.attempts == 1


def test_a_job_interrupted_too_often_fails_with_an_explanation(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    beat = timezone.now() - timedelta(hours=1)
    job = purge_job(state=JobState.RUNNING, attempts=3, heartbeat_at=beat)

    assert reconcile().failed == [job.pk]

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert job.error.startswith("Traitement interrompu 3 fois")


def test_a_queued_job_never_sent_to_the_broker_is_sent_once_the_grace_is_over():
    old_drafts(1)
    job = purge_job()  # as left by an after-commit dispatch that met a broker down
    assert reconcile().resent == []  # too fresh: its own dispatch may still be on its way

    outcome = reconcile(now=timezone.now() + timedelta(minutes=2))

    assert outcome.resent == [job.pk]
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["purged"] == 1


def test_a_queued_job_whose_message_was_lost_is_sent_again(settings):
    sent_long_ago = timezone.now() - timedelta(seconds=settings.JOB_REDISPATCH_AFTER_SECONDS + 1)
    job = purge_job(dispatched_at=sent_long_ago, created_at=sent_long_ago)
    assert reconcile().resent == [job.pk]


def test_a_queued_job_waiting_for_a_planned_retry_is_left_alone():
    job = purge_job(
        created_at=timezone.now() - timedelta(hours=1),
        dispatched_at=timezone.now() + timedelta(minutes=5),
    )
    assert reconcile().resent == []
    job.refresh_from_db()
    assert job.state == JobState.QUEUED


def test_a_job_that_cannot_be_sent_stays_queued_for_the_next_round(monkeypatch):
    from kombu.exceptions import OperationalError

    from dossiers.tasks import purge_drafts

    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(purge_drafts, "apply_async", broker_down)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    job = purge_job(created_at=an_hour_ago)
    other = Job.objects.create(kind=Job.Kind.PURGE_DRAFTS, key="other", created_at=an_hour_ago)

    assert reconcile().unsent == [job.pk, other.pk]
    assert len(attempts) == 1, "one failure says the broker is down: no wait per job"
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.dispatched_at is None


def test_the_reconciler_is_also_a_command(capsys):
    from django.core.management import call_command

    call_command("reconcile_jobs")
    assert "requeued: 0, failed: 0, resent: 0, unsent: 0" in capsys.readouterr().out

"""A job's life in process (eager Celery): queued after commit, claimed once, finished."""

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerDown

from dossiers.models import FundingRequest, PurgedDraft, RequestState
from dossiers.tasks import purge_drafts
from dossiers.workflow import perform
from tests.factories import make_request
from tests.workers.helpers import notification_job, old_drafts, submitted_request
from workers import jobs
from workers.celery_app import app as celery_app
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_a_job_is_queued_with_the_transaction_and_sent_only_after_commit(
    django_capture_on_commit_callbacks,
):
    old_drafts(2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.enqueue_job(Job.Kind.PURGE_DRAFTS)
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.key == "purge_drafts"
    assert len(callbacks) == 1

    callbacks[0]()

    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.result == {"purged": 2, "skipped": 0}
    assert (job.progress_done, job.progress_total, job.attempts) == (2, 2, 1)
    assert job.dispatched_at is not None and job.celery_task_id


def test_a_rolled_back_request_leaves_no_job_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        jobs.enqueue_job(Job.Kind.PURGE_DRAFTS)
        raise RuntimeError("the request failed")
    assert callbacks == []
    assert not Job.objects.exists()


def test_the_same_work_cannot_be_queued_twice_at_once():
    first = jobs.enqueue_job(Job.Kind.PURGE_DRAFTS)
    again = jobs.enqueue_job(Job.Kind.PURGE_DRAFTS)
    assert again.pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind=Job.Kind.PURGE_DRAFTS, key="purge_drafts")


def test_the_same_key_may_run_again_once_the_first_job_is_finished():
    first = jobs.enqueue_job(Job.Kind.PURGE_DRAFTS)
    Job.objects.filter(pk=first.pk).update(state=JobState.DONE)
    assert jobs.enqueue_job(Job.Kind.PURGE_DRAFTS).pk != first.pk


def test_an_unknown_kind_is_refused_before_anything_is_written():
    with pytest.raises(LookupError, match="jobs.nonexistent"):
        jobs.enqueue_job("nonexistent")
    assert not Job.objects.exists()


def test_a_message_delivered_twice_does_the_work_once():
    old_drafts(3)
    job = Job.objects.create(kind=Job.Kind.PURGE_DRAFTS, key="purge_drafts")
    purge_drafts.apply(args=[job.pk])
    old_drafts(2)  # new work appears: a redelivered message must still not redo the job
    purge_drafts.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1
    assert job.result["purged"] == 3
    assert PurgedDraft.objects.count() == 3


def test_progress_is_reported_unit_by_unit():
    old_drafts(3)
    job = Job.objects.create(kind=Job.Kind.PURGE_DRAFTS, key="purge_drafts")
    seen = []

    def work(job, report):
        def spy(done, total=None):
            seen.append((done, total))
            report(done, total)

        return purge_drafts.work(job, spy)

    jobs.run_job(job.pk, work)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)


def test_a_job_whose_target_is_gone_fails_with_a_readable_error(
    django_capture_on_commit_callbacks,
):
    request = make_request()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        perform(request, "submit", actor=request.enterprise.representatives.get())
        job = notification_job(request)
        # The history row disappears before any worker runs the job.
        request.history.all().delete()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.endswith("introuvable : supprimé avant le traitement.")
    assert job.finished_at is not None


def test_a_transient_error_is_retried_then_the_job_succeeds(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch(
            "workers.delivery.send_mail", side_effect=[ConnectionRefusedError("smtp down"), 1]
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request, officer = submitted_request()
    job = notification_job(request)
    assert job.state == JobState.DONE
    assert job.attempts == 2
    assert job.result == {"sent": 1}


def test_a_job_failing_transiently_every_time_ends_failed_after_the_last_attempt(
    settings, django_capture_on_commit_callbacks
):
    settings.JOB_MAX_ATTEMPTS = 3
    with (
        mock.patch("workers.delivery.send_mail", side_effect=OperationalError("db gone")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request, _officer = submitted_request()
    job = notification_job(request)
    assert job.state == JobState.FAILED
    assert job.attempts == 3
    assert job.error == "Échec après 3 tentatives : db gone"


def test_a_transition_still_commits_when_the_broker_is_down(
    django_capture_on_commit_callbacks, caplog
):
    request = make_request()
    representative = request.enterprise.representatives.get()
    with (
        mock.patch.object(
            celery_app.tasks["jobs.notify_transition"],
            "apply_async",
            side_effect=BrokerDown("down"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        perform(request, "submit", actor=representative)
    assert FundingRequest.objects.get(pk=request.pk).state == RequestState.SUBMITTED
    job = notification_job(request)
    assert job.state == JobState.QUEUED and job.dispatched_at is None
    assert "stays queued: the broker is unreachable" in caplog.text


def test_a_failed_job_can_be_retried_from_scratch(django_capture_on_commit_callbacks):
    job = Job.objects.create(
        kind=Job.Kind.PURGE_DRAFTS, key="purge_drafts", state=JobState.FAILED, attempts=5
    )
    old_drafts(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry_failed(job)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1


def test_long_work_goes_to_the_heavy_queue_and_notices_to_the_light_one():
    route = celery_app.amqp.router.route
    assert route({}, "jobs.purge_drafts")["queue"].name == "heavy"
    assert route({}, "jobs.build_documents")["queue"].name == "heavy"
    assert route({}, "jobs.run_grouping")["queue"].name == "heavy"
    assert route({}, "jobs.notify_transition")["queue"].name == "light"
    assert route({}, "workers.tasks.reconcile_jobs")["queue"].name == "light"

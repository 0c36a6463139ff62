"""Faults against a real Redis and real worker processes (PostgreSQL shared with them).

Each test starts its own redis-server and ``celery worker`` subprocesses, then breaks
them: kill -9 in the middle of a job, Redis stopped while people submit requests, a job
that fails for good. The database rows are the evidence.
"""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dossiers.models import FundingRequest, PurgedDraft, RequestState
from dossiers.workflow import perform
from tests.factories import CampaignFactory, UserFactory, make_request
from tests.workers.helpers import notification_job, old_drafts
from tests.workers.processes import wait_for
from workers.jobs import dispatch, enqueue_job
from workers.models import Job, JobState, Notification
from workers.reconcile import reconcile

# serialized_rollback: the scheme parameters loaded by a data migration survive the flushes.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DRAFTS = 120


def job_state(job: Job) -> Job:
    job.refresh_from_db()
    return job


def later(seconds: int) -> timezone.datetime:
    """A reconciler run ``seconds`` from now: what a beat would see after that long."""
    return timezone.now() + timedelta(seconds=seconds)


def test_a_job_killed_with_its_worker_completes_exactly_once_after_a_restart(
    settings, redis_server, start_worker, live_broker
):
    redis_server.start()
    old_drafts(DRAFTS)
    first = start_worker("first")
    job = enqueue_job(Job.Kind.PURGE_DRAFTS)  # autocommit: sent at once

    wait_for(
        lambda: PurgedDraft.objects.count() >= 5,
        timeout=30,
        what="the purge to be under way",
        context=first.tail,
    )
    first.kill9()

    job = job_state(job)
    assert job.state == JobState.RUNNING and job.attempts == 1
    assert 0 < PurgedDraft.objects.count() < DRAFTS, "killed in the middle of the job"

    second = start_worker("second")
    outcome = reconcile(now=later(settings.JOB_STALE_AFTER_SECONDS + 1))
    assert outcome.requeued == [job.pk]
    wait_for(
        lambda: job_state(job).state == JobState.DONE,
        timeout=60,
        what="the purge to finish on the second worker",
        context=second.tail,
    )

    assert (job.attempts, job.progress_done, job.progress_total) == (2, DRAFTS, DRAFTS)
    assert job.result == {"purged": DRAFTS, "skipped": 0}
    assert PurgedDraft.objects.count() == DRAFTS
    assert PurgedDraft.objects.values("reference").distinct().count() == DRAFTS
    assert not FundingRequest.objects.exists()


def test_requests_submitted_while_redis_is_down_lose_no_notice(
    redis_server, start_worker, live_broker
):
    redis_server.start()
    worker = start_worker("light")
    campaign = CampaignFactory()
    officer = UserFactory(officer=True, organisation=campaign.federation)
    requests = [make_request(campaign=campaign) for _ in range(3)]

    redis_server.stop()
    for request in requests:
        started = time.monotonic()
        perform(request, "submit", actor=request.enterprise.representatives.get())
        assert time.monotonic() - started < 5, "a broker outage must not hang the user"

    assert set(FundingRequest.objects.values_list("state", flat=True)) == {RequestState.SUBMITTED}
    jobs = [notification_job(request) for request in requests]
    assert {(j.state, j.dispatched_at) for j in jobs} == {(JobState.QUEUED, None)}

    redis_server.start()  # an empty Redis: whatever it held is gone too
    outcome = reconcile(now=later(120))
    assert sorted(outcome.resent) == sorted(j.pk for j in jobs)

    def all_sent() -> bool:
        return Notification.objects.filter(sent_at__isnull=False).count() == 3

    wait_for(all_sent, timeout=45, what="the notices to go out", context=worker.tail)
    wait_for(
        lambda: {job_state(j).state for j in jobs} == {JobState.DONE},
        timeout=10,
        what="the notice jobs to read done",
        context=worker.tail,
    )
    assert set(Notification.objects.values_list("recipient", flat=True)) == {officer.pk}

    # The same messages delivered again (a second reconciler, Redis redelivering): no-ops.
    for j in jobs:
        dispatch(j)
    wait_for(
        lambda: (
            redis_server.command("LLEN", "light") == b":0\r\n"
            and redis_server.command("HLEN", "unacked") == b":0\r\n"
        ),
        timeout=15,
        what="the duplicates to be consumed",
        context=worker.tail,
    )
    assert Notification.objects.count() == 3
    assert {job_state(j).attempts for j in jobs} == {1}


def test_a_job_failing_for_good_reads_failed_with_its_error_on_the_progress_endpoint(
    client, redis_server, start_worker, live_broker
):
    redis_server.start()
    worker = start_worker("light")
    request = make_request()
    representative = request.enterprise.representatives.get()
    with transaction.atomic():
        perform(request, "submit", actor=representative)
        job = notification_job(request)
        # Its history row is gone before any worker gets to the job.
        request.history.all().delete()

    wait_for(
        lambda: job_state(job).state == JobState.FAILED,
        timeout=30,
        what="the job to fail",
        context=worker.tail,
    )
    client.force_login(representative)
    body = client.get(reverse("workers:job-progress", args=[job.pk])).json()
    assert body["state"] == "failed" and body["finished"] is True
    assert body["error"].endswith("introuvable : supprimé avant le traitement.")
    assert job.attempts == 1

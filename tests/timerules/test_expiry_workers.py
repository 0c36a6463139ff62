"""Exactly one automatic decision per request at expiry, with two real Celery workers and
a beat that runs the job again, on PostgreSQL (the row locks are the real ones)."""

import pytest
from django.utils import timezone

from dossiers.models import FundingRequest, RequestState, RequestTransition
from dossiers.workflow import perform
from tests.dossiers.helpers import applicant_of
from tests.factories import CampaignFactory, make_request
from tests.timerules.helpers import instruction_rule
from tests.workers.processes import wait_for
from timerules.models import DeadlineStatus, RequestDeadline
from timerules.tasks import act_on_expired_deadlines

pytestmark = [
    pytest.mark.services,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REQUESTS = 30


def test_two_workers_and_a_rerun_beat_accept_each_expired_request_exactly_once(
    redis_server, start_worker, live_broker
):
    redis_server.start()
    campaign = CampaignFactory()
    instruction_rule(campaign)
    for _ in range(REQUESTS):
        request = make_request(campaign=campaign)
        perform(request, "submit", actor=applicant_of(request), notify=False)
    # Time passes: every deadline falls due today.
    RequestDeadline.objects.update(due_on=timezone.localdate())
    workers = [start_worker("first"), start_worker("second")]

    for _ in range(3):  # the beat's run, a second worker's copy, a re-run
        act_on_expired_deadlines.delay()

    def finished():
        logs = "".join(worker.tail() for worker in workers)
        return logs.count("act_on_expired_deadlines") and logs.count(" succeeded in ") >= 3

    wait_for(
        lambda: not RequestDeadline.objects.filter(status=DeadlineStatus.RUNNING).exists(),
        timeout=120,
        what="every deadline to be acted on",
        context=lambda: workers[0].tail() + workers[1].tail(),
    )
    wait_for(finished, timeout=60, what="the three runs to end", context=workers[1].tail)

    assert all("act_on_expired_deadlines" in worker.tail() for worker in workers), "both took part"
    assert set(FundingRequest.objects.values_list("state", flat=True)) == {RequestState.ELIGIBLE}
    system = RequestTransition.objects.filter(actor=None)
    assert system.filter(transition="mark_eligible").count() == REQUESTS
    assert system.filter(transition="start_review").count() == REQUESTS
    assert RequestDeadline.objects.filter(status=DeadlineStatus.ACTED).count() == REQUESTS

"""Two requests of one undertaking created or submitted at the same moment: the second
waits for the first and counts it. SQLite ignores row locks: PostgreSQL only."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import transaction

from dossiers import workflow
from dossiers.models import FundingRequest
from dossiers.requests import create_request
from tests.dossiers.test_concurrency_postgres import HOLD, run_in_threads
from tests.factories import CampaignFactory, make_request

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_creations_at_once_for_one_enterprise_and_campaign_make_one_request(
    require_postgres,
):
    draft = make_request(complete=False)
    draft.delete()  # keep the enterprise and campaign, start from no request
    barrier = threading.Barrier(2)

    def create():
        return create_request(
            campaign=draft.campaign,
            enterprise=draft.enterprise,
            created_by=None,
            project_category="website",
            project_title="Site",
        )

    def first():
        with transaction.atomic():
            created = create()
            barrier.wait()
            time.sleep(HOLD)
        return created

    def second():
        barrier.wait()
        return create()

    winner, loser = run_in_threads(first, second)

    assert isinstance(winner, FundingRequest), winner
    assert isinstance(loser, workflow.Refused), loser
    assert winner.reference in loser.problems[0]
    assert FundingRequest.objects.count() == 1


def test_two_submissions_at_once_in_two_campaigns_stay_under_the_grant_cap(require_postgres):
    one = make_request()
    other = make_request(
        enterprise=one.enterprise, campaign=CampaignFactory(federation=one.campaign.federation)
    )
    barrier = threading.Barrier(2)

    def first():
        with transaction.atomic():
            workflow.perform(one.pk, "submit", actor=None)
            barrier.wait()
            time.sleep(HOLD)

    def second():
        barrier.wait()
        return workflow.perform(other.pk, "submit", actor=None)

    _done, refused = run_in_threads(first, second)

    assert isinstance(refused, workflow.Refused), refused
    assert any(one.reference in p for p in refused.problems)
    assert FundingRequest.objects.filter(state="submitted").count() == 1
    assert one.grant_amount == Decimal("10000.00")

"""Two officers save a campaign's first grouping rules at the same moment: one set of
rules is written, the other officer is told who saved first (PostgreSQL row locks)."""

import threading
import time

import pytest
from django.db import transaction

from dossiers.workflow import Conflict
from grouping.models import GroupingPolicy
from grouping.policies import save_policy
from tests.dossiers.test_concurrency_postgres import HOLD, run_in_threads
from tests.grouping.builders import campaign_with_policy, officer_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_first_saves_at_once_write_one_set_of_rules(require_postgres):
    campaign = campaign_with_policy()
    GroupingPolicy.objects.filter(campaign=campaign).delete()
    first, second = officer_of(campaign), officer_of(campaign)
    funder = campaign.funders.get()
    barrier = threading.Barrier(2)
    waited = {}

    def save_first():
        with transaction.atomic():  # held open past the barrier, with its lock
            save_policy(
                GroupingPolicy(campaign=campaign, funder=funder, max_members=8),
                actor=first,
                expected_version=None,
            )
            barrier.wait()
            time.sleep(HOLD)

    def save_second():
        barrier.wait()
        started = time.monotonic()
        try:
            return save_policy(
                GroupingPolicy(campaign=campaign, funder=funder, max_members=9),
                actor=second,
                expected_version=None,
            )
        finally:
            waited["seconds"] = time.monotonic() - started

    winner, loser = run_in_threads(save_first, save_second)

    assert winner is None
    assert isinstance(loser, Conflict), loser
    assert "modifiées par" in loser.message
    assert waited["seconds"] >= HOLD * 0.8, "the second save did not wait for the lock"
    saved = GroupingPolicy.objects.get(campaign=campaign)
    assert (saved.max_members, saved.version, saved.updated_by) == (8, 1, first)

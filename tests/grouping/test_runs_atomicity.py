"""A run commits whole or not at all, and the database keeps a request in one active bundle.

The failure is real, not mocked: between the engine's answer and the writes, another
bundle takes one of the requests (what a concurrent writer would do), so the database
refuses the run's membership for it half way through the writes.
"""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from dossiers.models import FundingRequest
from dossiers.workflow import Conflict
from grouping import runs
from grouping.bundles import dissolve_bundle
from grouping.models import Bundle, BundleMember, BundleTransition, GroupingRun, UnplacedRequest
from grouping.runs import run_grouping
from tests.grouping.builders import campaign_with_policy, eligible_request


@pytest.fixture
def campaign():
    return campaign_with_policy()


@pytest.fixture
def previous_draft(campaign):
    for _ in range(2):
        eligible_request(campaign, departement="23")
    run_grouping(campaign, actor=None)
    return Bundle.objects.get()


@pytest.fixture
def more_requests(campaign):
    return [eligible_request(campaign, departement="87", loan="15000") for _ in range(4)] + [
        eligible_request(campaign, naf="47.91A")
    ]


def take_into_another_bundle(request_id: int) -> Bundle:
    """What a concurrent writer would do: put the request in a (sealed) bundle of its own."""
    campaign = FundingRequest.objects.get(pk=request_id).campaign
    bundle = Bundle.objects.create(
        state="sealed",  # a run replaces drafts, never a sealed bundle
        campaign=campaign,
        funder=campaign.funders.get(),
        reference=f"GRP-AUTRE-{request_id}",
        trade_level="subclass",
        territory_level="departement",
        key_codes=["10.71C", "23"],
        key_description="Ajouté à la main",
        loan_total=0,
        grant_total=0,
        cost_total=0,
        own_funds_total=0,
    )
    BundleMember.objects.create(bundle=bundle, request_id=request_id, grant=0, loan=0)
    return bundle


def interfere(monkeypatch, *, in_another_connection: bool) -> None:
    real_group = runs.group

    def group_then_interfere(candidates, policy, **kwargs):
        result = real_group(candidates, policy, **kwargs)
        last_member = result.bundles[-1].member_ids[-1]
        if not in_another_connection:
            take_into_another_bundle(last_member)
            return result

        def elsewhere():
            try:
                with transaction.atomic():
                    take_into_another_bundle(last_member)
            finally:
                connection.close()

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        return result

    monkeypatch.setattr(runs, "group", group_then_interfere)


def assert_nothing_written(previous_draft, run_pk: int) -> None:
    previous_draft.refresh_from_db()
    assert previous_draft.state == "draft"  # not replaced
    assert previous_draft.members.filter(active=True).count() == 2
    assert not BundleTransition.objects.exists()
    assert not Bundle.objects.filter(run_id=run_pk).exists()
    assert not UnplacedRequest.objects.filter(run_id=run_pk).exists()
    run = GroupingRun.objects.get(pk=run_pk)
    assert run.status == "failed"
    assert "request_id" in run.error  # the database's own words
    assert run.bundle_count == 0


@pytest.mark.django_db
def test_a_run_that_fails_half_way_writes_nothing(
    campaign, previous_draft, more_requests, monkeypatch
):
    interfere(monkeypatch, in_another_connection=False)

    with pytest.raises(Conflict) as conflict:
        run_grouping(campaign, actor=None)

    assert "rien n'a été enregistré, relancez-le" in conflict.value.message
    failed = GroupingRun.objects.latest("pk")
    assert_nothing_written(previous_draft, failed.pk)
    assert Bundle.objects.count() == 1  # the interfering bundle went with the transaction


@pytest.mark.django_db(transaction=True)
def test_a_request_taken_concurrently_fails_the_whole_run(
    require_postgres, campaign, previous_draft, more_requests, monkeypatch
):
    interfere(monkeypatch, in_another_connection=True)

    with pytest.raises(Conflict):
        run_grouping(campaign, actor=None)

    failed = GroupingRun.objects.latest("pk")
    assert_nothing_written(previous_draft, failed.pk)
    assert Bundle.objects.filter(reference__startswith="GRP-AUTRE-").count() == 1  # committed


@pytest.mark.django_db
def test_the_database_refuses_a_request_in_two_active_bundles(campaign, previous_draft):
    held = previous_draft.members.first().request_id

    with pytest.raises(IntegrityError), transaction.atomic():
        take_into_another_bundle(held)


@pytest.mark.django_db
def test_a_released_request_may_join_another_bundle(campaign, previous_draft):
    held = previous_draft.members.first().request_id
    dissolve_bundle(previous_draft, actor=None)

    take_into_another_bundle(held)

    assert BundleMember.objects.filter(request_id=held).count() == 2
    assert BundleMember.objects.filter(request_id=held, active=True).count() == 1

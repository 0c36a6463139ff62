"""Dissolving a draft or sealed bundle returns its members to the eligible pool."""

import pytest

from dossiers.workflow import Conflict
from grouping.bundles import dissolve_bundle, seal_bundle, withdraw_member
from grouping.models import Bundle, BundleMember, BundleTransition
from grouping.runs import run_grouping
from tests.grouping.builders import bundle_of, campaign_with_policy, eligible_request, officer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return campaign_with_policy()


@pytest.fixture
def officer(campaign):
    return officer_of(campaign)


@pytest.fixture
def requests_(campaign):
    return [eligible_request(campaign) for _ in range(3)]


@pytest.fixture
def bundle(campaign, requests_):
    return bundle_of(campaign, *requests_)


def test_dissolving_a_sealed_bundle_makes_its_requests_eligible_again(bundle, requests_, officer):
    seal_bundle(bundle, actor=officer)

    dissolve_bundle(bundle, actor=officer, note="Le financeur change de produit.")

    bundle.refresh_from_db()
    assert bundle.state == "dissolved"
    assert not bundle.members.filter(active=True).exists()
    log = BundleTransition.objects.filter(bundle=bundle).last()
    assert (log.transition, log.from_state, log.to_state) == ("dissolve", "sealed", "dissolved")
    for request in requests_:
        request.refresh_from_db()
        assert request.state == "eligible"
        assert request.history.last().transition == "ungroup"


def test_dissolving_a_draft_leaves_the_requests_untouched(bundle, requests_, officer):
    dissolve_bundle(bundle, actor=officer)

    bundle.refresh_from_db()
    assert bundle.state == "dissolved"
    requests_[0].refresh_from_db()
    assert requests_[0].state == "eligible"
    assert not requests_[0].history.exists()


def test_dissolved_requests_are_grouped_again_by_the_next_run(campaign, bundle, officer):
    seal_bundle(bundle, actor=officer)
    dissolve_bundle(bundle, actor=officer)

    run_grouping(campaign, actor=officer)

    fresh = Bundle.objects.get(state="draft")
    assert fresh.member_count == 3
    assert BundleMember.objects.filter(active=True).count() == 3


def test_a_run_never_touches_a_sealed_bundle(campaign, bundle, officer):
    seal_bundle(bundle, actor=officer)
    eligible_request(campaign)  # one more, alone

    result = run_grouping(campaign, actor=officer)

    bundle.refresh_from_db()
    assert bundle.state == "sealed"
    assert bundle.members.filter(active=True).count() == 3
    assert result.run.eligible_count == 1
    assert result.run.superseded_count == 0


def test_a_withdrawn_member_is_released_and_the_totals_follow(bundle, requests_, officer):
    seal_bundle(bundle, actor=officer)
    member = bundle.members.get(request=requests_[0])

    withdraw_member(bundle, member, actor=officer, note="Projet abandonné.")

    member.refresh_from_db()
    assert (member.status, member.active) == ("withdrawn", False)
    bundle.refresh_from_db()
    assert (bundle.state, bundle.member_count) == ("sealed", 2)
    assert bundle.loan_total == 2 * requests_[1].loan_amount
    requests_[0].refresh_from_db()
    assert requests_[0].state == "eligible"
    log = BundleTransition.objects.filter(bundle=bundle).last()
    assert log.transition == "withdraw_member"
    assert requests_[0].reference in log.note


def test_a_submitted_bundle_cannot_be_dissolved(bundle, officer):
    Bundle.objects.filter(pk=bundle.pk).update(state="submitted")

    with pytest.raises(Conflict) as conflict:
        dissolve_bundle(bundle, actor=officer)

    assert "« Transmis au financeur »" in conflict.value.message

"""Sealing freezes a bundle's membership: its members' requests become "grouped"."""

import pytest

from dossiers.models import RequestTransition
from dossiers.workflow import Conflict, Forbidden, Refused, perform
from grouping.bundles import seal_bundle, withdraw_member
from grouping.models import BundleTransition
from tests.grouping.builders import (
    analyst_of,
    bundle_of,
    campaign_with_policy,
    eligible_request,
    funder_parameter,
    officer_of,
)

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


def test_sealing_groups_every_member_request(bundle, requests_, officer):
    sealed = seal_bundle(bundle, actor=officer, note="Dossier complet.")

    assert sealed.state == "sealed"
    log = BundleTransition.objects.get(bundle=bundle)
    assert (log.transition, log.from_state, log.to_state, log.actor) == (
        "seal",
        "draft",
        "sealed",
        officer,
    )
    assert log.note == "Dossier complet."
    for request in requests_:
        request.refresh_from_db()
        assert request.state == "grouped"
        entry = RequestTransition.objects.get(request=request, transition="group")
        assert entry.actor == officer
        assert bundle.reference in entry.note


def test_it_refuses_a_bundle_below_the_funders_minimum(campaign, bundle, officer, requests_):
    # The funder raised its own minimum since the run: 36 000 € of loans no longer do.
    funder_parameter(bundle.funder, "lender_minimum", "40000")

    with pytest.raises(Refused) as refused:
        seal_bundle(bundle, actor=officer)

    assert refused.value.problems == [
        f"Prêts cumulés 36\u202f000,00\u00a0€ : moins que le minimum de {bundle.funder.name} "
        "par dossier collectif (40\u202f000,00\u00a0€)."
    ]
    bundle.refresh_from_db()
    assert bundle.state == "draft"
    requests_[0].refresh_from_db()
    assert requests_[0].state == "eligible"


def test_it_refuses_a_member_withdrawn_meanwhile_and_says_what_to_do(bundle, requests_, officer):
    withdrawn = requests_[0]
    perform(withdrawn, "withdraw", actor=officer)

    with pytest.raises(Refused) as refused:
        seal_bundle(bundle, actor=officer)

    [problem] = refused.value.problems
    assert withdrawn.reference in problem
    assert "« Retirée »" in problem
    assert "retirez-la du dossier ou dissolvez-le" in problem
    for request in requests_[1:]:
        request.refresh_from_db()
        assert request.state == "eligible"  # nothing half done


def test_it_refuses_a_member_whose_trade_no_longer_matches_the_key(bundle, requests_, officer):
    enterprise = requests_[0].enterprise
    enterprise.naf_code = "47.91A"
    enterprise.save()

    with pytest.raises(Refused) as refused:
        seal_bundle(bundle, actor=officer)

    assert "ne correspond plus à la clé du dossier" in refused.value.problems[0]


def test_withdrawing_members_until_too_few_remain_stops_the_seal(bundle, officer):
    for member in list(bundle.members.all())[:2]:
        withdraw_member(bundle, member, actor=officer)

    bundle.refresh_from_db()
    assert bundle.member_count == 1
    with pytest.raises(Refused) as refused:
        seal_bundle(bundle, actor=officer)
    assert "Le dossier compte 1 membre(s) : il en faut au moins 2." in refused.value.problems


def test_only_the_campaigns_federation_may_seal(bundle):
    stranger = officer_of(campaign_with_policy())
    with pytest.raises(Forbidden):
        seal_bundle(bundle, actor=stranger)
    with pytest.raises(Forbidden):
        seal_bundle(bundle, actor=analyst_of(bundle.funder))


def test_sealing_twice_is_a_conflict(bundle, officer):
    seal_bundle(bundle, actor=officer)

    with pytest.raises(Conflict) as conflict:
        seal_bundle(bundle, actor=officer)

    assert "est « Scellé »" in conflict.value.message

"""The funder decides each member; the last decision decides the bundle's outcome."""

from decimal import Decimal

import pytest

from dossiers.workflow import Conflict, Forbidden, Refused
from grouping.bundles import close_bundle, mark_ready, seal_bundle, submit_bundle
from grouping.decisions import record_decision
from grouping.models import Bundle, BundleTransition
from tests.factories import FunderFactory
from tests.grouping.builders import (
    LOAN_TERMS,
    analyst_of,
    bundle_of,
    campaign_with_policy,
    officer_of,
    reviewed_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return campaign_with_policy()


@pytest.fixture
def officer(campaign):
    return officer_of(campaign)


@pytest.fixture
def submitted(campaign, officer):
    requests_ = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    bundle = seal_bundle(bundle_of(campaign, *requests_), actor=officer)
    mark_ready(bundle, actor=None)
    return submit_bundle(bundle, actor=officer)


@pytest.fixture
def analyst(submitted):
    return analyst_of(submitted.funder)


def members(bundle):
    return list(bundle.members.order_by("request_id"))


def test_approving_every_member_in_full_approves_the_bundle(submitted, analyst):
    first, second = members(submitted)

    record_decision(submitted, first, actor=analyst, approved=True, loan_terms=LOAN_TERMS)
    decided = record_decision(
        submitted, second, actor=analyst, approved=True, loan_terms=LOAN_TERMS
    )

    assert decided.status == "approved"
    assert decided.decided_amount == Decimal("12000.00")  # what it asked: loan and grant
    assert decided.decided_by == analyst
    assert decided.request.state == "approved"
    assert decided.request.approved_amount == Decimal("12000.00")
    bundle = Bundle.objects.get(pk=submitted.pk)
    assert (bundle.state, bundle.outcome) == ("decided", "approved")
    assert bundle.approved_total == Decimal("24000.00")
    log = BundleTransition.objects.filter(bundle=bundle).last()
    assert (log.transition, log.actor, log.to_state) == ("decide", analyst, "decided")


def test_one_member_declined_partially_approves_the_bundle(submitted, analyst):
    first, second = members(submitted)

    record_decision(submitted, first, actor=analyst, approved=True, loan_terms=LOAN_TERMS)
    refused = record_decision(
        submitted,
        second,
        actor=analyst,
        approved=False,
        decline_code="financials",
        reason="Fonds propres insuffisants.",
    )

    assert refused.status == "declined"
    assert refused.request.state == "declined"
    assert refused.request.decision_reason == "Fonds propres insuffisants."
    bundle = Bundle.objects.get(pk=submitted.pk)
    assert bundle.outcome == "partially_approved"
    assert bundle.approved_total == Decimal("12000.00")


def test_a_member_approved_for_less_partially_approves_the_bundle(submitted, analyst):
    first, second = members(submitted)

    record_decision(submitted, first, actor=analyst, approved=True, loan_terms=LOAN_TERMS)
    record_decision(
        submitted,
        second,
        actor=analyst,
        approved=True,
        loan_terms=LOAN_TERMS,
        amount=Decimal("10000"),
    )

    assert Bundle.objects.get(pk=submitted.pk).outcome == "partially_approved"


def test_every_member_declined_declines_the_bundle(submitted, analyst):
    for member in members(submitted):
        record_decision(
            submitted,
            member,
            actor=analyst,
            approved=False,
            decline_code="financials",
            reason="Hors cible.",
        )

    bundle = Bundle.objects.get(pk=submitted.pk)
    assert (bundle.state, bundle.outcome, bundle.approved_total) == (
        "decided",
        "declined",
        Decimal("0.00"),
    )


def test_the_bundle_waits_for_its_last_member(submitted, analyst):
    record_decision(
        submitted, members(submitted)[0], actor=analyst, approved=True, loan_terms=LOAN_TERMS
    )

    bundle = Bundle.objects.get(pk=submitted.pk)
    assert (bundle.state, bundle.outcome) == ("submitted", "")


def test_a_decline_needs_a_reason(submitted, analyst):
    with pytest.raises(Refused) as refused:
        record_decision(
            submitted,
            members(submitted)[0],
            actor=analyst,
            approved=False,
            decline_code="financials",
        )

    assert refused.value.problems == ["Un motif est obligatoire pour un refus."]


def test_it_refuses_more_than_the_member_asked(submitted, analyst):
    with pytest.raises(Refused) as refused:
        record_decision(
            submitted,
            members(submitted)[0],
            actor=analyst,
            approved=True,
            loan_terms=LOAN_TERMS,
            amount=Decimal(30000),
        )

    assert "supérieur au montant demandé 12\u202f000,00\u00a0€" in refused.value.problems[0]


def test_only_the_bundles_funder_decides(submitted, officer):
    member = members(submitted)[0]
    with pytest.raises(Forbidden):
        record_decision(submitted, member, actor=officer, approved=True, loan_terms=LOAN_TERMS)
    with pytest.raises(Forbidden):
        record_decision(submitted, member, actor=analyst_of(FunderFactory()), approved=True)


def test_a_member_is_decided_once(submitted, analyst):
    member = members(submitted)[0]
    record_decision(submitted, member, actor=analyst, approved=True, loan_terms=LOAN_TERMS)

    with pytest.raises(Conflict) as conflict:
        record_decision(
            submitted,
            member,
            actor=analyst,
            approved=False,
            decline_code="financials",
            reason="Erreur.",
        )

    assert "déjà enregistrée : « Accordé »" in conflict.value.message


def test_closing_a_decided_bundle_releases_its_members(submitted, analyst, officer):
    for member in members(submitted):
        record_decision(submitted, member, actor=analyst, approved=True, loan_terms=LOAN_TERMS)

    closed = close_bundle(submitted, actor=officer)

    assert closed.state == "closed"
    assert closed.outcome == "approved"
    assert not closed.members.filter(active=True).exists()


def test_an_undecided_bundle_cannot_be_closed(submitted, officer):
    with pytest.raises(Conflict):
        close_bundle(submitted, actor=officer)

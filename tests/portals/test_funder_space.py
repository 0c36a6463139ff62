"""The funder's space: an inbox of the bundles sent to it, the bundle with its package, a
decision per member, the requests sent to it read-only; the SME then reads the outcome."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grouping.decisions import record_decision
from grouping.models import Bundle
from tests.factories import UserFactory
from tests.grouping.builders import LOAN_TERMS
from tests.portals.conftest import submitted_bundle
from tests.portals.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world):
    return submitted_bundle(world)


@pytest.fixture
def funder(world, client):
    client.force_login(world.users["funder"])
    return world.users["funder"]


def members(bundle):
    return list(bundle.members.select_related("request__enterprise").order_by("request__reference"))


def decide(client, bundle, member, **data):
    return client.post(reverse("portals:funder_decision", args=[bundle.reference, member.pk]), data)


def test_the_inbox_lists_the_bundles_sent_to_the_funder_and_filters_them(client, sent, funder):
    page = text(client.get(reverse("portals:funder_home")))
    assert sent.reference in page
    assert "2 décisions à prendre" in page

    assert sent.reference in text(
        client.get(reverse("portals:funder_home"), {"state": "submitted"})
    )
    filtered = text(client.get(reverse("portals:funder_home"), {"state": "decided"}))
    assert sent.reference not in filtered
    assert "Aucun dossier dans cet état." in filtered


def test_another_bank_sees_an_empty_inbox(client, sent, world):
    client.force_login(world.users["other_funder"])

    page = text(client.get(reverse("portals:funder_home")))

    assert sent.reference not in page
    assert "Aucun dossier collectif ne vous a encore été transmis." in page


def test_the_bundle_page_offers_the_package_and_a_decision_per_member(client, sent, funder):
    page = text(client.get(reverse("portals:funder_bundle", args=[sent.reference])))

    assert reverse("exports:bundle_package", args=[sent.reference]) in page
    for member in members(sent):
        assert reverse("portals:funder_decision", args=[sent.reference, member.pk]) in page
        assert reverse("portals:funder_request", args=[member.request.reference]) in page
    assert "Il reste 2 décisions à prendre." in page


def test_approving_then_declining_decides_the_bundle(client, sent, funder, world):
    first, second = members(sent)

    response = decide(
        client,
        sent,
        first,
        decision="approve",
        amount="10 000",
        duration_months="60",
        rate="4.5",
        guarantor="bpifrance",
        guarantee_share="80",
        reason="",
    )
    assert response.status_code == 302
    assert f"{first.request.reference} : financement accordé." in text(client.get(response.url))
    first.refresh_from_db()
    assert (first.status, first.decided_amount) == ("approved", Decimal("10000.00"))
    assert (first.loan_duration_months, first.guarantor) == (60, "bpifrance")
    assert first.guaranteed_amount == Decimal("8000.00")  # 80 % of 10 000

    response = decide(
        client,
        sent,
        second,
        decision="decline",
        decline_code="financials",
        reason="Fonds propres trop faibles.",
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.state, sent.outcome) == ("decided", "partially_approved")
    page = text(client.get(response.url))
    assert "Partiellement accordé" in page and "10\u00a0000,00\u00a0€ accordés au total" in page
    assert "Fonds propres trop faibles." in page
    assert "Toutes les décisions sont prises" in page


def test_a_decline_without_reason_is_refused_by_the_form(client, sent, funder):
    first = members(sent)[0]

    response = decide(client, sent, first, decision="decline", reason="  ")

    assert response.status_code == 200
    page = text(response)
    assert "Un motif est obligatoire pour un refus." in page
    assert 'href="#id_reason"' in page
    first.refresh_from_db()
    assert first.status == "active"


def test_more_than_asked_is_refused_with_the_services_reason(client, sent, funder):
    first = members(sent)[0]

    page = text(decide(client, sent, first, decision="approve", amount="99 000", reason=""))

    assert "supérieur au montant demandé" in page
    first.refresh_from_db()
    assert first.status == "active"


def test_a_decided_member_cannot_be_decided_again(client, sent, funder):
    first = members(sent)[0]
    record_decision(
        sent, first, actor=funder, approved=False, decline_code="financials", reason="Non."
    )

    assert "ne peut plus être modifiée" in text(
        client.get(reverse("portals:funder_decision", args=[sent.reference, first.pk]))
    )
    response = decide(client, sent, first, decision="approve", amount="1 000")
    assert response.status_code == 302
    assert "déjà enregistrée" in text(client.get(response.url))


def test_the_funder_reads_a_request_sent_to_it_without_any_action(client, sent, funder):
    request = members(sent)[0].request

    page = text(client.get(reverse("portals:funder_request", args=[request.reference])))

    assert "Lecture seule" in page
    assert request.enterprise.siret in page
    assert sent.reference in page
    assert "<form" not in page.split("<main")[1].split("</main>")[0]


def test_the_sme_reads_the_collective_file_and_the_outcome_on_its_request(client, sent, world):
    first, _second = members(sent)
    analyst = world.users["funder"]
    analyst.first_name, analyst.last_name = "Jeanne", "Roux"
    analyst.save()
    record_decision(
        sent, first, actor=analyst, approved=True, loan_terms=LOAN_TERMS, amount=Decimal("10000")
    )
    client.force_login(world.users["sme_owner"])

    page = text(client.get(reverse("portals:request_detail", args=[first.request.reference])))

    assert f"{sent.reference} — {sent.key_description}" in page
    assert sent.funder.name in page
    assert "Financement accordé : 10\u00a0000,00\u00a0€" in page
    assert f"par Jeanne Roux ({sent.funder.name})" in page
    assert "Toutes ses lignes sont transmises aux financeurs" in page
    assert reverse("portals:bundle", args=[sent.reference]) not in page  # no link for the SME


def test_a_draft_bundle_is_not_shown_to_the_sme(client, world):
    from tests.grouping.builders import bundle_of, reviewed_request

    campaign = world.request.campaign
    sent = submitted_bundle(world)  # gives the campaign its rules
    extra = [reviewed_request(campaign, officer=world.users["fed_officer"]) for _ in range(2)]
    draft = bundle_of(campaign, *extra)
    owner = UserFactory()
    extra[0].enterprise.representatives.add(owner)
    client.force_login(owner)

    page = text(client.get(reverse("portals:request_detail", args=[extra[0].reference])))

    assert draft.reference not in page and sent.reference not in page
    assert Bundle.objects.get(pk=draft.pk).state == "draft"


def test_the_funders_pages_read_in_english(client, sent, funder):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    inbox = text(client.get(reverse("portals:funder_home")))
    page = text(client.get(reverse("portals:funder_bundle", args=[sent.reference])))

    assert "Collective files received" in inbox and "2 decisions to take" in inbox
    assert "Members and decisions" in page and "Awaiting decision" in page
    assert "Download the package (ZIP)" in page

"""Federations prefill requests for their SMEs and follow them; funders read theirs."""

from decimal import Decimal

import pytest

from dossiers import workflow
from dossiers.models import Enterprise, FundingRequest
from dossiers.workflow import perform
from tests.api import payloads
from tests.factories import EnterpriseFactory, make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"


def test_a_federation_prefills_a_draft_with_its_enterprise_and_plan(fed, campaign):
    response = fed.post(URL, payloads.prefill(campaign))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["reference"].startswith("DEM-")
    assert body["enterprise"]["sme_category"] == "micro"
    assert body["total_cost"] == "24000.00"
    assert body["grant_amount"] == "10000.00"
    assert [line["kind"] for line in body["financing_plan"]["sources"]] == [
        "grant",
        "loan",
        "own_funds",
    ]
    created = FundingRequest.objects.get(reference=body["reference"])
    assert created.campaign == campaign
    assert created.created_by == fed.token.service_user


def test_the_plan_is_optional(fed, campaign):
    response = fed.post(URL, payloads.prefill(campaign, plan=False))

    assert response.status_code == 201
    assert response.json()["financing_plan"] == {"uses": [], "sources": []}


def test_invalid_fields_are_reported_by_their_path(fed, campaign):
    data = payloads.prefill(campaign)
    data["enterprise"]["siret"] = "11122233344456"
    data["enterprise"]["naf_code"] = "99.99Z"
    data["financing_plan"]["uses"][0]["amount"] = "-5.00"
    data["financing_plan"]["sources"][0]["kind"] = "intangible"

    response = fed.post(URL, data)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    fields = {d["field"]: d for d in error["details"]}
    assert fields["enterprise.siret"]["code"] == "invalid_siret"
    assert "Luhn" in fields["enterprise.siret"]["message"]
    assert fields["enterprise.naf_code"]["code"] == "naf_unknown"
    assert fields["financing_plan.uses.0.amount"]["code"] == "negative_amount"
    assert "financing_plan.sources.0.kind" in fields
    assert not FundingRequest.objects.exists()
    assert not Enterprise.objects.exists()


def test_identifiers_sent_as_printed_are_stored_as_their_digits(fed, campaign):
    data = payloads.prefill(campaign)
    siren, siret = data["enterprise"]["siren"], data["enterprise"]["siret"]
    data["enterprise"]["siren"] = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    data["enterprise"]["siret"] = f"{siret[:3]}.{siret[3:6]}.{siret[6:9]} {siret[9:]}"

    response = fed.post(URL, data)

    assert response.status_code == 201, response.json()
    assert response.json()["enterprise"]["siret"] == siret
    assert Enterprise.objects.get().siren == siren


def test_a_siret_that_does_not_extend_the_siren_is_refused(fed, campaign):
    data = payloads.prefill(campaign)
    data["enterprise"]["siren"] = payloads.enterprise(seed=7)["siren"]

    response = fed.post(URL, data)

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "enterprise.siret"


def test_a_second_request_of_one_enterprise_in_a_campaign_is_refused_naming_the_first(
    fed, campaign
):
    first = fed.post(URL, payloads.prefill(campaign)).json()

    response = fed.post(URL, payloads.prefill(campaign))

    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert first["reference"] in detail["message"]
    assert FundingRequest.objects.count() == 1


def test_an_enterprise_the_federation_already_follows_is_reused_unchanged(fed, campaign):
    first = fed.post(URL, payloads.prefill(campaign)).json()
    # One active request per campaign (docs/rules.md#single-undertaking): the first is withdrawn.
    workflow.perform(
        FundingRequest.objects.get(reference=first["reference"]), "withdraw", actor=None
    )
    again = payloads.prefill(campaign)
    again["enterprise"]["name"] = "Autre nom"

    response = fed.post(URL, again)

    assert response.status_code == 201
    assert response.json()["enterprise"]["name"] == first["enterprise"]["name"]
    assert Enterprise.objects.count() == 1


def test_an_enterprise_known_only_elsewhere_is_a_conflict(fed, campaign):
    EnterpriseFactory(siren=payloads.enterprise()["siren"], siret=payloads.enterprise()["siret"])

    response = fed.post(URL, payloads.prefill(campaign))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "enterprise_registered_elsewhere"


def test_another_federations_campaign_is_an_unknown_campaign(fed, other_campaign):
    response = fed.post(URL, payloads.prefill(other_campaign))

    assert response.status_code == 400
    assert response.json()["error"]["details"][0] == {
        "field": "campaign",
        "code": "unknown_campaign",
        "message": "Campagne inconnue ou hors de portée de ce jeton.",
    }


def test_a_funder_cannot_prefill(bank, campaign):
    response = bank.post(URL, payloads.prefill(campaign))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "federation_only"


def test_a_federation_reads_its_request_with_history(fed, campaign):
    request = make_request(campaign=campaign)
    perform(request, "submit", actor=None)
    perform(request, "start_review", actor=fed.token.service_user)

    response = fed.get(f"{URL}{request.reference}/")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "in_review"
    assert [(h["transition"], h["actor"]) for h in body["history"]] == [
        ("submit", None),
        ("start_review", "API « SI »"),
    ]


def test_lists_are_filtered_by_state_and_campaign(fed, campaign):
    draft = make_request(campaign=campaign, complete=False)
    submitted = make_request(campaign=campaign)
    perform(submitted, "submit", actor=None)

    by_state = fed.get(URL, {"state": "submitted"}).json()["results"]
    by_campaign = fed.get(URL, {"campaign": campaign.reference}).json()["results"]
    by_other_campaign = fed.get(URL, {"campaign": "CAMP-NONE"}).json()["results"]

    assert [r["reference"] for r in by_state] == [submitted.reference]
    assert {r["reference"] for r in by_campaign} == {draft.reference, submitted.reference}
    assert by_other_campaign == []


def test_a_bad_filter_value_is_a_400_naming_the_parameter(fed, campaign):
    response = fed.get(URL, {"state": "lost", "created_after": "yesterday"})

    assert response.status_code == 400
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"state", "created_after"}


def test_a_funder_sees_only_requests_sent_to_it_and_only_its_part_of_the_history(
    bank, fed, campaign, funder
):
    make_request(campaign=campaign)  # not sent: invisible to the bank
    sent = make_request(campaign=campaign)
    for name in ("submit", "start_review", "mark_eligible", "group"):
        perform(sent, name, actor=None)
    perform(sent, "send", actor=None, funder=funder)
    perform(sent, "approve", actor=bank.token.service_user, amount=Decimal("20000.00"))

    listed = bank.get(URL).json()["results"]
    detail = bank.get(f"{URL}{sent.reference}/").json()

    assert [r["reference"] for r in listed] == [sent.reference]
    assert [h["transition"] for h in detail["history"]] == ["send", "approve"]
    assert detail["approved_amount"] == "20000.00"


def test_another_organisations_request_is_a_404(other_fed, other_bank, campaign):
    request = make_request(campaign=campaign)

    for other in (other_fed, other_bank):
        response = other.get(f"{URL}{request.reference}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

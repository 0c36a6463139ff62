"""The API shows both kinds of collective, a request's lines and the per-line decisions."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Organisation
from api.tokens import issue_token
from dossiers.models import DeMinimisDeclaration, FundingRequest
from grouping.bundles import seal_bundle
from grouping.models import Bundle, GroupingPolicy
from grouping.runs import group_campaign
from tests.api.conftest import caller
from tests.factories import FunderFactory
from tests.grouping.builders import campaign_with_policy, eligible_request, officer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    """Two members with both lines, a grant collective and a lender bundle, both sent."""
    campaign = campaign_with_policy()
    authority = FunderFactory(
        name="Autorité de gestion API", funder_kind=Organisation.FunderKind.EU_PROGRAMME
    )
    campaign.funders.add(authority)
    GroupingPolicy.objects.create(
        campaign=campaign, kind="grant", trade_level="subclass", territory_level="departement",
        min_members=2, max_members=10, funder=authority, coincide=True,
    )  # fmt: skip
    pair = [eligible_request(campaign, loan="12000", grant="8000") for _ in range(2)]
    group_campaign(campaign, actor=None)
    for bundle in Bundle.objects.filter(campaign=campaign):
        seal_bundle(bundle, actor=officer_of(campaign))
        Bundle.objects.filter(pk=bundle.pk).update(state="submitted")
    for request in pair:
        FundingRequest.objects.filter(pk=request.pk).update(state="sent")
        DeMinimisDeclaration.objects.create(
            request=request, declared_by="Gérant", declared_on=date.today(), no_aid_received=True
        )
    return {b.kind: b for b in Bundle.objects.filter(campaign=campaign)}, pair


def token_of(bundle):
    return caller(issue_token(organisation=bundle.funder, name="SI", scopes=["read", "write"]))


def test_each_funder_lists_only_its_kind_with_its_line_amounts(sent):
    collectives, _ = sent
    authority, bank = token_of(collectives["grant"]), token_of(collectives["loan"])

    [grant] = authority.get("/api/v1/bundles/").json()["results"]
    [loan] = bank.get("/api/v1/bundles/").json()["results"]

    assert (grant["kind"], grant["grant_total"], grant["loan_total"]) == (
        "grant", "16000.00", "0.00",
    )  # fmt: skip
    assert (loan["kind"], loan["grant_total"], loan["loan_total"]) == ("loan", "0.00", "24000.00")
    assert grant["twin"] == loan["reference"] and loan["twin"] == grant["reference"]


def test_a_grant_decision_through_the_api_records_the_legal_act_date(sent):
    collectives, pair = sent
    grants = collectives["grant"]
    authority = token_of(grants)
    url = f"/api/v1/bundles/{grants.reference}/members/{pair[0].reference}/decision/"

    body = authority.post(
        url, {"approved": True, "amount": "7000.00", "grant_act_date": date.today().isoformat()}
    ).json()

    assert body["member"]["line"] == "grant"
    assert body["member"]["decided_amount"] == "7000.00"
    assert body["member"]["grant_act_date"] == date.today().isoformat()


def test_a_bank_posting_loan_terms_gets_them_back_with_the_guaranteed_amount(sent):
    collectives, pair = sent
    loans = collectives["loan"]
    bank = token_of(loans)
    url = f"/api/v1/bundles/{loans.reference}/members/{pair[0].reference}/decision/"
    terms = {"duration_months": 60, "rate": "4.10", "guarantor": "bpifrance",
             "guarantee_share": "80"}  # fmt: skip

    body = bank.post(url, {"approved": True, "loan_terms": terms}).json()

    member = body["member"]
    assert (member["line"], member["loan_duration_months"], member["loan_rate"]) == (
        "loan", 60, "4.100",
    )  # fmt: skip
    assert Decimal(member["guaranteed_amount"]) == Decimal("9600.00")  # 80 % of 12 000
    assert Decimal(member["guarantee_fee"]) == Decimal("84.00")  # 0.70 % of 12 000


def test_a_request_shows_each_line_and_where_it_stands(sent):
    collectives, pair = sent
    bank = token_of(collectives["loan"])

    lines = bank.get(f"/api/v1/requests/{pair[0].reference}/").json()["lines"]

    assert [(line["line"], line["asked"], line["stage"]) for line in lines] == [
        ("grant", "8000.00", "sent"),
        ("loan", "12000.00", "sent"),
    ]
    # The bank reads its own collective, not the managing authority's.
    assert [line["collective"] for line in lines] == [None, collectives["loan"].reference]

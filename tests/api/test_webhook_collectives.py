"""Webhooks of the two kinds of collective: a request with a grant and a loan goes in a
grant collective and a lender bundle; each funder is told of its own collective and of its
own decision, with the kind, the line and the per-line decision fields."""

import json
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Organisation
from api.tokens import issue_token
from grouping.bundles import mark_ready, seal_bundle, submit_bundle
from grouping.decisions import record_decision
from grouping.models import Bundle, BundleTransition, GroupingPolicy
from grouping.runs import run_grouping
from tests.api.conftest import caller
from tests.factories import FunderFactory
from tests.grouping.builders import (
    LOAN_TERMS,
    analyst_of,
    campaign_with_policy,
    officer_of,
    reviewed_request,
)
from webhooks.events import emit_for_bundle_transition

pytestmark = pytest.mark.django_db
EVENTS = ["bundle.sent", "decision.recorded"]


def register(organisation, url) -> None:
    client = caller(issue_token(organisation=organisation, name="SI", scopes=["write"]))
    response = client.post("/api/v1/webhooks/", {"url": url, "events": EVENTS})
    assert response.status_code == 201, response.json()


@pytest.fixture
def two_collectives():
    campaign = campaign_with_policy(guarantor="bpifrance", guarantee_share=Decimal("70"))
    bank = campaign.funders.get()
    authority = FunderFactory(
        name="Autorité de gestion FEDER", funder_kind=Organisation.FunderKind.EU_PROGRAMME
    )
    campaign.funders.add(authority)
    GroupingPolicy.objects.create(
        campaign=campaign, kind="grant", funder=authority, trade_level="subclass",
        territory_level="departement", widening=[["subclass", "region"]], min_members=2,
    )  # fmt: skip
    officer = officer_of(campaign)
    for _ in range(2):
        reviewed_request(campaign, officer=officer, grant="5000", loan="12000")
    bundles = {}
    for kind in ("grant", "loan"):
        run_grouping(campaign, actor=None, kind=kind)
        bundle = seal_bundle(
            Bundle.objects.get(campaign=campaign, kind=kind, state="draft"), actor=officer
        )
        bundles[kind] = mark_ready(bundle, actor=None)
    return bundles, officer, bank, authority


def test_each_funder_is_told_of_its_collective_and_its_decision_per_line(
    receiver, two_collectives, django_capture_on_commit_callbacks
):
    bundles, officer, bank, authority = two_collectives
    register(bank, f"{receiver.url}bank")
    register(authority, f"{receiver.url}authority")

    for kind in ("grant", "loan"):  # the request is sent once both lines are
        with django_capture_on_commit_callbacks(execute=True):
            submit_bundle(bundles[kind], actor=officer)
    grant_member = bundles["grant"].members.order_by("request_id").first()
    loan_member = bundles["loan"].members.get(request_id=grant_member.request_id)
    with django_capture_on_commit_callbacks(execute=True):
        record_decision(
            bundles["grant"], grant_member, actor=analyst_of(authority), approved=True,
            amount=Decimal("4000.00"), grant_act_date=date.today(),
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        record_decision(
            bundles["loan"], loan_member, actor=analyst_of(bank), approved=True,
            loan_terms=LOAN_TERMS,
        )  # fmt: skip

    by_path: dict[str, list[dict]] = {}
    for got in receiver.received:
        who = "bank" if got.path.endswith("bank") else "authority"
        by_path.setdefault(who, []).append(json.loads(got.body))
    sent = {p: [e for e in events if e["type"] == "bundle.sent"] for p, events in by_path.items()}
    assert [e["data"]["bundle"]["reference"] for e in sent["bank"]] == [bundles["loan"].reference]
    assert [e["data"]["bundle"]["reference"] for e in sent["authority"]] == [
        bundles["grant"].reference
    ]
    lender_bundle = sent["bank"][0]["data"]["bundle"]
    assert (lender_bundle["kind"], lender_bundle["line"]) == ("loan", "loan")
    assert (lender_bundle["loan_total"], lender_bundle["line_total"]) == ("24000.00", "24000.00")
    assert (lender_bundle["guarantor"], lender_bundle["guarantee_share"]) == ("bpifrance", "70.00")
    assert sent["authority"][0]["data"]["bundle"]["grant_total"] == "10000.00"

    decided = {
        p: [e["data"] for e in events if e["type"] == "decision.recorded"]
        for p, events in by_path.items()
    }
    [grant] = decided["authority"]
    assert grant["bundle"]["kind"] == "grant"
    assert grant["member"]["line"] == "grant"
    assert (grant["member"]["amount"], grant["member"]["asked"]) == ("4000.00", "5000.00")
    assert grant["member"]["grant_act_date"] == date.today().isoformat()
    assert grant["member"]["loan_duration_months"] is None
    [loan] = decided["bank"]
    assert (loan["bundle"]["kind"], loan["member"]["line"]) == ("loan", "loan")
    assert loan["member"]["amount"] == "12000.00"
    assert (loan["member"]["loan_duration_months"], loan["member"]["loan_rate"]) == (60, "4.200")
    assert loan["member"]["loan_deferral_months"] == 0
    assert loan["member"]["decline_code"] == "" and loan["member"]["grant_act_date"] is None
    # The fields clients of /api/v1/ already read are all still there.
    assert {"request", "decision", "amount", "reason", "decided_at"} <= set(loan["member"])


def test_a_collective_submitted_first_can_be_announced_at_once_and_only_once(
    receiver, two_collectives, django_capture_on_commit_callbacks
):
    bundles, officer, bank, authority = two_collectives
    register(authority, f"{receiver.url}authority")
    with django_capture_on_commit_callbacks(execute=True):
        submit_bundle(bundles["grant"], actor=officer)
    # Announced as soon as it is submitted, though its requests wait for their loan line.
    assert len(receiver.received) == 1

    log = BundleTransition.objects.get(bundle=bundles["grant"], transition="submit")
    with django_capture_on_commit_callbacks(execute=True):
        assert emit_for_bundle_transition(log.pk) == []  # a retried job sends nothing twice
        submit_bundle(bundles["loan"], actor=officer)  # the requests are sent now

    events = [json.loads(got.body) for got in receiver.received]
    assert [(e["type"], e["data"]["bundle"]["kind"]) for e in events] == [("bundle.sent", "grant")]

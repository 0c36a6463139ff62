"""Funders read the bundles sent to them and decide per member; federations follow theirs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.tokens import issue_token
from dossiers.models import FundingRequest
from grouping.bundles import mark_ready, seal_bundle, submit_bundle
from grouping.models import Bundle
from tests.api.conftest import caller
from tests.factories import FunderFactory
from tests.grouping.builders import (
    bundle_of,
    campaign_with_policy,
    officer_of,
    reviewed_request,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/bundles/"
TERMS = {"loan_terms": {"duration_months": 60, "rate": "4.20"}}


@pytest.fixture
def group():
    campaign = campaign_with_policy()
    return campaign, officer_of(campaign)


@pytest.fixture
def sent(group):
    campaign, officer = group
    requests_ = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    bundle = seal_bundle(bundle_of(campaign, *requests_), actor=officer)
    mark_ready(bundle, actor=None)
    return submit_bundle(bundle, actor=officer)


@pytest.fixture
def lender(sent):
    return caller(issue_token(organisation=sent.funder, name="Back-office", scopes=["write"]))


@pytest.fixture
def lead(sent):
    return caller(issue_token(organisation=sent.campaign.federation, name="SI", scopes=["write"]))


def members(bundle):
    return list(bundle.members.select_related("request").order_by("request__reference"))


def decision_url(bundle, member) -> str:
    return f"{URL}{bundle.reference}/members/{member.request.reference}/decision/"


def test_a_funder_lists_the_bundles_sent_to_it(lender, sent, group):
    campaign, officer = group
    # A draft for the same funder is not sent yet: invisible to it.
    draft = bundle_of(campaign, *[reviewed_request(campaign, officer=officer) for _ in range(2)])

    listed = lender.get(URL).json()["results"]

    assert [b["reference"] for b in listed] == [sent.reference]
    assert listed[0]["state"] == "submitted"
    assert listed[0]["member_count"] == 2
    assert lender.get(f"{URL}{draft.reference}/").status_code == 404


def test_bundles_are_filtered_by_state_and_date(lender, sent):
    today = timezone.localdate()

    def refs(**params):
        return [b["reference"] for b in lender.get(URL, params).json()["results"]]

    assert refs(state="submitted") == [sent.reference]
    assert refs(state="decided") == []
    assert refs(submitted_after=today.isoformat()) == [sent.reference]
    assert refs(submitted_after=(today + timedelta(days=1)).isoformat()) == []
    assert refs(submitted_before=(today + timedelta(days=1)).isoformat()) == [sent.reference]


def test_a_funder_reads_a_bundle_with_its_members(lender, sent):
    body = lender.get(f"{URL}{sent.reference}/").json()

    assert [m["request"] for m in body["members"]] == [m.request.reference for m in members(sent)]
    assert body["members"][0]["asked"] == "12000.00"  # the loan line
    assert body["members"][0]["enterprise"]["siret"] == members(sent)[0].request.enterprise.siret
    assert [h["transition"] for h in body["history"]] == ["submit"]


def test_the_federation_sees_the_whole_history(lead, sent):
    body = lead.get(f"{URL}{sent.reference}/").json()

    assert [h["transition"] for h in body["history"]] == ["seal", "mark_ready", "submit"]


def test_a_funder_approves_a_member_through_the_same_transition_as_the_portal(lender, sent):
    first, _ = members(sent)

    response = lender.post(
        decision_url(sent, first), {"approved": True, **TERMS, "amount": "10000.00"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["member"]["status"] == "approved"
    assert body["member"]["decided_amount"] == "10000.00"
    assert body["bundle"]["state"] == "submitted"
    request = FundingRequest.objects.get(pk=first.request_id)
    assert request.state == "approved"
    log = request.history.last()
    assert (log.transition, log.actor) == ("approve", lender.token.service_user)


def test_the_last_decision_decides_the_bundle(lender, sent):
    first, second = members(sent)
    lender.post(decision_url(sent, first), {"approved": True, **TERMS})

    body = lender.post(
        decision_url(sent, second),
        {"approved": False, "decline_code": "financials", "reason": "Fonds propres trop faibles."},
    ).json()

    assert body["bundle"]["state"] == "decided"
    assert body["bundle"]["outcome"] == "partially_approved"
    assert Bundle.objects.get(pk=sent.pk).state == "decided"


def test_a_refused_decision_gives_the_guards_reasons(lender, sent):
    first, _ = members(sent)

    response = lender.post(
        decision_url(sent, first), {"approved": False, "decline_code": "financials", "reason": ""}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "transition_refused"
    assert error["details"]
    assert all(d["code"] == "guard" and d["message"] for d in error["details"])
    assert FundingRequest.objects.get(pk=first.request_id).state == "sent"


def test_deciding_twice_is_a_conflict(lender, sent):
    first, _ = members(sent)
    lender.post(decision_url(sent, first), {"approved": True, **TERMS})

    response = lender.post(decision_url(sent, first), {"approved": True, **TERMS})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "déjà enregistrée" in response.json()["error"]["message"]


def test_a_retried_decision_with_its_key_is_replayed_not_a_conflict(lender, sent):
    first, _ = members(sent)
    headers = {"Idempotency-Key": "decision-1"}

    once = lender.post(decision_url(sent, first), {"approved": True, **TERMS}, headers=headers)
    twice = lender.post(decision_url(sent, first), {"approved": True, **TERMS}, headers=headers)

    assert once.status_code == twice.status_code == 200
    assert twice.json() == once.json()


def test_only_funders_decide(lead, sent):
    first, _ = members(sent)

    response = lead.post(decision_url(sent, first), {"approved": True, **TERMS})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "funder_only"


def test_another_funder_gets_404_everywhere(sent):
    stranger = caller(issue_token(organisation=FunderFactory(), name="SI", scopes=["write"]))
    first, _ = members(sent)

    assert stranger.get(URL).json()["results"] == []
    assert stranger.get(f"{URL}{sent.reference}/").status_code == 404
    assert stranger.post(decision_url(sent, first), {"approved": True, **TERMS}).status_code == 404
    assert FundingRequest.objects.get(pk=first.request_id).state == "sent"


def test_an_unknown_member_is_a_404(lender, sent):
    response = lender.post(
        f"{URL}{sent.reference}/members/DEM-NONE/decision/", {"approved": True, **TERMS}
    )

    assert response.status_code == 404


def test_a_read_only_funder_token_cannot_decide(sent):
    reader = caller(issue_token(organisation=sent.funder, name="Lecture", scopes=["read"]))
    first, _ = members(sent)

    response = reader.post(decision_url(sent, first), {"approved": True, **TERMS})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"

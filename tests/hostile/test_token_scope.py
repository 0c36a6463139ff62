"""A token limited to some campaigns sees only their webhook events and cannot change the
organisation's endpoints (docs/rules.md#token-scope)."""

import pytest
from django.utils import timezone

from api.tokens import issue_token
from grouping.models import GroupingPolicy
from tests.api.conftest import caller
from tests.factories import CampaignFactory
from tests.grouping.builders import bundle_of, campaign_with_policy, eligible_request
from webhooks.events import emit
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_campaigns():
    mine = campaign_with_policy()
    policy = GroupingPolicy.objects.get(campaign=mine)
    theirs = CampaignFactory(federation=mine.federation, funders=[policy.funder])
    GroupingPolicy.objects.create(
        campaign=theirs,
        **{f: getattr(policy, f) for f in ("trade_level", "territory_level", "widening")},
        min_members=2,
        max_members=10,
        funder=policy.funder,
    )
    return mine, theirs


def events_of(federation, mine, theirs) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(
        organisation=federation,
        url="https://hooks.example/grappe",
        events=["request.state_changed", "bundle.sent", "decision.recorded"],
        secret="s" * 32,
    )
    for campaign in (mine, theirs):
        bundle = bundle_of(campaign, *(eligible_request(campaign) for _ in range(2)))
        request = bundle.members.first().request
        now = timezone.now()
        ids = [federation.pk]
        emit(
            "request.state_changed", key=f"r{request.pk}", organisation_ids=ids, at=now,
            data={"request": {"reference": request.reference, "campaign": campaign.reference}},
        )  # fmt: skip
        emit(
            "bundle.sent", key=f"b{bundle.pk}", organisation_ids=ids, at=now,
            data={"bundle": {"reference": bundle.reference, "campaign": campaign.reference}},
        )  # fmt: skip
        emit(
            "decision.recorded", key=f"d{bundle.pk}", organisation_ids=ids, at=now,
            data={"bundle": {"reference": bundle.reference}, "member": {}},
        )  # fmt: skip
    return endpoint


def test_a_campaign_token_sees_only_its_campaigns_deliveries(two_campaigns):
    mine, theirs = two_campaigns
    endpoint = events_of(mine.federation, mine, theirs)
    limited = caller(
        issue_token(organisation=mine.federation, name="C", scopes=["read"], campaigns=[mine])
    )
    whole = caller(issue_token(organisation=mine.federation, name="O", scopes=["read"]))
    url = f"/api/v1/webhooks/{endpoint.pk}/deliveries/"

    seen = limited.get(url).json()["results"]
    everything = whole.get(url).json()["results"]

    assert len(everything) == 6
    assert sorted(d["event"] for d in seen) == [
        "bundle.sent", "decision.recorded", "request.state_changed",
    ]  # fmt: skip
    theirs_bundle = theirs.bundles.get().reference
    hidden = endpoint.deliveries.get(
        event="decision.recorded", payload__data__bundle__reference=theirs_bundle
    )
    redeliver = f"/api/v1/webhooks/{endpoint.pk}/deliveries/{hidden.pk}/redeliver/"
    writer = caller(
        issue_token(organisation=mine.federation, name="W", scopes=["write"], campaigns=[mine])
    )
    assert writer.post(redeliver).status_code == 404


def test_a_campaign_token_cannot_change_or_remove_the_organisations_endpoints(two_campaigns):
    mine, _ = two_campaigns
    endpoint = WebhookEndpoint.objects.create(
        organisation=mine.federation, url="https://hooks.example/g", events=[], secret="s" * 32
    )
    limited = caller(
        issue_token(organisation=mine.federation, name="C", scopes=["write"], campaigns=[mine])
    )
    url = f"/api/v1/webhooks/{endpoint.pk}/"

    changed = limited.patch(url, {"is_active": False})
    removed = limited.delete(url)
    created = limited.post("/api/v1/webhooks/", {"url": "https://x.example/", "events": []})

    assert [changed.status_code, removed.status_code, created.status_code] == [403, 403, 403]
    assert changed.json()["error"]["code"] == "campaign_restricted"
    endpoint.refresh_from_db()
    assert endpoint.is_active

"""Webhook deliveries against a real receiver on 127.0.0.1: signed, retried with backoff,
disabled after repeated failures, recorded, redelivered."""

import json
from datetime import timedelta

import pytest
from django.core import mail

from dossiers.workflow import perform
from grouping.bundles import mark_ready, seal_bundle, submit_bundle
from grouping.decisions import record_decision
from tests.factories import make_request
from tests.grouping.builders import (
    LOAN_TERMS,
    analyst_of,
    bundle_of,
    campaign_with_policy,
    officer_of,
    reviewed_request,
)
from webhooks import signing
from webhooks.delivery import attempt_delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def register(caller, url, events=("request.state_changed",)):
    response = caller.post("/api/v1/webhooks/", {"url": url, "events": list(events)})
    assert response.status_code == 201, response.json()
    return response.json()


def submit(request, capture):
    with capture(execute=True):
        perform(request, "submit", actor=None)


def retry_now(delivery_id, capture):
    """The next attempt, as the worker would make it when it is due."""
    due = WebhookDelivery.objects.get(pk=delivery_id).next_attempt_at
    with capture(execute=True):
        return attempt_delivery(delivery_id, now=due)


def test_registration_returns_the_secret_once(fed, receiver):
    created = register(fed, receiver.url)

    assert created["secret"].startswith("whsec_")
    shown = fed.get(f"/api/v1/webhooks/{created['id']}/").json()
    assert "secret" not in shown
    assert shown["events"] == ["request.state_changed"]


def test_a_state_change_is_delivered_signed(
    fed, campaign, receiver, django_capture_on_commit_callbacks
):
    secret = register(fed, receiver.url)["secret"]
    request = make_request(campaign=campaign)

    submit(request, django_capture_on_commit_callbacks)

    [got] = receiver.received
    assert got.path == "/hooks/grappe"
    assert signing.verify(secret, got.headers["Grappe-Signature"], got.body)
    payload = json.loads(got.body)
    assert payload["type"] == got.headers["Grappe-Event"] == "request.state_changed"
    assert payload["id"] == got.headers["Grappe-Event-Id"]
    assert payload["data"]["request"]["reference"] == request.reference
    assert (payload["data"]["from_state"], payload["data"]["to_state"]) == ("draft", "submitted")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert str(delivery.delivery_id) == got.headers["Grappe-Delivery"]


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    fed, campaign, receiver, django_capture_on_commit_callbacks
):
    secret = register(fed, receiver.url)["secret"]
    receiver.script = [500, 503]

    submit(make_request(campaign=campaign), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    retry_now(delivery.pk, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - delivery.last_attempt_at
    outcome = retry_now(delivery.pk, django_capture_on_commit_callbacks)

    assert timedelta(seconds=60) <= first_wait <= timedelta(seconds=66)
    assert timedelta(seconds=120) <= second_wait <= timedelta(seconds=132)
    assert outcome.status == "succeeded"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert [json.loads(r.body)["id"] for r in receiver.received] == [str(delivery.event_id)] * 3
    for got in receiver.received:
        signing.verify(secret, got.headers["Grappe-Signature"], got.body)
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_an_attempt_that_is_not_due_yet_is_not_made(
    fed, campaign, receiver, django_capture_on_commit_callbacks
):
    register(fed, receiver.url)
    receiver.script = [500]
    submit(make_request(campaign=campaign), django_capture_on_commit_callbacks)

    assert attempt_delivery(WebhookDelivery.objects.get().pk) is None
    assert len(receiver.received) == 1


def test_a_delivery_fails_for_good_after_the_last_attempt(
    fed, campaign, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    register(fed, receiver.url)
    receiver.default = 500

    submit(make_request(campaign=campaign), django_capture_on_commit_callbacks)
    outcome = retry_now(WebhookDelivery.objects.get().pk, django_capture_on_commit_callbacks)

    assert outcome.status == "failed"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.response_code, delivery.next_attempt_at) == (2, 500, None)
    assert "HTTP 500" in delivery.error


def test_repeated_failures_disable_the_endpoint_and_tell_the_organisation(
    fed, federation, campaign, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    federation.email = "contact@federation.example"
    federation.save()
    register(fed, receiver.url)
    receiver.default = 500

    submit(make_request(campaign=campaign), django_capture_on_commit_callbacks)
    retry_now(WebhookDelivery.objects.get().pk, django_capture_on_commit_callbacks)
    outcome = retry_now(WebhookDelivery.objects.get().pk, django_capture_on_commit_callbacks)

    assert outcome.status == "failed"
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert "3 échecs consécutifs" in endpoint.disabled_reason
    [notice] = [m for m in mail.outbox if "webhook" in m.subject]
    assert notice.to == ["contact@federation.example"]
    assert receiver.url in notice.body
    # Nothing more is sent to it.
    submit(make_request(campaign=campaign), django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.received) == 3
    # Re-enabled through the API, the count starts over.
    fed.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"is_active": True})
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


def test_a_delivery_can_be_redelivered_with_the_same_event_id(
    fed, campaign, receiver, django_capture_on_commit_callbacks
):
    hook = register(fed, receiver.url)
    submit(make_request(campaign=campaign), django_capture_on_commit_callbacks)
    first = WebhookDelivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = fed.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{first.pk}/redeliver/")

    assert response.status_code == 202
    again = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert (again.event_id, again.redelivery_of) == (first.event_id, first)
    assert again.status == "succeeded"
    assert [r.headers["Grappe-Event-Id"] for r in receiver.received] == [str(first.event_id)] * 2
    listed = fed.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"]
    assert [d["id"] for d in listed] == [again.pk, first.pk]


def test_endpoints_get_only_the_events_they_chose_of_their_organisation(
    fed, other_fed, campaign, receiver, django_capture_on_commit_callbacks
):
    register(fed, receiver.url, events=["bundle.sent"])
    register(other_fed, receiver.url)

    submit(make_request(campaign=campaign), django_capture_on_commit_callbacks)

    assert receiver.received == []


def test_another_organisations_endpoints_are_404(fed, other_fed, receiver):
    hook = register(fed, receiver.url)

    assert other_fed.get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert other_fed.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert other_fed.get("/api/v1/webhooks/").json()["results"] == []
    assert fed.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 204


def test_a_sent_bundle_and_each_decision_are_delivered_to_the_funder(
    receiver, django_capture_on_commit_callbacks
):
    from api.tokens import issue_token
    from tests.api.conftest import caller

    campaign = campaign_with_policy()
    officer = officer_of(campaign)
    funder = campaign.funders.get()
    lender = caller(issue_token(organisation=funder, name="SI", scopes=["write"]))
    secret = register(lender, receiver.url, events=["bundle.sent", "decision.recorded"])["secret"]
    requests_ = [reviewed_request(campaign, officer=officer) for _ in range(2)]
    bundle = seal_bundle(bundle_of(campaign, *requests_), actor=officer)
    mark_ready(bundle, actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        submit_bundle(bundle, actor=officer)
    member = bundle.members.order_by("request_id").first()
    with django_capture_on_commit_callbacks(execute=True):
        record_decision(
            bundle, member, actor=analyst_of(funder), approved=True, loan_terms=LOAN_TERMS
        )

    events = [json.loads(r.body) for r in receiver.received]
    for got in receiver.received:
        signing.verify(secret, got.headers["Grappe-Signature"], got.body)
    assert [e["type"] for e in events] == ["bundle.sent", "decision.recorded"]
    assert events[0]["data"]["bundle"]["reference"] == bundle.reference
    assert events[0]["data"]["bundle"]["member_count"] == 2
    assert events[1]["data"]["member"]["request"] == member.request.reference
    assert events[1]["data"]["member"]["decision"] == "approved"
    assert events[1]["data"]["member"]["amount"] == "12000.00"  # the loan line

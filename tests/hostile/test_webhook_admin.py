"""An endpoint created in the administration signs with a generated secret and is checked
like one registered through the API (docs/rules.md#webhooks)."""

import pytest

from tests.factories import FederationFactory, UserFactory
from webhooks.delivery import attempt_delivery
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def add(admin_client, url: str):
    return admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "organisation": FederationFactory().pk,
            "url": url,
            "events": '["request.state_changed"]',
            "description": "",
            "is_active": "on",
            "created_at_0": "2026-12-01",
            "created_at_1": "10:00:00",
        },
        follow=True,
    )


def test_an_endpoint_added_in_the_admin_gets_a_secret_shown_once(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    response = add(admin_client, "http://127.0.0.1:9/hook")

    endpoint = WebhookEndpoint.objects.get()
    assert len(endpoint.secret) >= 32
    assert endpoint.secret in response.content.decode()
    assert (
        endpoint.secret
        not in admin_client.get(
            f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/"
        ).content.decode()
    )


def test_the_admin_refuses_a_loopback_address(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    response = add(admin_client, "http://127.0.0.1:8000/hook")

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()
    assert response.context["adminform"].form.errors["url"]


def test_nothing_is_sent_to_an_endpoint_without_a_secret(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    endpoint = WebhookEndpoint.objects.create(
        organisation=FederationFactory(), url="http://127.0.0.1:9/hook", events=[], secret=""
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="request.state_changed",
        event_id="6f1c8c57-9a55-4c0e-9f3c-7a0f6f0e6c12",
        payload={},
    )

    assert attempt_delivery(delivery.pk).status == DeliveryStatus.FAILED
    assert "sans secret" in WebhookDelivery.objects.get(pk=delivery.pk).error

"""A slow webhook receiver holds a worker for at most the attempt's total deadline, and a
delivery is never in flight twice (docs/rules.md#webhooks)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import FederationFactory
from tests.hostile.slow_receiver import SlowReceiver
from webhooks.delivery import attempt_delivery, lease, stalled_or_due
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)
DEADLINE = 2


@pytest.fixture
def slow(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = DEADLINE
    receiver = SlowReceiver(byte_every=0.8).start()
    yield receiver
    receiver.stop()


def in_a_worker(delivery_id: int) -> threading.Thread:
    """An attempt in another thread, as another worker makes it, with its own connection."""

    def work():
        try:
            attempt_delivery(delivery_id)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def a_delivery(url: str) -> WebhookDelivery:
    endpoint = WebhookEndpoint.objects.create(
        organisation=FederationFactory(), url=url, events=["request.state_changed"], secret="s"
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="request.state_changed",
        event_id="6f1c8c57-9a55-4c0e-9f3c-7a0f6f0e6c11",
        payload={"hello": "world"},
    )


def test_a_receiver_answering_a_byte_every_0_8_s_holds_the_attempt_for_the_deadline(slow):
    delivery = a_delivery(slow.url)

    started = time.monotonic()
    outcome = attempt_delivery(delivery.pk)
    held = time.monotonic() - started

    delivery.refresh_from_db()
    assert held < DEADLINE + 0.5
    assert outcome.status == DeliveryStatus.RETRYING
    assert "Délai total" in delivery.error
    assert slow.connections == 1


def test_the_sweep_leaves_an_attempt_in_flight_alone_and_one_connection_is_made(slow):
    delivery = a_delivery(slow.url)
    worker = in_a_worker(delivery.pk)
    time.sleep(0.5)

    swept = stalled_or_due()
    second = attempt_delivery(delivery.pk)
    worker.join()

    assert delivery.pk not in swept
    assert second is None
    assert slow.connections == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1


def test_an_attempt_taken_back_by_the_sweep_does_not_overwrite_the_next_one(slow, settings):
    delivery = a_delivery(slow.url)
    first = in_a_worker(delivery.pk)
    time.sleep(0.5)
    # The first worker looks dead: past its lease, the sweep takes the delivery back and a
    # second worker claims it (attempt 2), whose answer is still awaited.
    later = timezone.now() + lease() + timedelta(seconds=1)
    assert delivery.pk in stalled_or_due(now=later)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERING, attempts=2
    )

    first.join()

    assert WebhookDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERING

"""Sending an event again by hand (admin, API): a new delivery with the same event id."""

from webhooks.models import WebhookDelivery
from webhooks.tasks import deliver


class EndpointDisabled(Exception):
    """Nothing is sent to a disabled endpoint, not even by hand."""


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again, as a new delivery with the same event id."""
    if not delivery.endpoint.is_active:
        raise EndpointDisabled("Ce point de réception est désactivé : réactivez-le d'abord.")
    again = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        redelivery_of=delivery.redelivery_of or delivery,
    )
    deliver.delay_on_commit(again.pk)
    return again

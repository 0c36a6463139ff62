"""Webhook endpoints and their deliveries, as an organisation manages them."""

from rest_framework import serializers

from webhooks.models import Event, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "events", "description", "is_active", "consecutive_failures",
            "disabled_at", "disabled_reason", "created_at",
        ]  # fmt: skip


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="Secret de signature (HMAC-SHA256), affiché cette seule fois."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="Adresse http(s) publique.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), allow_empty=False
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), allow_empty=False, required=False
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(
        required=False, help_text="true réactive (et remet le compteur d'échecs à zéro)."
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "delivery_id", "event", "event_id", "status", "attempts", "response_code",
            "error", "payload", "redelivery_of", "created_at", "last_attempt_at",
            "next_attempt_at", "delivered_at",
        ]  # fmt: skip

"""Admin screens: endpoints (enable, disable) and deliveries (redeliver)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from webhooks import delivery, endpoints, redelivery, signing
from webhooks.models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    """The address is checked as the API checks it (no private or loopback targets)."""

    url = forms.URLField(label=_("adresse"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["organisation", "url", "events", "description", "is_active", "created_at"]

    def clean_url(self):
        try:
            return endpoints.check_target(self.cleaned_data["url"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["url"]) from exc


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = [
        "url", "organisation", "is_active", "consecutive_failures", "disabled_at", "created_at",
    ]  # fmt: skip
    list_filter = ["is_active", "organisation"]
    search_fields = ["url", "organisation__name"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_by"]
    actions = ["enable", "disable"]
    form = WebhookEndpointForm

    def save_model(self, request, obj, form, change):
        # Every endpoint signs with a generated secret, shown once, as through the API.
        new_secret = not obj.secret
        if new_secret:
            obj.secret = signing.new_secret()
            obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)
        if new_secret:
            self.message_user(
                request,
                _("Secret de signature (affiché une seule fois) : %(secret)s")
                % {"secret": obj.secret},
                messages.WARNING,
            )

    @admin.action(description=_("Réactiver (remet le compteur d'échecs à zéro)"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            delivery.enable_endpoint(endpoint)
        self.message_user(request, _("Points de réception réactivés."), messages.SUCCESS)

    @admin.action(description=_("Désactiver"))
    def disable(self, request, queryset):
        for endpoint in queryset:
            delivery.disable_endpoint(
                endpoint, reason="Désactivé par l'administration.", notify=False
            )
        self.message_user(request, _("Points de réception désactivés."), messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "event", "endpoint", "status", "attempts", "response_code",
        "delivered_at",
    ]  # fmt: skip
    list_filter = ["status", "event"]
    search_fields = ["endpoint__url", "event_id"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint", "event", "event_id", "delivery_id", "payload", "status", "attempts",
        "response_code", "error", "redelivery_of", "created_at", "last_attempt_at",
        "next_attempt_at", "delivered_at",
    ]  # fmt: skip
    actions = ["redeliver"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Renvoyer"))
    def redeliver(self, request, queryset):
        sent = 0
        for row in queryset.select_related("endpoint"):
            try:
                redelivery.redeliver(row)
                sent += 1
            except redelivery.EndpointDisabled as exc:
                self.message_user(request, f"{row.endpoint.url} : {exc}", messages.WARNING)
        if sent:
            self.message_user(request, _("%d envoi(s) relancé(s).") % sent, messages.SUCCESS)

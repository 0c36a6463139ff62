"""Webhook endpoints an organisation registers, and every delivery made to them.

A delivery is a row with a lifecycle (pending → delivering → succeeded, or back to
retrying until it fails for good), so a crashed worker leaves a row the sweep resumes,
and the portal can show what was sent, when, and what came back.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    BUNDLE_SENT = "bundle.sent", _("Dossier collectif transmis")
    DECISION_RECORDED = "decision.recorded", _("Décision enregistrée")
    REQUEST_STATE_CHANGED = "request.state_changed", _("Changement d'état d'une demande")


class WebhookEndpoint(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("adresse"), max_length=500)
    events = models.JSONField(_("événements"), default=list)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Signs each delivery (HMAC-SHA256); kept readable because signing needs it.
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("actif"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    disabled_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    disabled_reason = models.CharField(_("motif de désactivation"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("point de réception webhook")
        verbose_name_plural = _("points de réception webhook")
        ordering = ["organisation", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    DELIVERING = "delivering", _("En cours d'envoi")
    RETRYING = "retrying", _("Nouvel essai prévu")
    SUCCEEDED = "succeeded", _("Reçue")
    FAILED = "failed", _("Échec définitif")


# Rows a worker may still pick up.
DUE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
FINISHED = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("événement"), max_length=40, choices=Event.choices)
    # The same event redelivered keeps its id, so a receiver can ignore what it already has.
    event_id = models.UUIDField(_("identifiant de l'événement"))
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("contenu"))
    status = models.CharField(
        _("état"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    response_code = models.PositiveSmallIntegerField(_("code HTTP reçu"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    redelivery_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="redeliveries"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("dernier essai"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("reçue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi webhook")
        verbose_name_plural = _("envois webhook")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            # Emitting the same event twice (a retried task) never sends it twice.
            models.UniqueConstraint(
                fields=["endpoint", "event_id"],
                condition=models.Q(redelivery_of__isnull=True),
                name="webhook_delivery_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url} ({self.status})"

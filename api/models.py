"""API tokens and remembered POST responses.

A token belongs to an organisation and acts through its own service user, so that every
transition it triggers names it in the request history ("API « Intégration SI »"). Only
a SHA-256 digest of the secret is stored; the prefix finds the row without scanning.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Lecture")
    WRITE = "write", _("Écriture")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("nom"), max_length=100, help_text=_("Ce à quoi sert le jeton, ex. « Intégration SI ».")
    )
    prefix = models.CharField(_("préfixe"), max_length=12, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(
        _("droits"), default=list, help_text=_('["read"] ou ["read", "write"].')
    )
    campaigns = models.ManyToManyField(
        "dossiers.Campaign",
        verbose_name=_("campagnes autorisées"),
        blank=True,
        related_name="+",
        help_text=_("Vide : toutes les campagnes que l'organisation peut voir."),
    )
    # The identity the token acts as: history rows name it, never a person.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("révoqué par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["organisation", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.organisation})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotentRequest(models.Model):
    """A POST made with an Idempotency-Key, and the response it got.

    The unique constraint makes concurrent duplicates safe: the second insert waits for the
    first transaction, then fails and replays the stored response.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("requête idempotente")
        verbose_name_plural = _("requêtes idempotentes")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotent_request_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.token_id}:{self.key} → {self.response_status}"

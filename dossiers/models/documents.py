"""Uploaded files and the supporting documents a lender expects (docs/rules.md#lender-documents)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """A file as received: checked on the way in, kept in private storage, hashed.

    Never served from a public URL; only a view that checks access streams it.
    """

    file = models.FileField(_("fichier"), upload_to="uploads/%Y/%m/", max_length=300)
    original_name = models.CharField(_("nom d'origine"), max_length=255)
    content_type = models.CharField(_("type détecté"), max_length=120)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("fichier déposé")
        verbose_name_plural = _("fichiers déposés")

    def __str__(self) -> str:
        return self.original_name


class SupportingDocument(models.Model):
    class Kind(models.TextChoices):
        KBIS = "kbis", _("Extrait Kbis")
        STATUTES = "statutes", _("Statuts")
        TAX_RETURN = "tax_return", _("Liasse fiscale")
        FORECAST = "forecast", _("Prévisionnel (entreprise jeune)")
        MANAGER_ID = "manager_id", _("Pièce d'identité du dirigeant")
        RIB = "rib", _("RIB au nom de l'entreprise")
        QUOTE = "quote", _("Devis fournisseur")
        BANK_LETTER = "bank_letter", _("Lettre d'accord bancaire")
        TAX_CERTIFICATE = "tax_certificate", _("Attestation de régularité fiscale")
        SOCIAL_CERTIFICATE = "social_certificate", _("Attestation de vigilance URSSAF")
        OTHER = "other", _("Autre")

    request = models.ForeignKey(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("émis le"))
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["kind", "-issued_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.stored_file.original_name}"

    def valid_until(self, *, kbis_days: int, bank_letter_days: int) -> date | None:
        """The last day this document counts (Kbis ≤ 3 months, bank letter ≤ 6).

        See docs/rules.md#collective-integrity.
        """
        limits = [self.expires_on] if self.expires_on else []
        if self.kind == self.Kind.KBIS:
            limits.append(self.issued_on + timedelta(days=kbis_days))
        if self.kind == self.Kind.BANK_LETTER:
            limits.append(self.issued_on + timedelta(days=bank_letter_days))
        return min(limits) if limits else None


class RemovedDocument(models.Model):
    """A supporting document taken off a request: kept as its history, and to put it back.

    Removing is one click; putting back (``dossiers.request_parts.restore_document``) undoes
    it while the request is editable. The stored file is never deleted.
    """

    request = models.ForeignKey(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="removed_documents"
    )
    kind = models.CharField(_("type"), max_length=30, choices=SupportingDocument.Kind.choices)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("émis le"))
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("retirée le"), auto_now_add=True)
    restored_at = models.DateTimeField(_("remise le"), null=True, blank=True)

    class Meta:
        verbose_name = _("pièce retirée")
        verbose_name_plural = _("pièces retirées")
        ordering = ["-removed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.stored_file.original_name}"

"""What was built for a bundle: the dossier PDF, the XLSX annex and the ZIP package.

A ``DocumentBuild`` row records one build: the three files (in the private default
storage, never under a public URL; only ``exports.views`` streams them, to who may see
the bundle), their SHA-256 and sizes, the dossier fingerprint (the SHA-256 of the
snapshot's canonical JSON, printed on every page of the PDF and in the manifest), the
build date printed in the documents, who asked (empty: the system) and when.

The row is written once and never edited or deleted: it is the evidence of what a funder
was given. There is one row per (bundle, fingerprint): the renderers are deterministic,
so the same content gives the same bytes, and building an unchanged bundle again reuses
the row (see ``exports.build``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentBuild(models.Model):
    bundle = models.ForeignKey(
        "grouping.Bundle",
        verbose_name=_("dossier collectif"),
        on_delete=models.PROTECT,
        related_name="document_builds",
    )
    fingerprint = models.CharField(_("empreinte du dossier (SHA-256)"), max_length=64)
    build_date = models.DateField(
        _("dossier établi le"), help_text=_("La date imprimée : celle du scellement.")
    )
    member_count = models.PositiveIntegerField(_("membres"))
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : le système."),
    )
    built_at = models.DateTimeField(_("construit le"), default=timezone.now)

    pdf = models.FileField(_("dossier PDF"), max_length=300)
    pdf_sha256 = models.CharField(_("SHA-256 du PDF"), max_length=64)
    pdf_size = models.PositiveBigIntegerField(_("taille du PDF (octets)"))
    xlsx = models.FileField(_("annexe XLSX"), max_length=300)
    xlsx_sha256 = models.CharField(_("SHA-256 de l'annexe"), max_length=64)
    xlsx_size = models.PositiveBigIntegerField(_("taille de l'annexe (octets)"))
    package = models.FileField(_("paquet ZIP"), max_length=300)
    package_sha256 = models.CharField(_("SHA-256 du paquet"), max_length=64)
    package_size = models.PositiveBigIntegerField(_("taille du paquet (octets)"))

    class Meta:
        verbose_name = _("documents construits")
        verbose_name_plural = _("documents construits")
        ordering = ["-built_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "fingerprint"], name="document_build_once_per_content"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id} — {self.fingerprint[:16]}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("A document build cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A document build cannot be deleted.")

    def files(self) -> dict[str, tuple[models.fields.files.FieldFile, str, int]]:
        """Each part by name ("pdf", "xlsx", "package"): the file, its SHA-256, its size."""
        return {
            "pdf": (self.pdf, self.pdf_sha256, self.pdf_size),
            "xlsx": (self.xlsx, self.xlsx_sha256, self.xlsx_size),
            "package": (self.package, self.package_sha256, self.package_size),
        }

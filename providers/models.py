"""The provider directory: one row per provider SIRET, rebuilt from the quotes SMEs upload
(providers.directory), completed by facts from the company registry when imported."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.validators import validate_siret


class Provider(models.Model):
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    name = models.CharField(_("nom"), max_length=200)
    # From the company registry (import_provider_registry); blank until imported.
    naf_code = models.CharField(_("code NAF"), max_length=6, blank=True)
    departement = models.CharField(_("département"), max_length=3, blank=True)
    closed = models.BooleanField(_("fermé"), default=False)
    labels = models.JSONField(_("labels"), default=list, blank=True)  # [{"label", "source"}]
    # From the quotes: where and what it quoted, and what was carried out through Grappe.
    departements_served = models.JSONField(_("départements des clients"), default=list)
    project_types = models.JSONField(_("types de projet"), default=list)
    quotes = models.PositiveIntegerField(_("devis"), default=0)
    completed_projects = models.PositiveIntegerField(_("projets réalisés"), default=0)
    completed_amount = models.DecimalField(
        _("montant des projets réalisés HT"), max_digits=14, decimal_places=2, default=0
    )
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("prestataire")
        verbose_name_plural = _("prestataires")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.siret})"

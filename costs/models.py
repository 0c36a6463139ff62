"""Cost references: one row per cell (project type × NAF division × région × year) and
the quotes flagged as outliers. Rebuilt whole by costs.references.recompute."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import FundingRequest


class CostReference(models.Model):
    project_type = models.CharField(
        _("type de projet"), max_length=20, choices=FundingRequest.ProjectCategory.choices
    )
    naf_division = models.CharField(_("division NAF"), max_length=2)
    region = models.CharField(_("région"), max_length=2)
    year = models.PositiveSmallIntegerField(_("année"))
    count = models.PositiveIntegerField(_("nombre de devis"))
    providers = models.PositiveIntegerField(_("prestataires distincts"))
    top_share = models.FloatField(_("part du premier prestataire"))
    published = models.BooleanField(_("publiable"))
    # Empty unless the cell meets the publication rules (docs/rules.md#cost-references).
    median = models.DecimalField(_("médiane HT"), max_digits=12, decimal_places=2, null=True)
    p25 = models.DecimalField(_("P25 HT"), max_digits=12, decimal_places=2, null=True)
    p75 = models.DecimalField(_("P75 HT"), max_digits=12, decimal_places=2, null=True)
    p10 = models.DecimalField(_("P10 HT"), max_digits=12, decimal_places=2, null=True)
    p90 = models.DecimalField(_("P90 HT"), max_digits=12, decimal_places=2, null=True)
    computed_at = models.DateTimeField(_("calculée le"), default=timezone.now)

    class Meta:
        verbose_name = _("référence de coût")
        verbose_name_plural = _("références de coûts")
        ordering = ["project_type", "region", "naf_division", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_type", "naf_division", "region", "year"],
                name="cost_reference_cell_unique",
            ),
            # A cell that breaks the rules never holds a statistic.
            models.CheckConstraint(
                condition=models.Q(published=True)
                | (models.Q(median__isnull=True) & models.Q(p10__isnull=True)),
                name="cost_reference_unpublished_is_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_type} {self.naf_division} {self.region} {self.year}"


class FlaggedQuote(models.Model):
    """A quote whose price is an outlier of its cell: kept in the cell, shown flagged."""

    quote = models.OneToOneField(
        "dossiers.SupplierQuote", on_delete=models.CASCADE, related_name="cost_flag"
    )
    reference = models.ForeignKey(CostReference, on_delete=models.CASCADE, related_name="flags")
    z_score = models.FloatField(_("score z modifié (log du prix)"))

    class Meta:
        verbose_name = _("devis atypique")
        verbose_name_plural = _("devis atypiques")

"""Who a programme and a funder's product accept, and the documents each asks for.

Dated rows, like the scheme parameters: a campaign's eligibility (SME categories, company
age, staff band, NAF prefixes, territories) and a funder's product (its own filters, the
documents it requires with their validity, the number of tax returns it reads). Rules and
sources: docs/rules.md#programme-eligibility and docs/rules.md#documents-per-product.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.models import Enterprise, SupportingDocument


class Dated(models.Model):
    valid_from = models.DateField(_("valable à partir du"))
    valid_to = models.DateField(_("valable jusqu'au (inclus)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @staticmethod
    def in_force(queryset, day: date):
        return queryset.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


def _list_of_strings(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError(_('Une liste de textes est attendue, par ex. ["62", "47.91"].'))


def _categories(value) -> None:
    _list_of_strings(value)
    unknown = set(value) - set(Enterprise.Category.values)
    if unknown:
        raise ValidationError(_("Catégories inconnues : %(c)s") % {"c": ", ".join(sorted(unknown))})


class CampaignEligibility(Dated):
    """What a campaign's programme accepts, over a period. Empty lists accept everything."""

    campaign = models.ForeignKey(
        "dossiers.Campaign",
        verbose_name=_("campagne"),
        on_delete=models.CASCADE,
        related_name="eligibility_rules",
    )
    sme_categories = models.JSONField(
        _("catégories PME admises"),
        default=list,
        blank=True,
        validators=[_categories],
        help_text=_('Ex. ["micro"] pour les seules TPE. Vide : toutes les PME.'),
    )
    min_age_years = models.PositiveSmallIntegerField(
        _("ancienneté minimale (années)"), null=True, blank=True
    )
    min_headcount = models.DecimalField(
        _("effectif minimal (UTA)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_headcount_exclusive = models.DecimalField(
        _("effectif strictement inférieur à"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    naf_included = models.JSONField(
        _("activités admises (préfixes NAF)"), default=list, blank=True,
        validators=[_list_of_strings],
    )  # fmt: skip
    naf_excluded = models.JSONField(
        _("activités exclues (préfixes NAF)"), default=list, blank=True,
        validators=[_list_of_strings],
    )  # fmt: skip
    departements = models.JSONField(
        _("départements admis"), default=list, blank=True, validators=[_list_of_strings]
    )
    regions = models.JSONField(
        _("régions admises (code 2016)"), default=list, blank=True, validators=[_list_of_strings]
    )

    class Meta:
        verbose_name = _("règle d'éligibilité de campagne")
        verbose_name_plural = _("règles d'éligibilité de campagne")
        ordering = ["campaign", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="campaign_eligibility_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.valid_from:%d/%m/%Y}"


class FunderProduct(Dated):
    """A grant, loan or guarantee: its own filters and the documents it asks for.

    A product with no funder applies to every request (the common base); a funder's product
    applies to the requests of the campaigns that funder finances.
    """

    class Kind(models.TextChoices):
        ANY = "any", _("Tout financement")
        GRANT = "grant", _("Subvention")
        LOAN = "loan", _("Prêt")
        GUARANTEE = "guarantee", _("Garantie de prêt")

    funder = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("financeur"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="products",
        limit_choices_to={"kind": "funder"},
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    min_age_years = models.PositiveSmallIntegerField(
        _("ancienneté minimale (années)"), null=True, blank=True
    )
    min_headcount = models.DecimalField(
        _("effectif minimal (UTA)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_headcount_exclusive = models.DecimalField(
        _("effectif strictement inférieur à"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    naf_excluded = models.JSONField(
        _("activités exclues (préfixes NAF)"), default=list, blank=True,
        validators=[_list_of_strings],
    )  # fmt: skip
    naf_excluded_except = models.JSONField(
        _("sauf (préfixes NAF réadmis)"), default=list, blank=True,
        validators=[_list_of_strings],
        help_text=_('Ex. exclure ["64"] sauf ["64.2"].'),
    )  # fmt: skip
    tax_returns = models.PositiveSmallIntegerField(
        _("liasses fiscales demandées"),
        default=0,
        help_text=_("Les dernières ; une entreprise plus jeune donne celles qu'elle a."),
    )

    class Meta:
        verbose_name = _("produit de financement")
        verbose_name_plural = _("produits de financement")
        ordering = ["funder", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="funder_product_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class DocumentRequirement(models.Model):
    """A document a product requires: how many, and for how long after its issue date."""

    product = models.ForeignKey(FunderProduct, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("pièce"), max_length=30, choices=SupportingDocument.Kind.choices)
    count = models.PositiveSmallIntegerField(
        _("nombre"), default=1, validators=[MinValueValidator(1)]
    )
    validity_days = models.PositiveSmallIntegerField(
        _("validité après émission (jours)"),
        null=True,
        blank=True,
        help_text=_("Vide : pas de limite hors date de fin portée sur la pièce."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pièce exigée")
        verbose_name_plural = _("pièces exigées")
        constraints = [
            models.UniqueConstraint(fields=["product", "kind"], name="one_requirement_per_kind"),
            models.CheckConstraint(condition=Q(count__gte=1), name="requirement_count_positive"),
        ]

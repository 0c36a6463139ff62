"""The enterprise behind a funding request: identity, activity, territory, size."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers import sme
from dossiers.models.parameters import SchemeParameter
from dossiers.nomenclature import NAF_VERSION, departements, naf_codes
from dossiers.validators import (
    validate_amount,
    validate_departement,
    validate_naf_code,
    validate_nafa_code,
    validate_siren,
    validate_siret,
)

ZERO = Decimal(0)


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.is_sme_representative:
            return self.filter(representatives=user)
        if user.is_federation_member:
            return self.filter(funding_requests__campaign__federation=user.organisation).distinct()
        if user.is_funder_member:
            return self.filter(funding_requests__sent_to=user.organisation).distinct()
        return self.none()


class Enterprise(models.Model):
    class LegalForm(models.TextChoices):
        EI = "EI", _("Entreprise individuelle (EI)")
        EURL = "EURL", _("EURL")
        SARL = "SARL", _("SARL")
        SAS = "SAS", _("SAS")
        SASU = "SASU", _("SASU")
        SA = "SA", _("SA")
        SNC = "SNC", _("SNC")
        SCOP = "SCOP", _("SCOP")
        OTHER = "OTHER", _("Autre")

    class Sector(models.TextChoices):
        # Which de minimis regulation applies (docs/rules.md#de-minimis).
        GENERAL = "general", _("Général (Règl. UE 2023/2831)")
        AGRICULTURE = "agriculture", _("Production agricole primaire (Règl. UE 2024/3118)")
        FISHERY = "fishery", _("Pêche et aquaculture (Règl. UE 717/2014)")
        SGEI = "sgei", _("Service d'intérêt économique général (Règl. UE 2023/2832)")

    class Category(models.TextChoices):
        MICRO = "micro", _("Micro-entreprise (TPE)")
        SMALL = "small", _("Petite entreprise")
        MEDIUM = "medium", _("Moyenne entreprise")
        LARGE = "large", _("Hors PME")

    name = models.CharField(_("raison sociale"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    legal_form = models.CharField(_("forme juridique"), max_length=10, choices=LegalForm.choices)
    micro_entreprise_regime = models.BooleanField(
        _("régime fiscal micro-entreprise"),
        default=False,
        help_text=_("Le régime fiscal, distinct de la catégorie « micro-entreprise » de l'UE."),
    )
    creation_date = models.DateField(_("date de création"))
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)

    naf_code = models.CharField(_("code NAF"), max_length=6, validators=[validate_naf_code])
    naf_version = models.CharField(_("nomenclature"), max_length=10, default=NAF_VERSION)
    nafa_code = models.CharField(
        _("code NAFA (artisans)"), max_length=7, blank=True, validators=[validate_nafa_code]
    )
    # Derived from naf_code on save, stored so grouping can key on any level in SQL.
    naf_section = models.CharField(max_length=1, editable=False)
    naf_division = models.CharField(max_length=2, editable=False)
    naf_group = models.CharField(max_length=4, editable=False)
    naf_class = models.CharField(max_length=5, editable=False)

    departement = models.CharField(
        _("département"), max_length=3, validators=[validate_departement]
    )
    region = models.CharField(_("région"), max_length=2, editable=False)

    headcount = models.DecimalField(
        _("effectif (UTA)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1000000"))],
    )
    turnover = models.DecimalField(
        _("chiffre d'affaires (€)"), max_digits=14, decimal_places=2, validators=[validate_amount]
    )
    balance_sheet = models.DecimalField(
        _("total de bilan (€)"), max_digits=14, decimal_places=2, validators=[validate_amount]
    )
    # What an analyst checks "loan ≤ equity" against (docs/rules.md#package-contents), and
    # the financial year the figures above are from. Optional: not asked at sign-up.
    equity = models.DecimalField(
        _("capitaux propres (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    figures_year = models.PositiveSmallIntegerField(
        _("exercice des chiffres"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    public_ownership = models.DecimalField(
        _("détention publique (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    sme_category = models.CharField(
        _("catégorie PME (UE)"), max_length=10, choices=Category.choices, editable=False
    )
    sector = models.CharField(
        _("secteur de minimis"), max_length=20, choices=Sector.choices, default=Sector.GENERAL
    )
    insolvency_proceedings = models.BooleanField(_("procédure collective en cours"), default=False)
    # Bumped by dossiers.enterprises.update_enterprise: a stale form is a Conflict.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("représentants"),
        related_name="enterprises",
        blank=True,
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["siren"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(turnover__gte=0) & models.Q(balance_sheet__gte=0),
                name="enterprise_figures_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.siret})"

    def save(self, *args, **kwargs) -> None:
        self.derive_fields()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.siret and self.siren and not self.siret.startswith(self.siren):
            raise ValidationError(
                {"siret": _("Le SIRET doit commencer par le SIREN de l'entreprise.")}
            )
        if self.nafa_code and self.naf_code and not self.nafa_code.startswith(self.naf_code):
            raise ValidationError({"nafa_code": _("Le code NAFA doit prolonger le code NAF.")})

    def derive_fields(self, on: date | None = None) -> None:
        naf = naf_codes()[self.naf_code]
        self.naf_section, self.naf_division = naf.section, naf.division
        self.naf_group, self.naf_class = naf.group, naf.class_code
        self.region = departements()[self.departement].region
        self.sme_category = self.compute_sme_category(on or date.today())

    @property
    def naf_label(self) -> str:
        return naf_codes()[self.naf_code].label

    @property
    def departement_name(self) -> str:
        return departements()[self.departement].name

    @property
    def region_name(self) -> str:
        return departements()[self.departement].region_name

    def age_in_years(self, on: date) -> int:
        years = on.year - self.creation_date.year
        if (on.month, on.day) < (self.creation_date.month, self.creation_date.day):
            years -= 1
        return years

    def compute_sme_category(self, on: date) -> str:
        """The category the figures give today (docs/rules.md#sme-category).

        With figures kept per closed year, each year is categorised with the related
        enterprises and the two-consecutive-years rule settles the status; without them,
        the enterprise's current figures decide.
        """

        def p(key: str) -> Decimal:
            return SchemeParameter.value_on(key, on)

        thresholds = [
            sme.Threshold(name, p(f"{name}_headcount"), p(f"{name}_turnover"), p(f"{name}_balance"))
            for name in ("micro", "small", "medium")
        ]
        related = (
            [
                sme.RelatedEnterprise(
                    r.relation,
                    r.stake,
                    sme.Figures(r.headcount, r.turnover, r.balance_sheet),
                    exempt_investor=r.exempt_investor,
                )
                for r in self.related_enterprises.all()
            ]
            if self.pk
            else []
        )
        years = list(self.years.order_by("year")) if self.pk else []
        own_by_year = [sme.Figures(y.headcount, y.turnover, y.balance_sheet) for y in years] or [
            sme.Figures(self.headcount, self.turnover, self.balance_sheet)
        ]
        return sme.settled_category(
            [
                sme.categorise(
                    sme.aggregate(own, related), thresholds, public_ownership=self.public_ownership
                )
                for own in own_by_year
            ]
        )


class EnterpriseYear(models.Model):
    """An enterprise's figures for one closed financial year (art. 4 of the Annex)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("exercice clos en"))
    headcount = models.DecimalField(
        _("effectif (UTA)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    turnover = models.DecimalField(
        _("chiffre d'affaires (€)"), max_digits=14, decimal_places=2, validators=[validate_amount]
    )
    balance_sheet = models.DecimalField(
        _("total de bilan (€)"), max_digits=14, decimal_places=2, validators=[validate_amount]
    )

    class Meta:
        verbose_name = _("exercice")
        verbose_name_plural = _("exercices")
        ordering = ["enterprise", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_figure_set_per_year"),
            models.CheckConstraint(
                condition=models.Q(headcount__gte=0)
                & models.Q(turnover__gte=0)
                & models.Q(balance_sheet__gte=0),
                name="enterprise_year_figures_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class RelatedEnterprise(models.Model):
    """A partner or linked enterprise, counted in the SME declaration.

    The stake must fit the relation (docs/rules.md#linked-and-partner-enterprises); the
    database refuses a row that does not.
    """

    class Relation(models.TextChoices):
        PARTNER = "partner", _("Partenaire (25 à 50 %)")
        LINKED = "linked", _("Liée (plus de 50 % ou contrôle)")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="related_enterprises"
    )
    name = models.CharField(_("raison sociale"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    stake = models.DecimalField(
        _("participation (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    control_without_majority = models.BooleanField(
        _("contrôle sans majorité"),
        default=False,
        help_text=_(
            "Droit de nommer la majorité des dirigeants, influence dominante par contrat ou "
            "accord entre associés (Recommandation 2003/361/CE, annexe art. 3 §3)."
        ),
    )
    exempt_investor = models.BooleanField(
        _("investisseur de l'art. 3 §2"),
        default=False,
        help_text=_(
            "Société de capital-risque, business angel, université, investisseur "
            "institutionnel ou petite autorité locale : partenaire non compté."
        ),
    )
    headcount = models.DecimalField(_("effectif (UTA)"), max_digits=8, decimal_places=2)
    turnover = models.DecimalField(_("chiffre d'affaires (€)"), max_digits=14, decimal_places=2)
    balance_sheet = models.DecimalField(_("total de bilan (€)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("entreprise partenaire ou liée")
        verbose_name_plural = _("entreprises partenaires ou liées")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relation="partner", stake__gte=25, stake__lte=50)
                | models.Q(relation="linked", stake__gt=50, stake__lte=100)
                | models.Q(relation="linked", control_without_majority=True, stake__gte=0),
                name="related_enterprise_stake_fits_relation",
            ),
            models.CheckConstraint(
                condition=models.Q(headcount__gte=0)
                & models.Q(turnover__gte=0)
                & models.Q(balance_sheet__gte=0),
                name="related_enterprise_figures_not_negative",
            ),
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.stake is None or not self.relation:
            return
        problem = sme.stake_problem(
            self.relation, self.stake, control_without_majority=self.control_without_majority
        )
        if problem:
            raise ValidationError({"stake": problem})

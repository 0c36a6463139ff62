"""A campaign's grouping rules, edited by its federation.

The declared grouping key (docs/rules.md#collective-integrity: same trade at a NAF level,
same territory at a level, or both) is the first step of a widening ladder: requests left
over at one step are offered to the next, wider one. The lender's numbers (minimum and
maximum per collective file, loan band, grant cap) are not stored here: they are read from
the dated parameter table for the policy's funder on the day of the run.
"""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import MissingParameter, SchemeParameter
from dossiers.models.funding_request import Instrument
from grouping.engine import Policy, TerritoryLevel, TradeLevel, level_label
from grouping.engine.text import TERRITORY_LEVEL_LABELS, TRADE_LEVEL_LABELS

TRADE_CHOICES = [(level.value, TRADE_LEVEL_LABELS[level]) for level in TradeLevel]
TERRITORY_CHOICES = [(level.value, TERRITORY_LEVEL_LABELS[level]) for level in TerritoryLevel]
P = SchemeParameter.Key


class Guarantor(models.TextChoices):
    NONE = "", _("Aucune garantie")
    BPIFRANCE = "bpifrance", _("Bpifrance")
    EIB = "eib", _("BEI / FEI (InvestEU)")


def cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def _shown(step) -> str:
    try:
        return json.dumps(list(step), ensure_ascii=False)
    except TypeError:
        return repr(step)


# A usual ladder after the default key (sub-class × département): the same trade in the
# région, then the trade's division in the région, then nationally. New rules start here.
USUAL_WIDENING = (("subclass", "region"), ("division", "region"), ("division", "national"))


def ladder_problems(ladder: list) -> list[str]:
    """Why a ladder (list of [trade level, territory level]) is not usable, in French."""
    problems = []
    steps = []
    for position, step in enumerate(ladder, start=1):
        try:
            trade, territory = step
            steps.append((TradeLevel(trade), TerritoryLevel(territory)))
        except (TypeError, ValueError):
            problems.append(
                f"Étape {position} : {_shown(step)} n'est pas un couple (niveau d'activité, "
                'niveau de territoire) connu, par exemple ["subclass", "region"].'
            )
    if problems:
        return problems
    for position, (trade, territory) in enumerate(steps, start=1):
        if trade is TradeLevel.NONE and territory is TerritoryLevel.NATIONAL:
            problems.append(
                f"Étape {position} : « {level_label(trade, territory)} » ne déclare aucune clé "
                "commune ; un dossier collectif réunit un même métier, un même territoire, "
                "ou les deux."
            )
    for position, (narrow, wide) in enumerate(zip(steps, steps[1:], strict=False), start=2):
        if wide == narrow:
            problems.append(f"Étape {position} : elle répète l'étape précédente.")
        elif wide[0].fineness > narrow[0].fineness or wide[1].fineness > narrow[1].fineness:
            problems.append(
                f"Étape {position} : « {level_label(*wide)} » n'élargit pas « "
                f"{level_label(*narrow)} » ; chaque étape doit être au moins aussi large que "
                "la précédente, en activité comme en territoire."
            )
    return problems


def lender_figures(funder, on: date) -> dict[str, int | None]:
    """The funder's numbers in force on ``on``, in cents; no lender maximum gives None.

    Raises MissingParameter when a required number has no value on that day.
    """
    figures: dict[str, int | None] = {}
    for key in (P.GRANT_CAP, P.LENDER_MINIMUM, P.LOAN_MIN, P.LOAN_MAX):
        figures[key] = cents(SchemeParameter.value_on(key, on, funder=funder))
    try:
        figures[P.LENDER_MAXIMUM] = cents(
            SchemeParameter.value_on(P.LENDER_MAXIMUM, on, funder=funder)
        )
    except MissingParameter:
        figures[P.LENDER_MAXIMUM] = None  # the funder sets no ceiling
    return figures


def grant_figures(funder, on: date) -> dict[str, int | None]:
    """A grant programme's numbers in force on ``on``, in cents (docs/rules.md#grant-cap):
    the cap per undertaking, and the collective operation's total minimum and maximum
    (none set: no bound). The aid rate is a share, not an amount: see ``aid_rate``.

    Raises MissingParameter when the cap has no value on that day.
    """
    figures: dict[str, int | None] = {
        P.GRANT_CAP: cents(SchemeParameter.value_on(P.GRANT_CAP, on, funder=funder))
    }
    for key in (P.OPERATION_MINIMUM, P.OPERATION_MAXIMUM):
        try:
            figures[key] = cents(SchemeParameter.value_on(key, on, funder=funder))
        except MissingParameter:
            figures[key] = None
    return figures


def kind_of_funder(funder) -> str:
    """The kind of collective a funder takes, set by its programme: an EU programme's
    managing authority decides grants, banks and Bpifrance decide loans."""
    if funder.funder_kind == funder.FunderKind.EU_PROGRAMME:
        return Instrument.GRANT
    return Instrument.LOAN


class GroupingPolicy(models.Model):
    """The rules for one kind of collective of a campaign: its grant collectives or its
    lender bundles. Each kind has its own key, ladder and size, and its own funder."""

    campaign = models.ForeignKey(
        "dossiers.Campaign",
        verbose_name=_("campagne"),
        on_delete=models.CASCADE,
        related_name="grouping_policies",
    )
    kind = models.CharField(
        _("nature des dossiers"),
        max_length=10,
        choices=Instrument.choices,
        default=Instrument.LOAN,
        db_default=Instrument.LOAN,
    )
    by_category = models.BooleanField(
        _("regrouper aussi par catégorie de projet"),
        default=False,
        help_text=_(
            "Un même type de projet (site, boutique en ligne, ERP…) par dossier : un même "
            "prestataire ou un même produit bancaire sert tout le dossier."
        ),
    )
    coincide = models.BooleanField(
        _("faire coïncider avec les dossiers prêteurs"),
        default=True,
        help_text=_(
            "Subventions : quand les membres d'un dossier prêteur forment aussi une opération "
            "collective valable, la proposer avec les mêmes membres."
        ),
    )
    guarantor = models.CharField(
        _("garantie demandée"),
        max_length=12,
        choices=Guarantor.choices,
        blank=True,
        default="",
    )
    guarantee_share = models.DecimalField(
        _("quotité garantie demandée (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    trade_level = models.CharField(
        _("clé : niveau d'activité"),
        max_length=10,
        choices=TRADE_CHOICES,
        default=TradeLevel.SUBCLASS.value,
    )
    territory_level = models.CharField(
        _("clé : niveau de territoire"),
        max_length=12,
        choices=TERRITORY_CHOICES,
        default=TerritoryLevel.DEPARTEMENT.value,
    )
    widening = models.JSONField(
        _("élargissements successifs"),
        default=list,
        blank=True,
        help_text=_(
            "Étapes plus larges essayées pour les demandes restées sans dossier, de la plus "
            'étroite à la plus large. Ex. [["subclass", "region"], ["division", "region"]]. '
            "Niveaux d'activité : none, section, division, group, class, subclass, nafa ; "
            "de territoire : national, region, departement."
        ),
    )
    min_members = models.PositiveSmallIntegerField(
        _("membres au minimum"), default=2, validators=[MinValueValidator(2)]
    )
    max_members = models.PositiveSmallIntegerField(_("membres au maximum"), default=20)
    target_members = models.PositiveSmallIntegerField(
        _("taille visée (membres)"),
        null=True,
        blank=True,
        help_text=_("Petit nombre : beaucoup de petits dossiers. Vide : aussi peu que possible."),
    )
    target_loan = models.DecimalField(
        _("taille visée (total des prêts, €)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Petit montant : beaucoup de petits dossiers ; grand : peu de gros dossiers."),
    )
    funder = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("financeur des prêts"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "funder"},
        help_text=_("Ses minimum et maximum par dossier sont lus dans la table des paramètres."),
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifiée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped by grouping.policies.save_policy: a form sent with an older one is a Conflict.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("règles de regroupement")
        verbose_name_plural = _("règles de regroupement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_members__gte=2)
                & models.Q(max_members__gte=models.F("min_members")),
                name="grouping_policy_member_bounds",
            ),
            models.UniqueConstraint(
                fields=["campaign", "kind"], name="grouping_policy_one_per_campaign_and_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"Regroupement ({self.get_kind_display()}) de {self.campaign.reference}"

    @property
    def ladder(self) -> list[tuple[str, str]]:
        """Every step, narrowest first; the first one is the declared grouping key."""
        steps = [(self.trade_level, self.territory_level)]
        if isinstance(self.widening, list):
            steps += [tuple(step) if isinstance(step, list) else step for step in self.widening]
        return steps

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not isinstance(self.widening, list):
            errors["widening"] = ["Donnez une liste d'étapes, par exemple []."]
        else:
            problems = ladder_problems(self.ladder)
            if problems:
                errors["widening"] = problems
        if (
            self.max_members is not None
            and self.min_members
            and (self.max_members < self.min_members)
        ):
            errors["max_members"] = ["Le maximum de membres est inférieur au minimum."]
        if self.target_members is not None and not (
            (self.min_members or 2) <= self.target_members <= (self.max_members or 0)
        ):
            errors["target_members"] = [
                "La taille visée doit être comprise entre le minimum et le maximum de membres."
            ]
        if (
            self.funder_id
            and self.campaign_id
            and not self.campaign.funders.filter(pk=self.funder_id).exists()
        ):
            errors["funder"] = ["Ce financeur ne fait pas partie des financeurs de la campagne."]
        elif self.funder_id and kind_of_funder(self.funder) != self.kind:
            errors["funder"] = [
                f"{self.funder.name} ne reçoit pas de "
                f"{'subventions' if self.kind == Instrument.GRANT else 'prêts'} : choisissez "
                "un financeur dont le programme correspond à la nature des dossiers."
            ]
        if self.kind == Instrument.GRANT and (self.guarantor or self.guarantee_share):
            errors["guarantor"] = ["Une opération collective de subventions n'a pas de garantie."]
        if errors:
            raise ValidationError(errors)

    def lender_figures(self, on: date) -> dict[str, int | None]:
        return lender_figures(self.funder, on)

    def to_engine_policy(self, on: date) -> Policy:
        """The engine's policy for a run on ``on``. Raises MissingParameter, ValueError.

        The engine packs one amount per candidate, under the name "loan". For a grant
        collective that amount is the grant line: its band is (0, cap], and the
        operation's total minimum and maximum stand where a lender's would.
        """
        if self.kind == Instrument.GRANT:
            grants = grant_figures(self.funder, on)
            return Policy(
                ladder=tuple((TradeLevel(t), TerritoryLevel(g)) for t, g in self.ladder),
                min_members=self.min_members,
                max_members=self.max_members,
                target_members=self.target_members,
                target_loan=cents(self.target_loan) if self.target_loan is not None else None,
                lender_minimum=grants[P.OPERATION_MINIMUM] or 0,
                lender_maximum=grants[P.OPERATION_MAXIMUM],
                grant_cap=grants[P.GRANT_CAP],
                loan_min=1,
                loan_max=grants[P.GRANT_CAP],
                line="grant",
            )
        figures = self.lender_figures(on)
        return Policy(
            ladder=tuple((TradeLevel(t), TerritoryLevel(g)) for t, g in self.ladder),
            min_members=self.min_members,
            max_members=self.max_members,
            target_members=self.target_members,
            target_loan=cents(self.target_loan) if self.target_loan is not None else None,
            lender_minimum=figures[P.LENDER_MINIMUM],
            lender_maximum=figures[P.LENDER_MAXIMUM],
            grant_cap=figures[P.GRANT_CAP],
            loan_min=figures[P.LOAN_MIN],
            loan_max=figures[P.LOAN_MAX],
        )

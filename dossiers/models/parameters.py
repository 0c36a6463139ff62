"""The dated parameter table: every scheme number, with its validity period and source.

See docs/rules.md#dated-parameters: every scheme number belongs in a dated parameter
table (valid from / valid to, editable by an administrator), never in code: schemes
change every year. A row may be specific to one funder (e.g. a bank's own lender
minimum); the general row applies otherwise.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grappe.errors import GrappeError

# The parameters a long batch (an import) reads, per (key, day, funder); None outside one.
# A context variable, not a patched method: other threads and requests are unaffected.
_READ_ONCE: ContextVar[dict | None] = ContextVar("scheme_parameters_read_once", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within the block, each parameter value is read from the table once (a batch that
    computes thousands of SME categories reads the same thresholds again and again)."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


class MissingParameter(GrappeError, LookupError):
    """No value of a scheme parameter is in force on the day asked."""

    api_code = "missing_parameter"


class SchemeParameter(models.Model):
    class Key(models.TextChoices):
        GRANT_CAP = "grant_cap", _("Plafond de subvention par membre (€)")
        GRANT_AID_RATE = "grant_aid_rate", _("Taux d'aide maximal (part du coût éligible HT)")
        LENDER_MINIMUM = "lender_minimum", _("Minimum prêteur par dossier collectif (€)")
        LENDER_MAXIMUM = "lender_maximum", _("Maximum prêteur par dossier collectif (€)")
        LOAN_MIN = "loan_min", _("Prêt minimal par membre (€)")
        LOAN_MAX = "loan_max", _("Prêt maximal par membre (€)")
        LOAN_TO_INVESTMENT_WARNING = (
            "loan_to_investment_warning",
            _("Alerte si prêt bancaire > part de l'investissement"),
        )
        OPERATION_MINIMUM = (
            "operation_minimum",
            _("Opération collective : total minimal des subventions (€)"),
        )
        OPERATION_MAXIMUM = (
            "operation_maximum",
            _("Opération collective : total maximal des subventions (€)"),
        )
        LOAN_MAX_DURATION_MONTHS = "loan_max_duration_months", _("Durée maximale du prêt (mois)")
        LOAN_MAX_RATE = "loan_max_rate", _("Taux annuel maximal du prêt (%)")
        GUARANTEE_SHARE_MAX = "guarantee_share_max", _("Quotité garantie maximale (%)")
        GUARANTEE_FEE_RATE = "guarantee_fee_rate", _("Commission de garantie (% du prêt)")
        DE_MINIMIS_GENERAL = "de_minimis_general", _("Plafond de minimis général (€)")
        DE_MINIMIS_AGRICULTURE = "de_minimis_agriculture", _("Plafond de minimis agricole (€)")
        DE_MINIMIS_FISHERY = "de_minimis_fishery", _("Plafond de minimis pêche (€)")
        DE_MINIMIS_SGEI = "de_minimis_sgei", _("Plafond de minimis SIEG (€)")
        DE_MINIMIS_WINDOW_YEARS = "de_minimis_window_years", _("Période de minimis (années)")
        GRANT_CAP_WINDOW_YEARS = (
            "grant_cap_window_years",
            _("Période du plafond de subvention par entreprise unique (années)"),
        )
        MICRO_HEADCOUNT = "micro_headcount", _("Micro : effectif strictement inférieur à")
        MICRO_TURNOVER = "micro_turnover", _("Micro : chiffre d'affaires maximal (€)")
        MICRO_BALANCE = "micro_balance", _("Micro : total de bilan maximal (€)")
        SMALL_HEADCOUNT = "small_headcount", _("Petite : effectif strictement inférieur à")
        SMALL_TURNOVER = "small_turnover", _("Petite : chiffre d'affaires maximal (€)")
        SMALL_BALANCE = "small_balance", _("Petite : total de bilan maximal (€)")
        MEDIUM_HEADCOUNT = "medium_headcount", _("Moyenne : effectif strictement inférieur à")
        MEDIUM_TURNOVER = "medium_turnover", _("Moyenne : chiffre d'affaires maximal (€)")
        MEDIUM_BALANCE = "medium_balance", _("Moyenne : total de bilan maximal (€)")
        KBIS_VALIDITY_DAYS = "kbis_validity_days", _("Validité d'un extrait Kbis (jours)")
        BANK_LETTER_VALIDITY_DAYS = (
            "bank_letter_validity_days",
            _("Validité d'une lettre d'accord bancaire (jours)"),
        )

    key = models.CharField(_("paramètre"), max_length=40, choices=Key.choices)
    funder = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("financeur"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Vide : valeur générale, utilisée pour tout financeur sans valeur propre."),
    )
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=4)
    valid_from = models.DateField(_("valable à partir du"))
    valid_to = models.DateField(_("valable jusqu'au (inclus)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("paramètre de dispositif")
        verbose_name_plural = _("paramètres de dispositif")
        ordering = ["key", "funder", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="scheme_parameter_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} = {self.value}"

    def clean(self) -> None:
        overlapping = SchemeParameter.objects.filter(key=self.key, funder=self.funder).exclude(
            pk=self.pk
        )
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if overlapping.exists():
            raise ValidationError(
                _("Une autre valeur de ce paramètre est déjà valable sur une partie de la période.")
            )

    @classmethod
    def value_on(cls, key: str, on: date, *, funder=None) -> Decimal:
        """The value in force on ``on``: the funder's own row first, then the general one.

        Within ``read_once()`` each (key, day, funder) is read from the table once."""
        cache = _READ_ONCE.get()
        if cache is None:
            return cls._read(key, on, funder=funder)
        found = (key, on, getattr(funder, "pk", funder))
        if found not in cache:
            cache[found] = cls._read(key, on, funder=funder)
        return cache[found]

    @classmethod
    def _read(cls, key: str, on: date, *, funder=None) -> Decimal:
        rows = cls.objects.filter(key=key, valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
        candidates = [funder, None] if funder is not None else [None]
        for who in candidates:
            row = rows.filter(funder=who).order_by("-valid_from").first()
            if row is not None:
                return row.value
        raise MissingParameter(
            f"Aucune valeur du paramètre « {cls.Key(key).label} » n'est en vigueur le "
            f"{on:%d/%m/%Y}. Un administrateur doit la saisir dans la table des paramètres."
        )

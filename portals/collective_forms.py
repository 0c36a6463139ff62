"""Forms of the collective files: a campaign's grouping rules, a bundle action, a funder's
decision on one member, the funder's inbox filter.

They check what people type; ``grouping`` validates the rules (``GroupingPolicy.clean``)
and acts (``grouping.bundles``).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from dossiers.models import Instrument
from grouping.decisions import LoanTerms
from grouping.engine import TerritoryLevel, TradeLevel
from grouping.models import BundleState, DeclineCode, GroupingPolicy, Guarantor
from grouping.models.bundle import SENT
from grouping.models.policy import USUAL_WIDENING
from grouping.policies import save_policy
from portals.forms import amount_field

WIDENING_STEPS = 4  # widening steps offered by the form, after the declared key

TRADE_LABELS = {
    TradeLevel.NONE: _("tous métiers"),
    TradeLevel.SECTION: _("section NAF"),
    TradeLevel.DIVISION: _("division NAF"),
    TradeLevel.GROUP: _("groupe NAF"),
    TradeLevel.CLASS: _("classe NAF"),
    TradeLevel.SUBCLASS: _("sous-classe NAF"),
    TradeLevel.NAFA: _("métier artisanal (NAFA)"),
}
TRADE_EXAMPLES = {
    TradeLevel.SECTION: "C",
    TradeLevel.DIVISION: "10",
    TradeLevel.GROUP: "10.7",
    TradeLevel.CLASS: "10.71",
    TradeLevel.SUBCLASS: "10.71C",
}
TERRITORY_LABELS = {
    TerritoryLevel.NATIONAL: _("France entière"),
    TerritoryLevel.REGION: _("région"),
    TerritoryLevel.DEPARTEMENT: _("département"),
}


def _trade_choice(level: TradeLevel):
    if level in TRADE_EXAMPLES:
        return format_lazy(
            _("{level} (ex. {code})"), level=TRADE_LABELS[level], code=TRADE_EXAMPLES[level]
        )
    return TRADE_LABELS[level]


TRADE_CHOICES = [(level.value, _trade_choice(level)) for level in TradeLevel]
TERRITORY_CHOICES = [(level.value, TERRITORY_LABELS[level]) for level in TerritoryLevel]
NO_STEP = [("", _("— pas d'étape —"))]


def level_words(trade: str, territory: str) -> str:
    """``"sous-classe NAF × département"``, translated."""
    return f"{TRADE_LABELS[TradeLevel(trade)]} × {TERRITORY_LABELS[TerritoryLevel(territory)]}"


class PolicyForm(forms.Form):
    """A campaign's grouping rules. The widening ladder is a few rows of two lists."""

    trade_level = forms.ChoiceField(label=_("Même activité, au niveau"), choices=TRADE_CHOICES)
    territory_level = forms.ChoiceField(
        label=_("Même territoire, au niveau"), choices=TERRITORY_CHOICES
    )
    min_members = forms.IntegerField(label=_("Membres au minimum"), min_value=2, max_value=1000)
    max_members = forms.IntegerField(label=_("Membres au maximum"), min_value=2, max_value=1000)
    target_members = forms.IntegerField(
        label=_("Taille visée (membres)"),
        required=False,
        min_value=2,
        max_value=1000,
        help_text=_("Petit nombre : beaucoup de petits dossiers. Vide : aussi peu que possible."),
    )
    target_loan = amount_field(_("Taille visée (total des prêts, €)"), required=False)
    funder = forms.ModelChoiceField(
        label=_("Financeur des prêts"),
        queryset=Organisation.objects.none(),
        help_text=_("Ses minimum et maximum par dossier sont lus dans la table des paramètres."),
    )

    by_category = forms.BooleanField(
        label=_("Regrouper aussi par catégorie de projet"),
        required=False,
        help_text=_(
            "Un même type de projet (site, boutique en ligne, ERP…) par dossier : un même "
            "prestataire ou un même produit bancaire sert tout le dossier."
        ),
    )
    coincide = forms.BooleanField(
        label=_("Faire coïncider avec les dossiers prêteurs"),
        required=False,
        help_text=_(
            "Quand les membres d'un dossier prêteur forment aussi une opération collective "
            "valable, la proposer avec les mêmes membres : une seule liste, deux demandes."
        ),
    )
    guarantor = forms.ChoiceField(
        label=_("Garantie demandée"), required=False, choices=Guarantor.choices
    )
    guarantee_share = forms.DecimalField(
        label=_("Quotité garantie demandée (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
    )

    # The rules' version the person edited (empty: there were none): see save_policy.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    KIND_FIELDS = {
        Instrument.GRANT: ("coincide",),
        Instrument.LOAN: ("guarantor", "guarantee_share"),
    }

    def __init__(
        self,
        *args,
        campaign,
        policy: GroupingPolicy | None = None,
        kind: str = Instrument.LOAN,
        **kwargs,
    ):
        if "initial" not in kwargs:
            # No rules yet: start from the model's defaults and a usual ladder, not from
            # the first choice of each list ("all trades × all France", which is refused).
            shown = policy or GroupingPolicy(
                campaign=campaign, kind=kind, widening=[list(step) for step in USUAL_WIDENING]
            )
            kwargs["initial"] = self.initial_from(shown)
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.policy = policy
        self.kind = kind
        takes = "eu_programme"
        funders = campaign.funders.order_by("name")
        self.fields["funder"].queryset = (
            funders.filter(funder_kind=takes)
            if kind == Instrument.GRANT
            else funders.exclude(funder_kind=takes)
        )
        self.fields["target_loan"].help_text = _(
            "Petit montant : beaucoup de petits dossiers ; grand : peu de gros dossiers."
        )
        if kind == Instrument.GRANT:
            self.fields["funder"].label = _("Autorité de gestion (subventions)")
            self.fields["funder"].help_text = _(
                "Son plafond par entreprise et les bornes de l'opération collective sont lus "
                "dans la table des paramètres."
            )
            self.fields["target_loan"].label = _("Taille visée (total des subventions, €)")
        for other, names in self.KIND_FIELDS.items():
            if other != kind:
                for name in names:
                    del self.fields[name]
        for step in range(1, WIDENING_STEPS + 1):
            self.fields[f"step{step}_trade"] = forms.ChoiceField(
                label=_("Étape %(n)s — activité") % {"n": step + 1},
                choices=NO_STEP + TRADE_CHOICES,
                required=False,
            )
            self.fields[f"step{step}_territory"] = forms.ChoiceField(
                label=_("Étape %(n)s — territoire") % {"n": step + 1},
                choices=NO_STEP + TERRITORY_CHOICES,
                required=False,
            )

    @staticmethod
    def initial_from(policy: GroupingPolicy) -> dict:
        initial = {
            "trade_level": policy.trade_level,
            "territory_level": policy.territory_level,
            "min_members": policy.min_members,
            "max_members": policy.max_members,
            "target_members": policy.target_members,
            "target_loan": policy.target_loan,
            "funder": policy.funder_id,
            "by_category": policy.by_category,
            "coincide": policy.coincide,
            "guarantor": policy.guarantor,
            "guarantee_share": policy.guarantee_share,
            "version": policy.version if policy.pk else None,
        }
        widening = policy.widening if isinstance(policy.widening, list) else []
        for step, pair in enumerate(widening[:WIDENING_STEPS], start=1):
            if isinstance(pair, list | tuple) and len(pair) == 2:
                initial[f"step{step}_trade"], initial[f"step{step}_territory"] = pair
        return initial

    def ladder_fields(self) -> list[tuple]:
        """The widening rows, each as (step number, trade field, territory field)."""
        return [
            (step + 1, self[f"step{step}_trade"], self[f"step{step}_territory"])
            for step in range(1, WIDENING_STEPS + 1)
        ]

    def clean(self):
        data = super().clean()
        widening = []
        for step in range(1, WIDENING_STEPS + 1):
            trade, territory = data.get(f"step{step}_trade"), data.get(f"step{step}_territory")
            if bool(trade) != bool(territory):
                missing = f"step{step}_territory" if trade else f"step{step}_trade"
                self.add_error(missing, _("Choisissez les deux niveaux de l'étape, ou aucun."))
            elif trade:
                widening.append([trade, territory])
        if self.errors:
            return data
        policy = self.policy or GroupingPolicy(campaign=self.campaign, kind=self.kind)
        for name in (
            "trade_level", "territory_level", "min_members", "max_members",
            "target_members", "target_loan", "funder", "by_category",
            *self.KIND_FIELDS[self.kind],
        ):  # fmt: skip
            setattr(policy, name, data.get(name))
        if self.kind == Instrument.LOAN and not policy.guarantor:
            policy.guarantor = ""
        policy.widening = widening
        try:
            policy.full_clean()
        except ValidationError as invalid:
            self._model_errors(invalid)
        self.cleaned_policy = policy
        return data

    def _model_errors(self, invalid: ValidationError) -> None:
        for name, messages in invalid.message_dict.items():
            # The ladder's problems name their step ("Étape 2 : ..."): the form shows them
            # above the widening rows, as errors of the whole form.
            self.add_error(name if name in self.fields else None, messages)

    def save(self, *, actor) -> GroupingPolicy:
        """Raises ``Conflict`` when the rules changed since the form was shown."""
        return save_policy(
            self.cleaned_policy, actor=actor, expected_version=self.cleaned_data.get("version")
        )


class BundleActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    expected_state = forms.ChoiceField(choices=BundleState.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    """The funder's decision on one member's line: approve an amount (with the date of the
    grant's legal act, or the loan's terms and guarantee), or decline with a reason code and
    a note. ``line`` says which fields apply; the service checks them against the rules."""

    APPROVE, DECLINE = "approve", "decline"
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[(APPROVE, _("Accorder le financement")), (DECLINE, _("Refuser"))],
        widget=forms.RadioSelect,
    )
    amount = amount_field(_("Montant accordé (€)"), required=False)
    grant_act_date = forms.DateField(
        label=_("Date de l'acte d'attribution"),
        required=False,
        help_text=_("La date d'octroi retenue pour le plafond de minimis."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    duration_months = forms.IntegerField(
        label=_("Durée (mois)"), required=False, min_value=0, max_value=600
    )
    rate = forms.DecimalField(
        label=_("Taux annuel (%)"), required=False, max_digits=6, decimal_places=3
    )
    deferral_months = forms.IntegerField(
        label=_("Différé (mois)"), required=False, min_value=0, max_value=600, initial=0
    )
    guarantor = forms.ChoiceField(label=_("Garantie"), required=False, choices=Guarantor.choices)
    guarantee_share = forms.DecimalField(
        label=_("Quotité garantie (%)"), required=False, max_digits=5, decimal_places=2
    )
    decline_code = forms.ChoiceField(
        label=_("Motif du refus"),
        required=False,
        choices=[("", "—"), *DeclineCode.choices],
    )
    reason = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=5000,
        help_text=_("Obligatoire pour un refus ; l'entreprise le lira sur sa demande."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    GRANT_FIELDS = ("grant_act_date",)
    LOAN_FIELDS = ("duration_months", "rate", "deferral_months", "guarantor", "guarantee_share")

    def __init__(self, *args, asked: Decimal, line: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _(
            "Obligatoire pour un accord, au plus le montant demandé."
        )
        self.asked = asked
        self.line = line
        for name in self.LOAN_FIELDS if line == Instrument.GRANT else self.GRANT_FIELDS:
            del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.APPROVE and data.get("amount") in (None, ""):
            self.add_error("amount", _("Indiquez le montant accordé."))
        if data.get("decision") == self.DECLINE:
            if not data.get("decline_code"):
                self.add_error("decline_code", _("Choisissez le motif du refus."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Un motif est obligatoire pour un refus."))
        return data

    def loan_terms(self) -> LoanTerms | None:
        if self.line != Instrument.LOAN:
            return None
        data = self.cleaned_data
        if data.get("duration_months") is None and data.get("rate") is None:
            return None  # the service says what is missing
        return LoanTerms(
            duration_months=data.get("duration_months") or 0,
            rate=data.get("rate") if data.get("rate") is not None else Decimal("-1"),
            deferral_months=data.get("deferral_months") or 0,
            guarantor=data.get("guarantor") or "",
            guarantee_share=data.get("guarantee_share"),
        )


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Référence du dossier ou d'une demande, fédération, entreprise membre."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(label=_("État"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Tous"))] + [
            (state.value, state.label) for state in SENT
        ]

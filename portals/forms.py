"""The portals' forms. They check what people type; the services in ``dossiers`` act.

Amounts are localised (``12 500,50`` is read in French), dates use the browser's date
picker, and every edit form carries the ``version`` of the request it was opened on.
"""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from dossiers.models import (
    Campaign,
    Enterprise,
    FinancingLine,
    FundingRequest,
    RequestState,
    SupportingDocument,
)
from dossiers.nomenclature import departements, regions
from dossiers.plan import SOURCE_KINDS
from dossiers.requests import TEXT_LIMITS
from dossiers.validators import compact_identifier, validate_amount, validate_siret


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class IdentifierField(forms.CharField):
    """A SIREN or SIRET typed as printed: spaces and dots go before the length is checked."""

    # Room for the digits as printed ("812 345 676 00017", "812.345.676.00017"): the
    # browser must not cut the typing short; the length is checked once compacted.
    TYPED_ROOM = 24

    def to_python(self, value):
        return compact_identifier(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["maxlength"] = str(self.TYPED_ROOM)
        return attrs


def amount_field(label, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        localize=True,
        # validate_amount says "négatif" itself: a min_value would say it a second time.
        validators=[validate_amount],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class VersionedForm(forms.Form):
    """Carries the request version the person saw, so a concurrent edit is a Conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Enterprise and request ----------------------------------------------------------------
class EnterpriseForm(forms.ModelForm):
    """An enterprise as its representative (or its federation) describes it."""

    class Meta:
        model = Enterprise
        fields = [
            "name", "siret", "legal_form", "creation_date", "naf_code", "departement",
            "address", "postal_code", "city", "headcount", "turnover", "balance_sheet",
            "micro_entreprise_regime", "sector",
        ]  # fmt: skip
        field_classes = {"siret": IdentifierField}
        widgets = {
            "creation_date": DateInput,
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "naf_code": forms.TextInput(attrs={"placeholder": "62.01Z"}),
            "departement": forms.TextInput(attrs={"placeholder": "23", "size": 4}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }
        help_texts = {
            "siret": _("14 chiffres, tels qu'imprimés sur le Kbis (les espaces sont acceptés)."),
            "naf_code": _("Code APE/NAF rév. 2, par exemple 10.71C."),
            "departement": _("01 à 95, 2A, 2B, 971 à 974 ou 976."),
            "headcount": _("En unités de travail annuel (UTA)."),
        }

    def __init__(self, *args, registered_siret_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.registered_siret_allowed = registered_siret_allowed
        for name in ("headcount", "turnover", "balance_sheet"):
            self.fields[name].localize = True
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
            self.fields[name].widget.is_localized = True

    def validate_unique(self) -> None:
        if not self.registered_siret_allowed:
            super().validate_unique()

    def clean_naf_code(self) -> str:
        return self.cleaned_data["naf_code"].strip().upper()

    def clean_departement(self) -> str:
        value = self.cleaned_data["departement"].strip().upper()
        return value.zfill(2) if value.isdigit() else value

    def clean(self):
        cleaned = super().clean()
        siret = cleaned.get("siret")
        if siret:
            self.instance.siren = cleaned["siren"] = siret[:9]
        return cleaned


class EnterpriseEditForm(EnterpriseForm):
    """The enterprise's description, corrected by its representative: everything but the
    SIRET (another SIRET is another establishment), with the version that was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(EnterpriseForm.Meta):
        fields = [name for name in EnterpriseForm.Meta.fields if name != "siret"]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


REQUEST_FIELDS = [
    "project_category", "project_title", "project_description", "activity_confirmed",
    "mandate_signed_by", "mandate_signed_on",
]  # fmt: skip


class RequestForm(forms.ModelForm):
    """A request's own fields: the project, the activity confirmation and the mandate."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FundingRequest
        fields = REQUEST_FIELDS
        widgets = {
            "mandate_signed_on": DateInput,
            "project_description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "mandate_signed_by": _(
                "Nom et qualité de la personne qui donne mandat à la fédération chef de file."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Editing an existing request: the version it was opened on must come back.
        self.fields["version"].required = self.instance.pk is not None
        # The services' limits, said before saving (and as the textarea's maxlength).
        for name, limit in TEXT_LIMITS.items():
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)

    def request_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}


class NewRequestForm(forms.Form):
    """Which campaign, and which of my enterprises (or a new one)."""

    campaign = forms.ModelChoiceField(
        label=_("Campagne"), queryset=Campaign.objects.none(), empty_label=None
    )
    enterprise = forms.ModelChoiceField(
        label=_("Entreprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label=_("Une nouvelle entreprise (à décrire ci-dessous)"),
    )

    def __init__(self, *args, campaigns, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["enterprise"].queryset = enterprises
        if not enterprises.exists():
            self.fields["enterprise"].widget = forms.HiddenInput()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail du ou de la représentant·e"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PrefillForm(InvitationForm):
    campaign = forms.ModelChoiceField(
        label=_("Campagne"), queryset=Campaign.objects.none(), empty_label=None
    )
    field_order = ["campaign", "email", "first_name", "last_name"]

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


# --- Financing plan, quotes, de minimis ------------------------------------------------------
USE_CHOICES = [(k.value, k.label) for k in FinancingLine.USE_KINDS]
SOURCE_CHOICES = [(k.value, FinancingLine.Kind(k).label) for k in SOURCE_KINDS]


class PlanLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=USE_CHOICES)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    amount = amount_field(_("Montant HT (€)"))

    def has_changed(self) -> bool:
        # A blank line still posts its select's first choice: it is blank all the same.
        return any(name != "kind" for name in self.changed_data)


class SourceLineForm(PlanLineForm):
    kind = forms.ChoiceField(label=_("Nature"), choices=SOURCE_CHOICES)
    amount = amount_field(_("Montant (€)"))


UseFormSet = forms.formset_factory(PlanLineForm, extra=1, can_delete=True, max_num=30)
SourceFormSet = forms.formset_factory(SourceLineForm, extra=1, can_delete=True, max_num=30)


class QuoteForm(forms.Form):
    supplier_name = forms.CharField(label=_("Fournisseur"), max_length=200)
    supplier_siret = IdentifierField(
        label=_("SIRET du fournisseur"), max_length=14, required=False, validators=[validate_siret]
    )
    quote_date = forms.DateField(label=_("Date du devis"), widget=DateInput)
    amount_excl_vat = amount_field(_("Montant HT (€)"))
    description = forms.CharField(label=_("Objet"), max_length=300, required=False)


QuoteFormSet = forms.formset_factory(QuoteForm, extra=1, can_delete=True, max_num=20)


class DeMinimisForm(VersionedForm):
    declared_by = forms.CharField(
        label=_("Déclaration faite par"),
        max_length=200,
        help_text=_("Nom et qualité du signataire, par exemple « Claire Martin, gérante »."),
    )
    declared_on = forms.DateField(label=_("Date de la déclaration"), widget=DateInput)
    no_aid_received = forms.BooleanField(
        label=_("L'entreprise n'a reçu aucune aide de minimis sur les 3 dernières années"),
        required=False,
    )


class AidForm(forms.Form):
    granting_body = forms.CharField(label=_("Organisme"), max_length=200)
    regulation = forms.CharField(label=_("Règlement"), max_length=100, required=False)
    granted_on = forms.DateField(label=_("Date d'octroi"), widget=DateInput)
    amount = amount_field(_("Montant (€)"))


AidFormSet = forms.formset_factory(AidForm, extra=1, can_delete=True, max_num=30)


class DocumentForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Type de pièce"), choices=SupportingDocument.Kind.choices)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, PNG, JPEG, Word, Excel ou OpenDocument ; 10 Mo au plus."),
    )
    issued_on = forms.DateField(label=_("Émise le"), widget=DateInput)
    expires_on = forms.DateField(
        label=_("Valable jusqu'au"),
        widget=DateInput,
        required=False,
        help_text=_("Si la pièce porte une date de fin de validité."),
    )


# --- Conversation and decisions ------------------------------------------------------------
class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    expected_state = forms.ChoiceField(choices=RequestState.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Motif ou message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Federation request list -----------------------------------------------------------------
class RequestFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        help_text=_("Référence, raison sociale ou SIRET."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campagne"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("Toutes"),
        to_field_name="reference",
    )
    state = forms.ChoiceField(label=_("État"), required=False)
    naf = forms.CharField(
        label=_("Activité (début du code NAF)"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"placeholder": "10.71", "size": 8}),
    )
    departement = forms.ChoiceField(label=_("Département"), required=False)
    region = forms.ChoiceField(label=_("Région"), required=False)
    amount_min = forms.DecimalField(
        label=_("Montant demandé minimal (€)"),
        required=False,
        localize=True,
        validators=[MinValueValidator(0)],
    )
    amount_max = forms.DecimalField(
        label=_("Montant demandé maximal (€)"),
        required=False,
        localize=True,
        validators=[MaxValueValidator(Decimal("100000000"))],
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["state"].choices = [("", _("Tous"))] + list(RequestState.choices)
        self.fields["departement"].choices = [("", _("Tous"))] + [
            (d.code, f"{d.code} — {d.name}") for d in departements().values()
        ]
        self.fields["region"].choices = [("", _("Toutes"))] + sorted(
            regions().items(), key=lambda item: item[1]
        )

    def clean_naf(self) -> str:
        return self.cleaned_data["naf"].strip().upper()

"""Funding requests as the API shows them, and the prefill a federation posts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.models import (
    Campaign,
    Enterprise,
    FinancingLine,
    FundingRequest,
    Instrument,
    RequestTransition,
)
from dossiers.plan import PLAN_MAX_LINES, SOURCE_KINDS
from dossiers.validators import (
    compact_identifier,
    validate_amount,
    validate_siren,
    validate_siret,
)
from grouping.lines import line_states
from grouping.models import Bundle

# What a funder sees of a request's history: its own part of the story.
FUNDER_VISIBLE_TRANSITIONS = ("send", "approve", "decline")


class CampaignSerializer(serializers.ModelSerializer):
    federation = serializers.CharField(source="federation.name")

    class Meta:
        model = Campaign
        fields = [
            "reference", "name", "programme", "federation", "opens_on", "deadline", "is_open",
        ]  # fmt: skip


class EnterpriseSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "name", "siren", "siret", "legal_form", "naf_code", "nafa_code", "departement",
            "region", "headcount", "sme_category",
        ]  # fmt: skip


def actor_label(actor, viewer) -> str | None:
    """A person of the viewer's own organisation (or an SME's representative) by name,
    anyone else by their organisation; None for the system."""
    if actor is None:
        return None
    if actor.organisation_id and actor.organisation_id != viewer.organisation_id:
        return actor.organisation.name
    return actor.get_full_name() or actor.username


class HistoryEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(
        help_text="Qui a agi : une personne de votre organisation, une autre organisation, "
        "ou null pour le système."
    )

    class Meta:
        model = RequestTransition
        fields = ["at", "transition", "from_state", "to_state", "actor", "note"]

    def get_actor(self, log: RequestTransition) -> str | None:
        return actor_label(log.actor, self.context["request"].user)


class FinancingLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinancingLine
        fields = ["kind", "label", "amount"]


class FundingRequestSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.reference")
    state_label = serializers.CharField(source="get_state_display")
    enterprise = EnterpriseSummarySerializer()
    sent_to = serializers.CharField(source="sent_to.name", allow_null=True, default=None)

    class Meta:
        model = FundingRequest
        fields = [
            "reference", "state", "state_label", "version", "campaign", "enterprise",
            "project_category", "project_title", "total_cost", "eligible_cost",
            "grant_amount", "loan_amount", "own_funds", "sent_to", "approved_amount",
            "submitted_at", "created_at", "updated_at",
        ]  # fmt: skip


class FinancingPlanSerializer(serializers.Serializer):
    uses = FinancingLineSerializer(many=True)
    sources = FinancingLineSerializer(many=True)


class FinancedLineSerializer(serializers.Serializer):
    """One financing line of the request and where it stands (docs/rules.md#two-collectives)."""

    line = serializers.ChoiceField(choices=Instrument.choices)
    asked = serializers.DecimalField(max_digits=12, decimal_places=2)
    stage = serializers.ChoiceField(
        choices=["waiting", "grouped", "sent", "decided"],
        help_text="waiting : en attente de regroupement ; grouped : dans un dossier scellé ; "
        "sent : chez son financeur ; decided : décidée.",
    )
    collective = serializers.CharField(
        allow_null=True, help_text="Le dossier collectif qui porte la ligne, si vous le voyez."
    )
    status = serializers.CharField(allow_null=True)
    decided_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    summary = serializers.CharField(help_text="La situation de la ligne, en clair.")


class FundingRequestDetailSerializer(FundingRequestSerializer):
    financing_plan = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(FundingRequestSerializer.Meta):
        fields = [
            *FundingRequestSerializer.Meta.fields,
            "project_description", "activity_confirmed", "mandate_signed_by",
            "mandate_signed_on", "decision_reason", "loan_duration_months",
            "loan_deferral_months", "financing_plan", "lines", "history",
        ]  # fmt: skip

    @extend_schema_field(FinancedLineSerializer(many=True))
    def get_lines(self, request: FundingRequest) -> list:
        user = self.context["request"].user
        visible = set(Bundle.objects.visible_to(user).values_list("pk", flat=True))
        rows = []
        for state in line_states(request):
            member = state.member
            shown = member is not None and member.bundle_id in visible
            rows.append(
                {
                    "line": state.line,
                    "asked": state.asked,
                    "stage": state.stage.name.lower(),
                    "collective": member.bundle.reference if shown else None,
                    "status": member.status if shown else None,
                    "decided_amount": member.decided_amount if shown else None,
                    "summary": state.describe(),
                }
            )
        return FinancedLineSerializer(rows, many=True).data

    @extend_schema_field(FinancingPlanSerializer)
    def get_financing_plan(self, request: FundingRequest) -> dict:
        lines = list(request.financing_lines.all())
        return FinancingPlanSerializer(
            {
                "uses": [line for line in lines if line.side == FinancingLine.Side.USE],
                "sources": [line for line in lines if line.side == FinancingLine.Side.SOURCE],
            }
        ).data

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, request: FundingRequest) -> list:
        rows = request.history.select_related("actor__organisation").order_by("at", "pk")
        if self.context["request"].user.is_funder_member:
            rows = rows.filter(transition__in=FUNDER_VISIBLE_TRANSITIONS)
        return HistoryEntrySerializer(rows, many=True, context=self.context).data


# --- The prefill a federation posts ------------------------------------------------------


class IdentifierField(serializers.CharField):
    """A SIREN or SIRET sent as printed: spaces and dots go before the length is checked."""

    def to_internal_value(self, data):
        return compact_identifier(super().to_internal_value(data))


class EnterpriseInputSerializer(serializers.ModelSerializer):
    siren = IdentifierField(max_length=9, validators=[validate_siren])
    # An existing SIRET is not an error: the request is attached to that enterprise.
    siret = IdentifierField(max_length=14, validators=[validate_siret])

    class Meta:
        model = Enterprise
        fields = [
            "name", "siren", "siret", "legal_form", "micro_entreprise_regime",
            "creation_date", "address", "postal_code", "city", "naf_code", "nafa_code",
            "departement", "headcount", "turnover", "balance_sheet", "public_ownership",
            "sector", "insolvency_proceedings",
        ]  # fmt: skip

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            Enterprise(**attrs).clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


class UseLineInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in FinancingLine.USE_KINDS])
    label = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, validators=[validate_amount])


class SourceLineInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in SOURCE_KINDS])
    label = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, validators=[validate_amount])


class FinancingPlanInputSerializer(serializers.Serializer):
    uses = UseLineInputSerializer(many=True, allow_empty=False, max_length=PLAN_MAX_LINES)
    sources = SourceLineInputSerializer(many=True, max_length=PLAN_MAX_LINES)


class FundingRequestCreateSerializer(serializers.Serializer):
    campaign = serializers.CharField(max_length=30, help_text="Référence de la campagne.")
    enterprise = EnterpriseInputSerializer()
    project_category = serializers.ChoiceField(choices=FundingRequest.ProjectCategory.choices)
    project_title = serializers.CharField(max_length=200)
    project_description = serializers.CharField(required=False, allow_blank=True, default="")
    activity_confirmed = serializers.BooleanField(required=False, default=False)
    mandate_signed_by = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    mandate_signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    financing_plan = FinancingPlanInputSerializer(required=False)

    def validate_campaign(self, reference: str) -> Campaign:
        campaign = self.context["campaigns"].filter(reference=reference).first()
        if campaign is None:
            raise serializers.ValidationError(
                "Campagne inconnue ou hors de portée de ce jeton.", code="unknown_campaign"
            )
        return campaign

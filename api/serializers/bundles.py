"""Bundles (collective files) and their members, and the decision a funder posts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.requests import actor_label
from grouping.decisions import LoanTerms
from grouping.models import Bundle, BundleMember, BundleTransition, DeclineCode, Guarantor

# What a funder sees of a bundle's history: from the moment it was sent.
FUNDER_VISIBLE_TRANSITIONS = ("submit", "decide", "close")


class BundleSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.reference")
    federation = serializers.CharField(source="campaign.federation.name")
    funder = serializers.CharField(source="funder.name")
    state_label = serializers.CharField(source="get_state_display")
    kind = serializers.CharField(
        help_text="« grant » : opération collective de subventions (autorité de gestion UE) ; "
        "« loan » : dossier prêteur (banque, Bpifrance)."
    )
    kind_label = serializers.CharField()
    twin = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        help_text="Le dossier de l'autre nature proposé avec les mêmes membres, s'il existe.",
    )

    class Meta:
        model = Bundle
        fields = [
            "reference", "kind", "kind_label", "twin", "guarantor", "guarantee_share",
            "state", "state_label", "outcome", "campaign", "federation", "funder",
            "key_description", "member_count", "loan_total", "grant_total", "cost_total",
            "own_funds_total", "approved_total", "created_at", "submitted_at", "decided_at",
        ]  # fmt: skip


class MemberEnterpriseSerializer(serializers.Serializer):
    name = serializers.CharField()
    siret = serializers.CharField()
    naf_code = serializers.CharField()
    departement = serializers.CharField()
    sme_category = serializers.CharField()


class BundleMemberSerializer(serializers.ModelSerializer):
    request = serializers.CharField(source="request.reference")
    request_state = serializers.CharField(source="request.state")
    enterprise = MemberEnterpriseSerializer(source="request.enterprise")
    asked = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Le montant demandé sur la ligne du membre."
    )

    class Meta:
        model = BundleMember
        fields = [
            "request", "request_state", "enterprise", "line", "grant", "loan", "asked",
            "status", "decided_amount", "decision_reason", "decline_code", "decided_at",
            "grant_act_date", "loan_duration_months", "loan_rate", "loan_deferral_months",
            "guarantor", "guarantee_share", "guaranteed_amount", "guarantee_fee",
        ]  # fmt: skip


class BundleHistoryEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = BundleTransition
        fields = ["at", "transition", "from_state", "to_state", "actor", "note"]

    def get_actor(self, log: BundleTransition) -> str | None:
        return actor_label(log.actor, self.context["request"].user)


class BundleDetailSerializer(BundleSerializer):
    members = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(BundleSerializer.Meta):
        fields = [*BundleSerializer.Meta.fields, "members", "history"]

    @extend_schema_field(BundleMemberSerializer(many=True))
    def get_members(self, bundle: Bundle) -> list:
        rows = (
            bundle.members.exclude(status=BundleMember.Status.WITHDRAWN)
            .select_related("request__enterprise")
            .order_by("request__reference")
        )
        return BundleMemberSerializer(rows, many=True).data

    @extend_schema_field(BundleHistoryEntrySerializer(many=True))
    def get_history(self, bundle: Bundle) -> list:
        rows = bundle.history.select_related("actor__organisation").order_by("at", "pk")
        if self.context["request"].user.is_funder_member:
            rows = rows.filter(transition__in=FUNDER_VISIBLE_TRANSITIONS)
        return BundleHistoryEntrySerializer(rows, many=True, context=self.context).data


class LoanTermsSerializer(serializers.Serializer):
    duration_months = serializers.IntegerField(min_value=0, max_value=32767)
    rate = serializers.DecimalField(max_digits=6, decimal_places=3, help_text="Taux annuel, %.")
    deferral_months = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, default=0
    )
    guarantor = serializers.ChoiceField(
        choices=Guarantor.choices, required=False, allow_blank=True, default=""
    )
    guarantee_share = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    guarantee_fee = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Par défaut : le taux de commission du garant × le prêt accordé.",
    )


class DecisionSerializer(serializers.Serializer):
    approved = serializers.BooleanField()
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Montant accordé sur la ligne du membre ; par défaut, ce qu'il demandait.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Obligatoire pour un refus."
    )
    decline_code = serializers.ChoiceField(
        choices=DeclineCode.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Obligatoire pour un refus.",
    )
    grant_act_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Subvention accordée : date de l'acte d'attribution (date d'octroi de minimis).",
    )
    loan_terms = LoanTermsSerializer(
        required=False, allow_null=True, default=None, help_text="Prêt accordé : ses conditions."
    )

    def validate_loan_terms(self, value):
        return LoanTerms(**value) if value else None


class DecisionResultSerializer(serializers.Serializer):
    bundle = BundleSerializer()
    member = BundleMemberSerializer()

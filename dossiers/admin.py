"""Admin screens. Every state change goes through dossiers.workflow, like everywhere else."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from dossiers import workflow
from dossiers.enterprises import refresh_sme_category
from dossiers.models import (
    Campaign,
    DeMinimisAid,
    DeMinimisDeclaration,
    Enterprise,
    EnterpriseYear,
    FinancingLine,
    FundingRequest,
    PurgedDraft,
    RelatedEnterprise,
    RequestTransition,
    SchemeParameter,
    StoredFile,
    SupplierQuote,
    SupportingDocument,
)
from dossiers.undertaking import second_request_problem
from grappe.admin import ReadOnlyMixin


@admin.register(SchemeParameter)
class SchemeParameterAdmin(admin.ModelAdmin):
    list_display = ["key", "funder", "value", "valid_from", "valid_to", "source"]
    list_filter = ["key", "funder"]


class RelatedEnterpriseInline(admin.TabularInline):
    model = RelatedEnterprise
    extra = 0


class EnterpriseYearInline(admin.TabularInline):
    model = EnterpriseYear
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "naf_code", "departement", "region", "sme_category"]
    list_filter = ["sme_category", "region", "naf_section", "legal_form"]
    search_fields = ["name", "siren", "siret", "naf_code"]
    readonly_fields = [
        "naf_section",
        "naf_division",
        "naf_group",
        "naf_class",
        "region",
        "sme_category",
    ]
    filter_horizontal = ["representatives"]
    inlines = [EnterpriseYearInline, RelatedEnterpriseInline]

    def save_related(self, request, form, formsets, change):
        # The inlines are saved after the enterprise: recompute its category from them.
        super().save_related(request, form, formsets, change)
        refresh_sme_category(form.instance)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["reference", "name", "federation", "deadline", "is_open"]
    list_filter = ["is_open", "federation"]
    search_fields = ["reference", "name"]
    filter_horizontal = ["funders"]


class HistoryInline(admin.TabularInline):
    model = RequestTransition
    extra = 0
    can_delete = False
    fields = ["at", "actor", "transition", "from_state", "to_state", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FinancingLineInline(admin.TabularInline):
    model = FinancingLine
    extra = 0
    fields = ["side", "kind", "label", "amount"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SupplierQuoteInline(admin.TabularInline):
    model = SupplierQuote
    extra = 0


class SupportingDocumentInline(admin.TabularInline):
    model = SupportingDocument
    extra = 0
    raw_id_fields = ["stored_file"]


def _transition_action(name: str, label: str):
    def action(modeladmin, request, queryset):
        done, refused = 0, []
        for funding_request in queryset:
            try:
                workflow.perform(
                    funding_request,
                    name,
                    actor=request.user,
                    note=f"Depuis l'administration ({label}).",
                )
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"{funding_request.reference} : {error.text}")
        if done:
            modeladmin.message_user(request, f"{done} demande(s) : {label}.", messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.WARNING)

    action.__name__ = f"do_{name}"
    action.short_description = label
    return action


class FundingRequestAdminForm(forms.ModelForm):
    class Meta:
        model = FundingRequest
        fields = "__all__"  # noqa: DJ007 (the admin lists its fields itself)

    def clean(self):
        cleaned = super().clean()
        campaign, enterprise = cleaned.get("campaign"), cleaned.get("enterprise")
        if self.instance.pk is None and campaign and enterprise:
            problem = second_request_problem(campaign, enterprise)
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


@admin.register(FundingRequest)
class FundingRequestAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "enterprise",
        "campaign",
        "state",
        "grant_amount",
        "loan_amount",
        "submitted_at",
    ]
    list_filter = ["state", "campaign", "project_category", "enterprise__region"]
    search_fields = ["reference", "enterprise__name", "enterprise__siret"]
    list_select_related = ["enterprise", "campaign"]
    raw_id_fields = ["enterprise", "created_by", "sent_to"]
    readonly_fields = [
        "state", "version", "total_cost", "eligible_cost", "grant_amount", "loan_amount",
        "own_funds", "total_sources", "sent_to", "approved_amount", "decision_reason",
        "submitted_at",
    ]  # fmt: skip
    inlines = [FinancingLineInline, SupplierQuoteInline, SupportingDocumentInline, HistoryInline]
    form = FundingRequestAdminForm

    def get_readonly_fields(self, request, obj=None):
        # Moving a request to another campaign or enterprise would dodge the one-request rule.
        fixed = ["campaign", "enterprise"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *fixed]

    actions = [
        _transition_action("start_review", _("Passer en instruction")),
        _transition_action("mark_eligible", _("Déclarer éligible")),
    ]


@admin.register(RequestTransition)
class RequestTransitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "request", "actor", "transition", "from_state", "to_state"]
    list_filter = ["transition", "to_state"]
    search_fields = ["request__reference", "note"]


class DeMinimisAidInline(admin.TabularInline):
    model = DeMinimisAid
    extra = 0


@admin.register(DeMinimisDeclaration)
class DeMinimisDeclarationAdmin(admin.ModelAdmin):
    list_display = ["request", "declared_by", "declared_on", "no_aid_received"]
    inlines = [DeMinimisAidInline]


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = ["file", "original_name", "content_type", "size", "sha256", "uploaded_by"]


@admin.register(PurgedDraft)
class PurgedDraftAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["reference", "campaign", "draft_updated_at", "documents_erased", "purged_at"]
    search_fields = ["reference"]

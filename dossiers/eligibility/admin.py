from django.contrib import admin

from dossiers.eligibility.models import CampaignEligibility, DocumentRequirement, FunderProduct


@admin.register(CampaignEligibility)
class CampaignEligibilityAdmin(admin.ModelAdmin):
    list_display = ["campaign", "valid_from", "valid_to", "sme_categories", "min_age_years"]
    list_filter = ["campaign"]


class DocumentRequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0


@admin.register(FunderProduct)
class FunderProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "funder", "kind", "valid_from", "valid_to"]
    list_filter = ["kind", "funder"]
    inlines = [DocumentRequirementInline]

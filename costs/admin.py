from django.contrib import admin

from costs.models import CostReference, FlaggedQuote
from grappe.admin import ReadOnlyMixin


@admin.register(CostReference)
class CostReferenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("project_type", "naf_division", "region", "year", "count", "published")
    list_filter = ("project_type", "published", "year")


@admin.register(FlaggedQuote)
class FlaggedQuoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("quote", "reference", "z_score")

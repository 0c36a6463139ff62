from django.contrib import admin

from aids.models import AidScheme, CampaignRouting
from grappe.admin import ReadOnlyMixin


@admin.register(AidScheme)
class AidSchemeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read only: the catalogue changes through its JSON import (all rows checked first)."""

    list_display = ("name", "aid_type", "start_date", "submission_deadline", "is_illustrative")
    list_filter = ("aid_type", "is_illustrative")
    search_fields = ("slug", "name")


@admin.register(CampaignRouting)
class CampaignRoutingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("campaign", "routed_on", "requests", "computed_at")

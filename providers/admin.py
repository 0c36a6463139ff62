from django.contrib import admin

from grappe.admin import ReadOnlyMixin
from providers.models import Provider


@admin.register(Provider)
class ProviderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read only: the directory is rebuilt from the quotes and the registry import."""

    list_display = ("name", "siret", "departement", "quotes", "completed_projects", "closed")
    list_filter = ("closed",)
    search_fields = ("name", "siret")

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "funder_kind", "siren"]
    list_filter = ["kind", "funder_kind"]
    search_fields = ["name", "siren"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "organisation", "role", "is_staff"]
    list_filter = ["role", "organisation", "is_staff"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Grappe"), {"fields": ["organisation", "role", "language"]}),
    ]

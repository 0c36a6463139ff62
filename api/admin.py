"""Admin screens for API tokens: issue one (its secret shown once), revoke."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from api import tokens
from api.models import ApiToken, IdempotentRequest, Scope


class IssueTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("droits"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )

    class Meta:
        model = ApiToken
        fields = ["organisation", "name", "scopes", "campaigns", "expires_at"]

    def clean(self):
        data = super().clean()
        organisation, campaigns = data.get("organisation"), data.get("campaigns")
        if organisation and campaigns and tokens.foreign_campaigns(organisation, campaigns):
            raise forms.ValidationError(
                _("Un jeton ne peut être limité qu'aux campagnes de son organisation.")
            )
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name", "organisation", "prefix", "scopes", "created_at", "expires_at", "last_used_at",
        "revoked_at",
    ]  # fmt: skip
    list_filter = ["organisation", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "organisation__name"]
    filter_horizontal = ["campaigns"]
    readonly_fields = [
        "organisation", "name", "prefix", "scopes", "service_user", "created_by", "created_at",
        "last_used_at", "revoked_at", "revoked_by",
    ]  # fmt: skip
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = IssueTokenForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return IssueTokenForm.Meta.fields
        return [*self.readonly_fields, "campaigns", "expires_at"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            obj._secret = tokens.prepare_token(obj, created_by=request.user)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The secret is rendered once, here, and kept nowhere (not even in a message cookie).
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "token": obj,
            "secret": obj._secret,
            "title": _("Jeton créé"),
        }
        return TemplateResponse(request, "admin/api/apitoken/issued.html", context)

    @admin.action(description=_("Révoquer les jetons choisis"))
    def revoke(self, request, queryset):
        revoked = sum(tokens.revoke_token(token, by=request.user) for token in queryset)
        self.message_user(request, _("%d jeton(s) révoqué(s).") % revoked, messages.SUCCESS)


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(admin.ModelAdmin):
    list_display = ["token", "key", "response_status", "created_at"]
    readonly_fields = [
        "token", "key", "fingerprint", "response_status", "response_body", "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

"""Admin screens. Every action goes through grouping.runs and grouping.bundles, like
everywhere else; bundles, memberships, history and runs are read-only here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from dossiers.workflow import WorkflowError
from grappe.admin import ReadOnlyMixin
from grouping import bundles
from grouping.models import (
    Bundle,
    BundleMember,
    BundleTransition,
    GroupingPolicy,
    GroupingRun,
    UnplacedRequest,
)
from grouping.policies import save_policy
from grouping.runs import run_grouping


def _report(modeladmin, request, done: list[str], refused: list[str]) -> None:
    for line in done:
        modeladmin.message_user(request, line, messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)


def _refusal(subject: str, error: WorkflowError) -> str:
    return f"{subject} : {error.text}"


def _run_action(dry_run: bool, label: str):
    def action(modeladmin, request, queryset):
        done, refused = [], []
        for policy in queryset.select_related("campaign"):
            try:
                result = run_grouping(
                    policy.campaign, actor=request.user, kind=policy.kind, dry_run=dry_run
                )
            except WorkflowError as error:
                refused.append(_refusal(policy.campaign.reference, error))
                continue
            run = result.run
            done.append(
                f"{policy.campaign.reference} : {run.bundle_count} dossier(s), "
                f"{run.placed_count} demande(s) placée(s), {run.unplaced_count} sans dossier."
            )
        _report(modeladmin, request, done, refused)

    action.__name__ = "simulate" if dry_run else "run"
    action.short_description = label
    return action


@admin.register(GroupingPolicy)
class GroupingPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "campaign",
        "trade_level",
        "territory_level",
        "min_members",
        "max_members",
        "funder",
        "version",
        "updated_by",
        "updated_at",
    ]
    list_select_related = ["campaign", "funder", "updated_by"]
    raw_id_fields = ["campaign"]
    readonly_fields = ["version", "updated_by", "updated_at"]
    actions = [
        _run_action(True, _("Simuler le regroupement")),
        _run_action(False, _("Lancer le regroupement (remplace les dossiers proposés)")),
    ]

    def save_model(self, request, obj, form, change):
        # Through the service, so who changed the rules is kept. The administration is the
        # staff's override: it saves over the version it has just read.
        save_policy(obj, actor=request.user, expected_version=obj.version if change else None)


class MemberInline(ReadOnlyMixin, admin.TabularInline):
    model = BundleMember
    extra = 0
    fields = [
        "request",
        "loan",
        "grant",
        "status",
        "active",
        "decided_amount",
        "decision_reason",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields


class BundleHistoryInline(ReadOnlyMixin, admin.TabularInline):
    model = BundleTransition
    extra = 0
    fields = ["at", "actor", "transition", "from_state", "to_state", "note"]
    readonly_fields = fields


def _bundle_action(name: str, label: str):
    service = getattr(bundles, name)

    def action(modeladmin, request, queryset):
        done, refused = [], []
        for bundle in queryset:
            try:
                service(bundle, actor=request.user, note=f"Depuis l'administration ({label}).")
                done.append(f"{bundle.reference} : {label}.")
            except WorkflowError as error:
                refused.append(_refusal(bundle.reference, error))
        _report(modeladmin, request, done, refused)

    action.__name__ = f"do_{name}"
    action.short_description = label
    return action


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "campaign",
        "key_description",
        "ladder_level",
        "member_count",
        "loan_total",
        "grant_total",
        "state",
        "outcome",
    ]
    list_filter = ["state", "outcome", "campaign", "funder"]
    search_fields = ["reference", "key_description", "members__request__reference"]
    list_select_related = ["campaign"]
    inlines = [MemberInline, BundleHistoryInline]
    actions = [
        _bundle_action("seal_bundle", _("Sceller")),
        _bundle_action("submit_bundle", _("Transmettre au financeur")),
        _bundle_action("dissolve_bundle", _("Dissoudre")),
        _bundle_action("close_bundle", _("Clore")),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Bundle._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # bundles come from a grouping run

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a reference once shown is never reused


@admin.register(BundleTransition)
class BundleTransitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "bundle", "actor", "transition", "from_state", "to_state"]
    list_filter = ["transition", "to_state"]
    search_fields = ["bundle__reference", "note"]


@admin.register(GroupingRun)
class GroupingRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "campaign",
        "actor",
        "dry_run",
        "status",
        "eligible_count",
        "placed_count",
        "unplaced_count",
        "bundle_count",
        "duration",
        "started_at",
    ]
    list_filter = ["status", "dry_run", "campaign"]


@admin.register(UnplacedRequest)
class UnplacedRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["run", "request", "code", "reason"]
    list_filter = ["code"]
    list_select_related = ["request", "run__campaign"]
    search_fields = ["request__reference"]
    raw_id_fields = ["run", "request"]

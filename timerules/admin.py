from django.contrib import admin
from django.utils import timezone

from grappe.admin import ReadOnlyMixin
from timerules.models import (
    AidRecord,
    ArchiveAccess,
    DeadlineRule,
    LegalHold,
    RequestDeadline,
    RetentionPolicy,
    RetentionSchedule,
    Tombstone,
)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["campaign", "stage", "start_event", "amount", "unit", "on_changes", "action"]
    list_filter = ["stage", "action", "unit"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._recompute(obj.campaign_id)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._recompute(obj.campaign_id)

    @staticmethod
    def _recompute(campaign_id: int) -> None:
        # A changed rule changes the deadline of every request of the campaign: a task.
        from timerules.tasks import recompute_campaign_deadlines

        recompute_campaign_deadlines.delay_on_commit(campaign_id)


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["campaign", "active_months", "archive_months", "draft_months"]


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ["request", "reason", "placed_by", "placed_at", "lifted_at"]
    raw_id_fields = ["request"]
    readonly_fields = ["placed_by", "placed_at"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.placed_by = request.user
            obj.placed_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(RequestDeadline)
class RequestDeadlineAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["request", "rule", "status", "due_on", "paused_since", "acted_at"]
    list_filter = ["status"]


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["request", "archive_on", "purge_on", "archived_at", "fixed_at"]


@admin.register(ArchiveAccess)
class ArchiveAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["request", "user", "at"]


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["reference", "campaign", "final_state", "purged_at", "content_hash"]


@admin.register(AidRecord)
class AidRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["request_reference", "granted_on", "amount", "keep_until"]

"""Administration of background work: see every job, retry the failed ones."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grappe.admin import ReadOnlyMixin
from workers import jobs
from workers.models import Job, JobState, Notification


@admin.register(Job)
class JobAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "pk", "kind", "target_type", "target_id", "state", "progress_done", "progress_total",
        "attempts", "created_by", "created_at", "heartbeat_at", "finished_at",
    ]  # fmt: skip
    list_filter = ["state", "kind"]
    search_fields = ["key", "celery_task_id", "error"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.action(description=_("Relancer les travaux en échec"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        retried = sum(jobs.retry_failed(job) for job in queryset.filter(state=JobState.FAILED))
        self.message_user(request, _("%d travail(s) relancé(s).") % retried, messages.SUCCESS)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("workers.change_job"))


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "recipient", "subject", "created_at", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["key", "recipient__email", "subject"]
    raw_id_fields = ["recipient", "transition", "job"]

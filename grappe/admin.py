"""What every app's administration shares."""


class ReadOnlyMixin:
    """For records nobody edits in the administration (histories, build records, jobs,
    e-mails sent): they are listed and read, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

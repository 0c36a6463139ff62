"""Erasing the documents built for bundles, when a member's personal data must go.

Called by the retention purge (``timerules.retention``): a package names every member,
so it goes with any one of them. The rows go in the caller's transaction; the caller
erases the returned files once that transaction has committed.
"""

from exports.models import DocumentBuild


def erase_bundle_documents(bundle_ids) -> list[str]:
    """Delete the builds of these bundles; return the stored names of their files."""
    builds = DocumentBuild.objects.filter(bundle_id__in=list(bundle_ids))
    names = [name for row in builds.values_list("pdf", "xlsx", "package") for name in row if name]
    # A queryset delete: the model refuses one-by-one deletion (the administration), not this.
    builds.delete()
    return names

"""Periodic housekeeping: erasing abandoned drafts (docs/rules.md#personal-data:
abandoned drafts are erased after 3 years). The retention period is ``DRAFT_RETENTION_DAYS``.

Each draft is erased in its own transaction together with the ``PurgedDraft`` row that
proves it, so a purge stopped anywhere (a killed worker) resumes where it stopped and
never records a draft twice.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from dossiers.models import (
    FundingRequest,
    PurgedDraft,
    RemovedDocument,
    RequestState,
    StoredFile,
    SupportingDocument,
)

logger = logging.getLogger(__name__)


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.DRAFT_RETENTION_DAYS)


def abandoned_drafts(*, now: datetime | None = None):
    """Drafts nobody has touched during the whole retention period."""
    cutoff = retention_cutoff(now)
    return FundingRequest.objects.filter(
        state=RequestState.DRAFT, updated_at__lt=cutoff, created_at__lt=cutoff
    )


def purge_abandoned_drafts(
    *,
    job=None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> dict:
    """Erase every abandoned draft with its documents; returns what was done."""
    cutoff = retention_cutoff(now)
    pks = list(abandoned_drafts(now=now).order_by("pk").values_list("pk", flat=True))
    earlier = PurgedDraft.objects.filter(job=job).count() if job is not None else 0
    total = earlier + len(pks)
    purged = skipped = 0
    if progress:
        progress(earlier, total)
    for position, pk in enumerate(pks, start=earlier + 1):
        if _purge_one(pk, cutoff=cutoff, job=job):
            purged += 1
        else:
            skipped += 1
        if progress:
            progress(position, total)
    return {"purged": earlier + purged, "skipped": skipped}


def _purge_one(pk: int, *, cutoff: datetime, job) -> bool:
    with transaction.atomic():
        draft = (
            FundingRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state=RequestState.DRAFT, updated_at__lt=cutoff)
            .first()
        )
        if draft is None:
            return False  # edited, submitted or erased since the list was made
        file_ids = list(draft.documents.values_list("stored_file_id", flat=True))
        # The documents removed from it (kept to be put back) go with it too.
        file_ids += draft.removed_documents.values_list("stored_file_id", flat=True)
        PurgedDraft.objects.create(
            reference=draft.reference,
            campaign_id=draft.campaign_id,
            draft_created_at=draft.created_at,
            draft_updated_at=draft.updated_at,
            documents_erased=len(file_ids),
            job=job,
        )
        try:
            with transaction.atomic():
                draft.delete()
                orphans = (
                    StoredFile.objects.filter(pk__in=file_ids)
                    .exclude(pk__in=SupportingDocument.objects.values("stored_file_id"))
                    .exclude(pk__in=RemovedDocument.objects.values("stored_file_id"))
                )
                names = [f.file.name for f in orphans]
                orphans.delete()
        except (ProtectedError, RestrictedError):
            logger.warning("Draft %s is still referenced: not erased", draft.reference)
            transaction.set_rollback(True)
            return False
        # The files go only once the rows are gone for good.
        transaction.on_commit(lambda: _erase_files(names))
    return True


def _erase_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not erase stored file %s", name, exc_info=True)

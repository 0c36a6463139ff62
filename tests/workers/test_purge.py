"""Abandoned drafts are erased after the retention period, with proof and without files."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from dossiers.maintenance import purge_abandoned_drafts
from dossiers.models import FundingRequest, PurgedDraft, StoredFile
from tests.factories import add_document, make_request
from tests.workers.helpers import old_drafts

pytestmark = pytest.mark.django_db


def age(request, *, years: int) -> None:
    long_ago = timezone.now() - timedelta(days=365 * years)
    FundingRequest.objects.filter(pk=request.pk).update(created_at=long_ago, updated_at=long_ago)


def test_a_draft_untouched_for_three_years_is_erased_with_its_files(
    django_capture_on_commit_callbacks,
):
    draft = make_request(complete=False)
    document = add_document(draft, "kbis")
    name = document.stored_file.file.name
    age(draft, years=4)

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_abandoned_drafts() == {"purged": 1, "skipped": 0}

    assert not FundingRequest.objects.filter(pk=draft.pk).exists()
    assert not StoredFile.objects.exists()
    assert not default_storage.exists(name)
    proof = PurgedDraft.objects.get()
    assert (proof.reference, proof.campaign, proof.documents_erased) == (
        draft.reference,
        draft.campaign,
        1,
    )


def test_recent_drafts_and_submitted_requests_are_kept():
    recent = make_request(complete=False)
    age(recent, years=2)
    submitted = make_request(complete=False)
    FundingRequest.objects.filter(pk=submitted.pk).update(state="submitted")
    age(submitted, years=5)

    assert purge_abandoned_drafts() == {"purged": 0, "skipped": 0}
    assert FundingRequest.objects.count() == 2


def test_the_retention_period_comes_from_the_settings(settings):
    settings.DRAFT_RETENTION_DAYS = 365
    draft = make_request(complete=False)
    age(draft, years=2)
    assert purge_abandoned_drafts()["purged"] == 1


def test_a_purge_resumed_after_a_crash_counts_what_it_already_did():
    old_drafts(3)
    from workers.models import Job

    job = Job.objects.create(kind=Job.Kind.PURGE_DRAFTS, key="purge_drafts")
    seen = []
    first = FundingRequest.objects.order_by("pk").first()
    PurgedDraft.objects.create(
        reference=first.reference,
        draft_created_at=first.created_at,
        draft_updated_at=first.updated_at,
        job=job,
    )
    first.delete()  # what the killed attempt had done

    result = purge_abandoned_drafts(job=job, progress=lambda done, total: seen.append(done))

    assert result == {"purged": 3, "skipped": 0}
    assert seen == [1, 2, 3]

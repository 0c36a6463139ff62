"""Zip bombs of every ZIP-based type an upload accepts are refused in bounded memory and
time, with a clear error, and never stored (docs/rules.md#zip-bombs)."""

import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import StoredFile
from dossiers.uploads import DOCX, ODS, ODT, XLSX, check_upload
from tests.hostile import files

pytestmark = pytest.mark.django_db
OFFICE_TYPES = [ODT, ODS, DOCX, XLSX]
# Memory the inspection may allocate at its peak, whatever the file announces.
PEAK_BYTES = 2 * 1024 * 1024


def refusal(name: str, data: bytes) -> tuple[ValidationError, int, float]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationError) as caught:
            check_upload(name, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return caught.value, peak, time.perf_counter() - started


@pytest.fixture(scope="module")
def review_odt() -> bytes:
    # The review's file: about 1 MB, its `mimetype` entry 1 000 MiB of zeros.
    return files.bomb(ODT, inflated_mib=1000)


def test_the_reviews_odt_bomb_is_refused_without_inflating_it(review_odt):
    assert len(review_odt) < 1_100_000
    error, peak, _ = refusal("x.odt", review_odt)

    assert error.code == "archive_refused"
    assert "« mimetype » se décompresse en 1000 Mo (au plus 64 Mo)" in error.messages[0]
    assert peak < PEAK_BYTES


@pytest.mark.parametrize("content_type", OFFICE_TYPES)
def test_a_bomb_of_every_office_type_is_refused(content_type):
    name = f"devis.{files.EXTENSION[content_type]}"
    error, peak, _ = refusal(name, files.bomb(content_type, inflated_mib=80))

    assert error.code == "archive_refused"
    assert f"Le fichier « {name} » est refusé" in error.messages[0]
    assert peak < PEAK_BYTES


@pytest.mark.parametrize("content_type", OFFICE_TYPES)
def test_an_entry_under_the_size_cap_but_compressed_like_a_bomb_is_refused(content_type):
    error, peak, _ = refusal(
        f"plan.{files.EXTENSION[content_type]}", files.bomb(content_type, inflated_mib=20)
    )

    assert error.code == "archive_refused"
    assert "taux de compression" in error.messages[0]
    assert peak < PEAK_BYTES


@pytest.mark.parametrize("content_type", OFFICE_TYPES)
def test_entries_each_under_the_caps_but_too_large_together_are_refused(content_type):
    error, peak, _ = refusal(f"a.{files.EXTENSION[content_type]}", files.spread_bomb(content_type))

    assert error.code == "archive_refused"
    assert "se décompresse en 180 Mo (au plus 128 Mo)" in error.messages[0]
    assert peak < PEAK_BYTES


@pytest.mark.parametrize("content_type", OFFICE_TYPES)
def test_an_entry_lying_about_its_size_is_caught_while_inflating(content_type):
    error, peak, elapsed = refusal(
        f"a.{files.EXTENSION[content_type]}", files.lying_bomb(content_type, inflated_mib=200)
    )

    assert error.code == "archive_refused"
    assert peak < PEAK_BYTES
    assert elapsed < 5  # inflation stops at the declared size, not after 200 MiB


@pytest.mark.parametrize("content_type", OFFICE_TYPES)
def test_a_directory_announcing_thousands_of_entries_is_refused_before_it_is_parsed(
    content_type,
):
    error, peak, _ = refusal(
        f"a.{files.EXTENSION[content_type]}", files.many_entries(content_type, 6000)
    )

    assert error.code == "archive_refused"
    assert "annonce 6002 éléments (au plus 5000)" in error.messages[0]
    assert peak < PEAK_BYTES


@pytest.mark.parametrize("content_type", OFFICE_TYPES)
def test_an_ordinary_document_of_every_office_type_is_still_accepted(content_type):
    data = files.office_file(content_type)
    assert check_upload(f"a.{files.EXTENSION[content_type]}", data) == content_type


@pytest.mark.parametrize("content_type", [ODT, DOCX])
def test_a_bomb_posted_to_the_documents_page_is_refused_and_never_stored(
    client, world, content_type
):
    client.force_login(world.users["sme_owner"])
    stored_before = StoredFile.objects.count()
    documents_before = world.request.documents.count()
    name = f"x.{files.EXTENSION[content_type]}"
    response = client.post(
        reverse("portals:documents", args=[world.request.reference]),
        {
            "version": world.request.version,
            "kind": "kbis",
            "issued_on": "2026-11-01",
            "file": SimpleUploadedFile(name, files.bomb(content_type, inflated_mib=100)),
        },
    )

    assert response.status_code == 200
    assert f"Le fichier « {name} » est refusé" in response.content.decode()
    assert StoredFile.objects.count() == stored_before
    assert world.request.documents.count() == documents_before

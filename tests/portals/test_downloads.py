"""Documents and the receipt are streamed only to who may see the request."""

import pytest
from django.urls import reverse

from tests.factories import tiny_pdf

pytestmark = pytest.mark.django_db


def test_a_document_is_an_attachment_of_its_sniffed_type(client, world):
    client.force_login(world.users["sme_owner"])
    response = client.get(
        reverse("portals:document_download", args=[world.request.reference, world.document.pk])
    )
    body = b"".join(response.streaming_content)  # read to the end: the file is closed
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert world.document.stored_file.original_name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body.startswith(b"%PDF")


def test_another_sme_gets_a_404_for_the_same_document(client, world):
    client.force_login(world.users["other_sme"])
    response = client.get(
        reverse("portals:document_download", args=[world.request.reference, world.document.pk])
    )
    assert response.status_code == 404


def test_a_document_of_another_request_is_a_404_even_with_a_visible_reference(client, world):
    from dossiers.models import SupportingDocument

    foreign = SupportingDocument.objects.exclude(request=world.request).first()
    client.force_login(world.users["sme_owner"])
    response = client.get(
        reverse("portals:document_download", args=[world.request.reference, foreign.pk])
    )
    assert response.status_code == 404


def test_an_upload_is_checked_by_its_content(client, world):
    client.force_login(world.users["sme_owner"])
    url = reverse("portals:documents", args=[world.request.reference])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("kbis.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        url,
        {"version": world.request.version, "kind": "kbis", "issued_on": "2026-11-01", "file": fake},
    )
    assert response.status_code == 200
    assert "type accepté" in response.content.decode()
    good = SimpleUploadedFile("kbis.pdf", tiny_pdf("Kbis"), content_type="application/pdf")
    response = client.post(
        url,
        {"version": world.request.version, "kind": "kbis", "issued_on": "2026-11-01", "file": good},
    )
    assert response.status_code == 302
    assert world.request.documents.filter(kind="kbis").count() == 2


def test_the_deposit_receipt_is_a_pdf(client, world):
    client.force_login(world.users["sme_owner"])
    response = client.get(reverse("portals:receipt", args=[world.request.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_a_draft_has_no_receipt(client):
    from tests.factories import make_request

    draft = make_request(complete=False)
    client.force_login(draft.enterprise.representatives.get())
    assert client.get(reverse("portals:receipt", args=[draft.reference])).status_code == 404

"""The built documents are downloaded only by who works on the bundle; the deposit receipt
by who may see the request, once it has been submitted."""

import hashlib
import io
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dossiers.workflow import perform
from exports.build import build_bundle_documents
from grouping.bundles import submit_bundle
from tests.exports.bundles import sealed_bundle
from tests.factories import UserFactory, make_request
from tests.grouping.builders import analyst_of

pytestmark = pytest.mark.django_db

PARTS = {
    "exports:bundle_package": ("paquet.zip", "application/zip"),
    "exports:bundle_dossier": ("dossier.pdf", "application/pdf"),
    "exports:bundle_annex": (
        "annexe.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@pytest.fixture(autouse=True)
def _static_root():
    # WhiteNoise warns (an error here) when STATIC_ROOT does not exist yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def world():
    world = sealed_bundle(2)
    world.build = build_bundle_documents(world.bundle)
    return world


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user, name: str, bundle):
    response = client_of(user).get(reverse(name, args=[bundle.reference]))
    # Read a streamed file to its end: the test client then closes it as a server would
    # (response.close() would also end the request and close the test's connection).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize("name", PARTS)
def test_the_lead_federation_downloads_each_part_as_an_attachment(world, name):
    response, body = get(world.officer, name, world.bundle)

    suffix, content_type = PARTS[name]
    part = {"paquet.zip": "package", "dossier.pdf": "pdf", "annexe.xlsx": "xlsx"}[suffix]
    _, sha256, size = world.build.files()[part]
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="{world.bundle.reference}-{suffix}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["ETag"] == f'"{sha256}"'
    assert (hashlib.sha256(body).hexdigest(), len(body)) == (sha256, size)


def test_the_funder_downloads_the_package_once_the_bundle_is_sent_to_it(world):
    analyst = analyst_of(world.bundle.funder)
    assert get(analyst, "exports:bundle_package", world.bundle)[0].status_code == 404

    submit_bundle(world.bundle, actor=world.officer)

    response, body = get(analyst, "exports:bundle_package", world.bundle)
    assert response.status_code == 200
    assert hashlib.sha256(body).hexdigest() == world.build.package_sha256


@pytest.mark.parametrize("name", PARTS)
def test_a_member_sme_gets_a_404_for_the_other_members_documents(world, name):
    representative = world.requests[0].enterprise.representatives.get()
    submit_bundle(world.bundle, actor=world.officer)

    assert get(representative, name, world.bundle)[0].status_code == 404


def test_another_federation_or_funder_gets_a_404(world):
    submit_bundle(world.bundle, actor=world.officer)
    for stranger in (UserFactory(officer=True), UserFactory(funder=True)):
        assert get(stranger, "exports:bundle_package", world.bundle)[0].status_code == 404


def test_staff_download_and_anonymous_visitors_are_sent_to_log_in(world):
    staff = UserFactory(is_staff=True, officer=True)
    assert get(staff, "exports:bundle_dossier", world.bundle)[0].status_code == 200

    response, _ = get(None, "exports:bundle_package", world.bundle)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portals:login"))


def test_a_bundle_without_documents_yet_is_a_404():
    world = sealed_bundle(2)

    assert get(world.officer, "exports:bundle_package", world.bundle)[0].status_code == 404


def test_an_unknown_bundle_is_a_404(world):
    response = client_of(world.officer).get(reverse("exports:bundle_package", args=["GRP-NONE"]))
    assert response.status_code == 404


# --- The SME's deposit receipt (portals:receipt) ----------------------------------------


def test_a_submitted_request_has_its_deposit_receipt():
    request = make_request()
    owner = request.enterprise.representatives.get()
    perform(request, "submit", actor=owner)

    response = client_of(owner).get(reverse("portals:receipt", args=[request.reference]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert request.reference in text
    assert "Accusé de dépôt" in text


def test_a_draft_has_no_receipt_and_another_smes_request_is_a_404():
    draft = make_request(complete=False)
    submitted = make_request()
    perform(submitted, "submit", actor=submitted.enterprise.representatives.get())
    owner = draft.enterprise.representatives.get()

    assert (
        client_of(owner).get(reverse("portals:receipt", args=[draft.reference])).status_code == 404
    )
    assert (
        client_of(owner).get(reverse("portals:receipt", args=[submitted.reference])).status_code
        == 404
    )

"""The administration shows the builds, read-only, without links into the private storage."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from exports.build import build_bundle_documents
from tests.exports.bundles import sealed_bundle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_root():
    # WhiteNoise warns (an error here) when STATIC_ROOT does not exist yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def test_staff_read_a_build_with_its_hashes_and_cannot_change_it(client):
    build = build_bundle_documents(sealed_bundle(2).bundle)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, officer=True))

    listing = client.get(reverse("admin:exports_documentbuild_changelist"))
    page = client.get(reverse("admin:exports_documentbuild_change", args=[build.pk]))

    assert listing.status_code == 200
    assert build.bundle.reference in listing.content.decode()
    assert page.status_code == 200
    content = page.content.decode()
    assert build.package_sha256 in content
    assert build.package.name in content
    assert 'name="_save"' not in content
    delete = client.post(reverse("admin:exports_documentbuild_delete", args=[build.pk]))
    assert delete.status_code == 403

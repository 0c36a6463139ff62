"""Request bodies are bounded before they are read (docs/rules.md#request-bodies)."""

import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import override_settings
from django.urls import reverse

from dossiers import request_parts

pytestmark = pytest.mark.django_db
THREE_HUNDRED_MB = str(300 * 1024 * 1024)


class Untouchable(io.BytesIO):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_page_post_announcing_300_mb_is_refused_before_its_body_is_read(client, world):
    client.force_login(world.users["sme_owner"])
    response = client.generic(
        "POST",
        reverse("portals:documents", args=[world.request.reference]),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=THREE_HUNDRED_MB,
        **{"wsgi.input": Untouchable()},
    )

    assert response.status_code == 413
    assert "Requête trop volumineuse : 314572800 octets" in response.content.decode()


def test_an_api_post_announcing_300_mb_is_refused_in_the_apis_shape(client):
    response = client.generic(
        "POST",
        "/api/v1/requests/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH=THREE_HUNDRED_MB,
        **{"wsgi.input": Untouchable()},
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_malformed_content_length_is_a_400(client):
    response = client.generic("POST", "/api/v1/requests/", b"", CONTENT_LENGTH="-5")
    assert response.status_code == 400


def test_a_body_at_the_limit_goes_through(client, world):
    client.force_login(world.users["sme_owner"])
    response = client.generic(
        "POST",
        reverse("portals:documents", args=[world.request.reference]),
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES),
        **{"wsgi.input": io.BytesIO(b"kind=kbis")},
    )

    assert response.status_code != 413


def test_an_upload_above_a_quarter_megabyte_streams_to_a_temporary_file(client, world):
    seen = []
    original = request_parts.store_upload

    def spy(name, data, **kwargs):
        seen.append(type(data))
        return original(name, data, **kwargs)

    client.force_login(world.users["sme_owner"])
    pdf = b"%PDF-1.4\n" + b"0" * (300 * 1024) + b"\n%%EOF\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(request_parts, "store_upload", spy)
        response = client.post(
            reverse("portals:documents", args=[world.request.reference]),
            {
                "version": world.request.version,
                "kind": "kbis",
                "issued_on": "2026-11-01",
                "file": SimpleUploadedFile("kbis.pdf", pdf),
            },
        )

    assert response.status_code == 302
    assert seen == [TemporaryUploadedFile]


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_the_size_limit_is_checked_on_the_file_without_reading_it_whole(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        request_parts.add_document(
            world.request,
            actor=world.users["sme_owner"],
            kind="kbis",
            name="kbis.pdf",
            data=io.BytesIO(b"%PDF-1.4\n" + b"0" * 4096),
            issued_on=date.today() - timedelta(days=10),
        )
    assert caught.value.code == "file_too_large"

"""Lists are paginated with an opaque cursor, newest first."""

import pytest

from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_a_cursor_walks_every_request_once(fed, campaign):
    made = [make_request(campaign=campaign, complete=False) for _ in range(5)]

    seen, url, pages = [], "/api/v1/requests/?page_size=2", 0
    while url:
        body = fed.get(url).json()
        seen += [r["reference"] for r in body["results"]]
        url, pages = body["next"], pages + 1

    assert pages == 3
    assert seen == [r.reference for r in reversed(made)]


def test_a_forged_cursor_is_a_404_in_the_error_shape(fed):
    response = fed.get("/api/v1/requests/", {"cursor": "forged"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"

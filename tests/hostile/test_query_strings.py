"""Malformed query strings and odd paths get the API's JSON errors, never a silent default
or Django's HTML page."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "submitted_before=",
        "submitted_after=",
        "state=",
        "campaign=",
        "decided_before=demain",
        "page_size=null",
        "page_size=0",
        "page_size=-1",
        "page_size=201",
        "page_size=1e3",
        "page_size=%EF%BC%95",  # a full-width digit five
    ],
)
def test_a_bad_or_empty_parameter_is_a_400_naming_it(bank, query):
    response = bank.get(f"/api/v1/bundles/?{query}")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["field"] == query.split("=")[0]


def test_an_empty_filter_on_requests_is_a_400_too(fed):
    assert fed.get("/api/v1/requests/?created_before=").status_code == 400


def test_a_good_page_size_still_pages(bank):
    assert bank.get("/api/v1/bundles/?page_size=5").status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/x%0Ay/", "/api/%0A", "/api/v1/bundles%0A/", "/api/v1/%0D%0Ax"]
)
def test_an_api_path_with_a_line_break_is_the_apis_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"

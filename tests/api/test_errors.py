"""Every error has the same JSON shape, and unknown addresses under /api/ are JSON 404s."""

import pytest

pytestmark = pytest.mark.django_db


def _assert_shape(body: dict) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["details"], list)


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v2/requests/", "/api/"])
def test_an_unknown_address_is_a_json_404(fed, path):
    response = fed.get(path)

    assert response.status_code == 404
    _assert_shape(response.json())


def test_a_wrong_method_is_a_405(fed):
    response = fed.delete("/api/v1/me/")

    assert response.status_code == 405
    _assert_shape(response.json())
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_malformed_json_is_a_400(fed):
    response = fed.client.post(
        "/api/v1/requests/",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {fed.raw}"},
    )

    assert response.status_code == 400
    _assert_shape(response.json())
    assert response.json()["error"]["code"] == "parse_error"


def test_validation_errors_list_field_paths(fed, campaign):
    response = fed.post("/api/v1/requests/", {"campaign": campaign.reference})

    _assert_shape(response.json())
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"enterprise", "project_category", "project_title"} <= fields

"""Each token has its own request budget; beyond it, 429 with Retry-After."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_token_over_its_budget_gets_429_with_retry_after(fed, bank, settings):
    settings.API_RATE_LIMIT = "3/minute"

    answers = [fed.get("/api/v1/me/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = fed.get("/api/v1/me/")
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another token keeps its own budget.
    assert bank.get("/api/v1/me/").status_code == 200


def test_the_schema_and_its_documentation_are_not_counted(anonymous, settings):
    settings.API_RATE_LIMIT = "1/minute"

    assert [anonymous.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 200]

"""Shared fixtures. Tests that need a real service ask for it through a fixture here.

Locally, a test whose service is not configured is skipped with the reason. With
REQUIRE_SERVICES=1 (set by CI for its PostgreSQL pass) a missing service fails the run:
in CI a missing service is a failure, never a silent skip.
"""

import os

import pytest
from django.db import connection


def _missing(what: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {what}")
    pytest.skip(what)


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        _missing("this test needs PostgreSQL: set DATABASE_URL=postgresql://…")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _missing("this test needs Redis: set REDIS_URL=redis://…")
    return url

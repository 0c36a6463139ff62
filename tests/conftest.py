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


def pytest_collection_modifyitems(items):
    # A transactional test ends with a flush that also empties what the migrations loaded
    # (the scheme parameters, content types). Serialized rollback restores it; mixing
    # serialized and plain transactional tests makes the restore collide with the content
    # types the flush re-creates. So every transactional test is serialized, whoever wrote it.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)

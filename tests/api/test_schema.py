"""The OpenAPI description is served, documented without a CDN, and holds against
property-based testing (schemathesis): no request it allows makes the server fail, and
every answer matches the description."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks

from api.tokens import issue_token
from grappe.wsgi import application
from tests.factories import make_request

pytestmark = pytest.mark.django_db

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


def test_the_schema_is_public_and_describes_the_v1_api(anonymous):
    response = anonymous.get("/api/schema/", headers={"Accept": "application/json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/bundles/{reference}/members/{request_reference}/decision/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_use_no_cdn(anonymous, path):
    page = anonymous.get(path).content.decode()

    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page


# Loaded once, from the application itself (no server, no network).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def offline_webhooks(settings, monkeypatch):
    """No webhook target is resolved or called: every name "resolves" to a public
    documentation address, and connecting is refused."""
    monkeypatch.setattr("webhooks.targets.resolve", lambda host, port: ["93.184.215.14"])

    def no_network(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr("webhooks.delivery.socket.create_connection", no_network)


@pytest.fixture
def keep_test_connection():
    """Requests go straight to the WSGI application, not through Django's test client:
    stop it closing the test's database connection (in a transaction) after each one,
    as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fed_token(campaign, settings, offline_webhooks, keep_test_connection):
    settings.API_RATE_LIMIT = "100000/minute"  # the throttle has its own test
    make_request(campaign=campaign, complete=False)
    _, raw = issue_token(organisation=campaign.federation, name="Fuzz", scopes=["write"])
    return raw


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_the_schema_allows_breaks_the_api(case, fed_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {fed_token}"}, checks=CHECKS)

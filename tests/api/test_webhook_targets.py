"""No SSRF: private, loopback, link-local and reserved targets are refused, when the URL is
registered and again at delivery (DNS rebinding). These tests only resolve addresses;
nothing ever connects to a private range."""

import socket

import pytest

from webhooks import targets
from webhooks.delivery import attempt_delivery
from webhooks.endpoints import register_endpoint
from webhooks.models import WebhookDelivery
from webhooks.targets import UnsafeTarget, check_url

PUBLIC = "93.184.215.14"


def fake_dns(monkeypatch, *addresses: str):
    """Make every name resolve to ``addresses`` (no real DNS query)."""

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port),
            )
            for a in addresses
        ]

    monkeypatch.setattr(targets.socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://127.8.9.10:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://224.0.0.1/hook",
        "http://240.0.0.1/hook",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(url):
    with pytest.raises(UnsafeTarget):
        check_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "gopher://example.org/",
        "http://user:secret@example.org/hook",
        "http:///hook",
        "http://example.org:99999/hook",
    ],
)
def test_other_schemes_credentials_and_broken_urls_are_refused(url):
    with pytest.raises(UnsafeTarget):
        check_url(url, allow_private=False)


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    fake_dns(monkeypatch, PUBLIC, "10.0.0.7")

    with pytest.raises(UnsafeTarget, match="10.0.0.7"):
        check_url("https://hooks.example.org/grappe", allow_private=False)


def test_a_public_name_is_accepted_with_its_checked_addresses(monkeypatch):
    fake_dns(monkeypatch, PUBLIC)

    target = check_url("https://hooks.example.org/grappe?x=1", allow_private=False)

    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.org", 443)
    assert target.path == "/grappe?x=1"
    assert target.addresses == (PUBLIC,)


def test_the_setting_allows_private_targets_for_development(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True

    assert check_url("http://127.0.0.1:8000/hook").addresses == ("127.0.0.1",)


@pytest.mark.django_db
def test_registering_a_private_target_through_the_api_is_a_400(fed):
    response = fed.post(
        "/api/v1/webhooks/", {"url": "http://169.254.169.254/", "events": ["bundle.sent"]}
    )

    assert response.status_code == 400
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == "url"
    assert "169.254.169.254" in detail["message"]


@pytest.mark.django_db
def test_a_name_rebound_to_a_private_address_is_refused_at_delivery(
    monkeypatch, federation, settings
):
    fake_dns(monkeypatch, PUBLIC)
    endpoint, _ = register_endpoint(
        organisation=federation,
        url="https://hooks.example.org/grappe",
        events=["request.state_changed"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="request.state_changed",
        event_id="6f1d4e3a-0000-4000-8000-000000000001",
        payload={"type": "request.state_changed"},
    )
    fake_dns(monkeypatch, "10.0.0.7")  # the name now points inside

    def no_connection(*args, **kwargs):
        raise AssertionError("a refused target must never be connected to")

    monkeypatch.setattr(socket, "create_connection", no_connection)

    outcome = attempt_delivery(delivery.pk)

    delivery.refresh_from_db()
    assert outcome.status == "retrying"
    assert "10.0.0.7" in delivery.error
    assert delivery.response_code is None

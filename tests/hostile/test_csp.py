"""HTML pages carry a Content-Security-Policy without inline scripts or styles, and the
pages themselves hold none (docs/rules.md#content-security-policy)."""

import re

import pytest
from django.urls import reverse

from tests.portals.conftest import submitted_bundle

pytestmark = pytest.mark.django_db
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # onclick=, onload=…
]


def inline_parts(html: str) -> list[str]:
    return [match.group(0) for pattern in INLINE for match in pattern.finditer(html)]


def check(response) -> str:
    assert response.status_code == 200, response.status_code
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert inline_parts(html) == []
    return html


def test_the_portals_pages_carry_the_policy_and_nothing_inline(client, world):
    check(client.get(reverse("portals:login")))
    submitted_bundle(world)
    pages = {
        "sme_owner": [
            reverse("portals:request_list"),
            reverse("portals:request_detail", args=[world.request.reference]),
            reverse("portals:documents", args=[world.request.reference]),
        ],
        "fed_officer": [
            reverse("portals:federation_requests"),
            reverse("portals:campaign_dashboard", args=[world.request.campaign.reference]),
        ],
        "funder": [reverse("portals:funder_home")],
    }
    for role, urls in pages.items():
        visitor = world.client(role)
        for url in urls:
            check(visitor.get(url))


def test_the_dashboard_bars_keep_their_width_through_a_class(client, world):
    html = check(
        world.client("fed_officer").get(
            reverse("portals:campaign_dashboard", args=[world.request.campaign.reference])
        )
    )
    assert re.search(r'class="w-\d{1,3}"', html)


def test_the_api_documentation_pages_run_no_inline_script(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert not INLINE[0].search(response.content.decode())


def test_json_answers_carry_no_page_policy(client):
    assert "Content-Security-Policy" not in client.get("/api/v1/me/")

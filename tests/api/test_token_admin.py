"""Administrators issue tokens (the secret shown once, on the page) and revoke them."""

import pytest

from api.models import ApiToken
from api.tokens import digest, issue_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_issuing_a_token_shows_its_secret_once(admin_client, federation, campaign):
    response = admin_client.post(
        "/admin/api/apitoken/add/",
        {
            "organisation": federation.pk,
            "name": "Intégration SI",
            "scopes": ["read", "write"],
            "campaigns": [campaign.pk],
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )

    assert response.status_code == 200, response.content[:2000]
    token = ApiToken.objects.get(name="Intégration SI")
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert token.secret_sha256 == digest(secret)
    assert list(token.campaigns.all()) == [campaign]
    assert token.created_by.username == "admin"
    # The change page never shows it again.
    page = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret not in page


def test_the_revoke_action_revokes(admin_client, federation):
    token, _ = issue_token(organisation=federation, name="SI", scopes=["read"])

    admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by.username == "admin"

"""Tokens: shown once, stored hashed, expire, can be revoked, carry scopes and campaigns."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.tokens import issue_token, revoke_token
from tests.api import payloads
from tests.api.conftest import caller
from tests.factories import CampaignFactory, make_request

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_only_a_digest_of_the_secret_is_stored(federation):
    token, raw = issue_token(organisation=federation, name="SI", scopes=["read"])

    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith(f"grp_{stored.prefix}_")
    assert len(raw) > 40
    assert stored.secret_sha256 == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(stored.__dict__)


def test_each_token_acts_as_its_own_service_user_that_cannot_log_in(federation, funder):
    fed_token, _ = issue_token(organisation=federation, name="SI", scopes=["read"])
    bank_token, _ = issue_token(organisation=funder, name="SI", scopes=["read"])

    user = fed_token.service_user
    assert user.organisation == federation
    assert user.is_federation_member and not user.is_staff
    assert not user.is_active and not user.has_usable_password()
    assert user.get_full_name() == "API « SI »"
    assert bank_token.service_user.is_funder_member


def test_write_implies_read_and_unknown_scopes_are_refused(federation):
    token, _ = issue_token(organisation=federation, name="SI", scopes=["write"])
    assert token.scopes == ["read", "write"]
    with pytest.raises(ValueError):
        issue_token(organisation=federation, name="SI", scopes=["admin"])


def test_a_token_cannot_be_restricted_to_another_organisations_campaign(federation, other_campaign):
    with pytest.raises(ValueError):
        issue_token(organisation=federation, name="SI", scopes=["read"], campaigns=[other_campaign])


def test_the_token_describes_itself(fed, federation):
    response = fed.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "name": "SI",
        "prefix": fed.token.prefix,
        "organisation": federation.name,
        "organisation_kind": "federation",
        "scopes": ["read", "write"],
        "campaigns": [],
        "expires_at": None,
    }


def test_no_token_is_a_401_with_a_bearer_challenge(anonymous):
    response = anonymous.get(ME)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    ["Bearer grp_unknown0_secret", "Bearer nonsense", "Bearer a b", "Bearer"],
)
def test_an_unknown_or_malformed_token_is_a_401(anonymous, header):
    response = anonymous.get(ME, headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_right_prefix_with_a_wrong_secret_is_a_401(fed):
    forged = fed.raw[:-4] + "AAAA"
    response = caller((fed.token, forged)).get(ME)

    assert response.status_code == 401


def test_a_revoked_token_is_a_401_at_once(fed):
    assert fed.get(ME).status_code == 200

    assert revoke_token(fed.token) is True
    assert revoke_token(fed.token) is False

    response = fed.get(ME)
    assert response.status_code == 401
    assert "révoqué" in response.json()["error"]["message"]


def test_an_expired_token_is_a_401(federation):
    past = timezone.now() - timedelta(minutes=1)
    expired = caller(issue_token(organisation=federation, name="Ancien", scopes=["read"]))
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=past)

    assert expired.get(ME).status_code == 401


def test_use_is_recorded(fed):
    fed.get(ME)

    fed.token.refresh_from_db()
    assert fed.token.last_used_at is not None


def test_a_read_token_cannot_post(fed_read_only, campaign):
    response = fed_read_only.post("/api/v1/requests/", payloads.prefill(campaign))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_a_campaign_restricted_token_sees_and_writes_only_its_campaigns(federation, campaign):
    elsewhere = CampaignFactory(federation=federation)
    mine = make_request(campaign=campaign)
    theirs = make_request(campaign=elsewhere)
    restricted = caller(
        issue_token(
            organisation=federation, name="Campagne", scopes=["write"], campaigns=[campaign]
        )
    )

    listed = restricted.get("/api/v1/requests/").json()["results"]
    campaigns = restricted.get("/api/v1/campaigns/").json()["results"]

    assert [r["reference"] for r in listed] == [mine.reference]
    assert [c["reference"] for c in campaigns] == [campaign.reference]
    assert restricted.get(f"/api/v1/requests/{theirs.reference}/").status_code == 404
    refused = restricted.post("/api/v1/requests/", payloads.prefill(elsewhere))
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0]["field"] == "campaign"
    assert restricted.post("/api/v1/requests/", payloads.prefill(campaign)).status_code == 201

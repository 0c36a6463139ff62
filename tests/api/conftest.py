"""Fixtures of the API tests: two federations, a funder, their tokens, a JSON client."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.tokens import issue_token
from tests.factories import CampaignFactory, FederationFactory, FunderFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; ids are reused between tests on SQLite.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Caller:
    """A JSON client bound to one token (or none)."""

    client: APIClient
    token: object = None
    raw: str = ""

    def _headers(self, headers):
        out = dict(headers or {})
        if self.raw:
            out.setdefault("Authorization", f"Bearer {self.raw}")
        return out

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params, headers=self._headers(headers))

    def post(self, path, data=None, headers=None):
        return self.client.post(path, data, format="json", headers=self._headers(headers))

    def patch(self, path, data=None, headers=None):
        return self.client.patch(path, data, format="json", headers=self._headers(headers))

    def delete(self, path, headers=None):
        return self.client.delete(path, headers=self._headers(headers))


def caller(token_and_raw=None) -> Caller:
    if token_and_raw is None:
        return Caller(APIClient())
    token, raw = token_and_raw
    return Caller(APIClient(), token, raw)


@pytest.fixture
def federation(db):
    return FederationFactory(name="Fédération du bâtiment de la Creuse")


@pytest.fixture
def other_federation(db):
    return FederationFactory(name="Union des boulangers du Cher")


@pytest.fixture
def funder(db):
    return FunderFactory(name="Banque coopérative du Limousin")


@pytest.fixture
def other_funder(db):
    return FunderFactory(name="Caisse régionale d'Auvergne")


@pytest.fixture
def campaign(federation, funder):
    return CampaignFactory(federation=federation, funders=[funder])


@pytest.fixture
def other_campaign(other_federation, other_funder):
    return CampaignFactory(federation=other_federation, funders=[other_funder])


@pytest.fixture
def fed(federation):
    return caller(issue_token(organisation=federation, name="SI", scopes=["read", "write"]))


@pytest.fixture
def fed_read_only(federation):
    return caller(issue_token(organisation=federation, name="Lecture", scopes=["read"]))


@pytest.fixture
def other_fed(other_federation):
    return caller(issue_token(organisation=other_federation, name="SI", scopes=["read", "write"]))


@pytest.fixture
def bank(funder):
    return caller(issue_token(organisation=funder, name="Back-office", scopes=["read", "write"]))


@pytest.fixture
def other_bank(other_funder):
    return caller(
        issue_token(organisation=other_funder, name="Back-office", scopes=["read", "write"])
    )


@pytest.fixture
def anonymous(db):
    return caller()


@pytest.fixture
def receiver(settings):
    """A live receiver on 127.0.0.1, which webhooks may reach only in this fixture."""
    from tests.api import receiver as live

    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    found, server = live.start()
    yield found
    server.shutdown()
    server.server_close()

"""The API's rate limit holds under 32 concurrent clients of one token, counted in Redis
or in process alike (docs/rules.md#api-rate-limit)."""

import pytest

from api.tokens import issue_token
from tests.factories import FederationFactory
from tests.hostile.concurrency import hammer

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = 150


def flood(live_server, settings) -> tuple[int, int]:
    settings.API_RATE_LIMIT = f"{LIMIT}/minute"
    _, raw = issue_token(organisation=FederationFactory(), name="SI", scopes=["read"])
    statuses = hammer(
        live_server.url,
        "/api/v1/me/",
        clients=32,
        each=10,
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert set(statuses) <= {200, 429}, statuses
    return statuses[200], statuses[429]


def test_32_clients_of_one_token_get_at_most_the_limit_in_process(live_server, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    accepted, refused = flood(live_server, settings)

    assert accepted == LIMIT
    assert refused == 32 * 10 - LIMIT


@pytest.mark.services
def test_32_clients_of_one_token_get_at_most_the_limit_counted_in_redis(
    live_server, settings, redis_url
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "hostile-rate-limit",
        }
    }
    from django.core.cache import cache

    cache.clear()
    accepted, refused = flood(live_server, settings)
    cache.clear()

    assert accepted <= LIMIT * 1.01
    assert accepted == LIMIT
    assert refused == 32 * 10 - LIMIT

"""A password spray from one address is blocked, and password hashing is capped in
concurrency (docs/rules.md#login-throttling)."""

import pytest
from django.urls import reverse

from portals import login_guard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_counters():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def login(client, username: str, password: str = "pas-le-bon", address: str = "203.0.113.7"):  # noqa: S107
    return client.post(
        reverse("portals:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_a_spray_over_40_users_from_one_address_is_blocked(client, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 20
    users = [UserFactory(username=f"person{i}") for i in range(40)]
    UserFactory(username="victim", password="Le-bon-mot-de-passe-1")

    answers = [login(client, user.username).status_code for user in users]

    assert answers[:20] == [200] * 20  # the form again, with its error
    assert set(answers[20:]) == {429}
    blocked = login(client, "victim", "Le-bon-mot-de-passe-1")
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion ont échoué depuis votre adresse" in (
        blocked.content.decode()
    )
    assert int(blocked["Retry-After"]) == 15 * 60
    # Another address is not concerned.
    other = login(client, "victim", "Le-bon-mot-de-passe-1", address="198.51.100.4")
    assert other.status_code == 302


def test_a_login_finding_every_hashing_slot_taken_is_a_503_without_hashing(client, settings):
    settings.LOGIN_HASH_CONCURRENCY = 1
    settings.LOGIN_HASH_WAIT_SECONDS = 0
    UserFactory(username="claire", password="Le-bon-mot-de-passe-1")

    with login_guard.hashing_slot() as held:
        assert held
        busy = login(client, "claire", "Le-bon-mot-de-passe-1")
    after = login(client, "claire", "Le-bon-mot-de-passe-1")

    assert busy.status_code == 503
    assert "Trop de connexions sont en cours" in busy.content.decode()
    assert after.status_code == 302

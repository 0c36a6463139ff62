"""Signing in, the lock-out after repeated failures, each role's home, French formats."""

from decimal import Decimal

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "grappe-demo-2026"


def test_a_person_signs_in_and_lands_in_their_space(client):
    officer = UserFactory(officer=True)
    response = client.post(
        reverse("portals:login"), {"username": officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("portals:federation_requests")


@pytest.mark.parametrize(
    ("traits", "space"),
    [
        ({}, "portals:request_list"),
        ({"officer": True}, "portals:federation_requests"),
        ({"manager": True}, "portals:federation_requests"),
        ({"funder": True}, "portals:funder_home"),
        ({"is_staff": True}, "portals:federation_requests"),
    ],
)
def test_home_sends_each_role_to_its_space(client, traits, space):
    client.force_login(UserFactory(**traits))
    assert client.get("/").url == reverse(space)


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    sme = UserFactory()
    url = reverse("portals:login")
    for _ in range(4):
        response = client.post(url, {"username": sme.username, "password": "wrong"})
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    response = client.post(url, {"username": sme.username, "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": sme.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()


def test_a_success_before_the_limit_resets_the_count(client):
    sme = UserFactory()
    url = reverse("portals:login")
    for _ in range(4):
        client.post(url, {"username": sme.username, "password": "wrong"})
    assert client.post(url, {"username": sme.username, "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        assert client.post(url, {"username": sme.username, "password": "x"}).status_code == 200


def test_a_password_reset_mails_a_link_to_a_known_address(client):
    sme = UserFactory(email="claire@example.org")
    response = client.post(reverse("portals:password_reset"), {"email": "claire@example.org"})
    assert response.url == reverse("portals:password_reset_done")
    assert mail.outbox[0].to == [sme.email]
    assert "/mot-de-passe/" in mail.outbox[0].body


def test_logout_is_a_post_and_lands_on_the_login_page(client):
    client.force_login(UserFactory())
    response = client.post(reverse("portals:logout"))
    assert response.url == reverse("portals:login")
    assert client.get(reverse("portals:request_list")).status_code == 302


def test_amounts_and_dates_read_the_french_way():
    template = Template('{% load portals %}{{ amount|euros }} {{ day|date:"SHORT_DATE_FORMAT" }}')
    from datetime import date

    context = Context({"amount": Decimal("12500"), "day": date(2026, 11, 23)})
    with translation.override("fr"):
        assert template.render(context) == "12\xa0500,00\xa0€ 23/11/2026"


def test_every_page_has_a_skip_link_landmarks_and_a_language_switch(client):
    client.force_login(UserFactory(officer=True))
    text = client.get(reverse("portals:federation_requests")).content.decode()
    assert 'href="#contenu"' in text and '<main id="contenu"' in text
    assert "<header" in text and "<nav" in text and "<footer" in text
    assert 'action="/i18n/setlang/"' in text and 'lang="fr"' in text

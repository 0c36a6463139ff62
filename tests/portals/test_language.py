"""French first, English on request: the switch and a translated page."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_language_switch_turns_the_pages_into_english(client):
    client.force_login(UserFactory())
    url = reverse("portals:request_list")
    assert "Mes demandes de financement" in client.get(url).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.url == url
    text = client.get(url).content.decode()
    assert "My funding requests" in text and 'lang="en"' in text
    assert "Skip to content" in text

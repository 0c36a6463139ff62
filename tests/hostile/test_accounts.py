"""A deactivated account stays deactivated: invitations and password resets cannot revive
it, and deactivation ends its sessions (docs/rules.md#deactivated-accounts)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from dossiers.invitations import invite as invite_representative

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Un-mot-de-passe-solide-42"


def link(name: str, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(name, kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def set_password(client: Client, url: str):
    page = client.get(url, follow=True)
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else url,
        {
            "new_password1": "Un-mot-de-passe-solide-42",
            "new_password2": "Un-mot-de-passe-solide-42",
        },
    )


def deactivate(user: User) -> User:
    user.is_active = False
    user.save()
    user.refresh_from_db()
    return user


def test_an_invitation_link_sent_before_deactivation_does_not_revive_the_account(world):
    former = world.users["sme_owner"]
    url = link("portals:invitation_accept", former)  # requested while active
    deactivate(former)

    response = set_password(Client(), url)

    former.refresh_from_db()
    assert not former.is_active
    assert response.status_code == 200  # the page says the link is no longer valid
    assert "_auth_user_id" not in response.client.session


def test_a_password_reset_link_sent_before_deactivation_no_longer_works(world):
    former = world.users["sme_owner"]
    url = link("portals:password_reset_confirm", former)
    deactivate(former)

    set_password(Client(), url)

    former.refresh_from_db()
    assert not former.is_active
    assert not former.check_password(PASSWORD)


def test_a_deactivated_account_cannot_be_invited_again(world):
    former = deactivate(world.users["sme_owner"])

    with pytest.raises(ValidationError) as caught:
        invite_representative(
            funding_request=world.request,
            email=former.email,
            invited_by=world.users["fed_officer"],
            base_url="http://testserver",
        )
    assert caught.value.code == "account_deactivated"


def test_deactivation_ends_the_accounts_sessions_and_no_one_elses(world):
    former, colleague = world.users["sme_owner"], world.users["fed_officer"]
    signed_in = Client()
    signed_in.force_login(former)
    other = Client()
    other.force_login(colleague)
    assert Session.objects.count() == 2

    deactivate(former)

    assert Session.objects.count() == 1
    assert signed_in.get(reverse("portals:request_list")).status_code == 302
    assert other.get(reverse("portals:federation_requests")).status_code == 200


def test_an_administrator_may_still_reactivate_an_account(world):
    former = deactivate(world.users["sme_owner"])
    assert former.deactivated_at is not None

    former.is_active = True
    former.save()

    former.refresh_from_db()
    assert former.is_active and former.deactivated_at is None

"""A federation prefills a request and invites the SME's representative by e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from dossiers.models import FundingRequest
from tests.factories import (
    CampaignFactory,
    EnterpriseFactory,
    UserFactory,
    make_request,
    valid_siren,
    valid_siret,
)

pytestmark = pytest.mark.django_db


def prefill_data(campaign, email="gerante@boulangerie.example") -> dict:
    return {
        "campaign": campaign.pk,
        "email": email,
        "first_name": "Claire",
        "last_name": "Martin",
        "ent-name": "Boulangerie Martin",
        "ent-siret": valid_siret(valid_siren(515151)),
        "ent-legal_form": "SARL",
        "ent-creation_date": "2012-05-01",
        "ent-naf_code": "10.71C",
        "ent-departement": "23",
        "ent-headcount": "3",
        "ent-turnover": "300000",
        "ent-balance_sheet": "200000",
        "ent-sector": "general",
        "req-project_category": "website",
        "req-project_title": "Site vitrine",
    }


def test_prefill_creates_an_inactive_account_and_mails_a_one_time_link(
    client, django_capture_on_commit_callbacks
):
    officer = UserFactory(officer=True, first_name="Paul", last_name="Durand")
    campaign = CampaignFactory(federation=officer.organisation)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portals:prefill"), prefill_data(campaign))
    request = FundingRequest.objects.get()
    invited = User.objects.get(email="gerante@boulangerie.example")
    assert response.status_code == 302
    assert response.url == reverse("portals:review", args=[request.reference])
    assert not invited.is_active and not invited.has_usable_password()
    assert list(request.enterprise.representatives.all()) == [invited]
    assert request.created_by == officer and request.state == "draft"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gerante@boulangerie.example"]
    assert "Paul Durand" in message.body and "Boulangerie Martin" in message.body
    link = re.search(r"http://testserver(/invitation/\S+/)", message.body).group(1)

    # The link lets the person choose a password; the account is then active, signed in.
    client.logout()
    response = client.get(link, follow=True)
    assert "Activer mon compte" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Une phrase de passe 2026", "new_password2": "Une phrase de passe 2026"},
    )
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.is_active and invited.check_password("Une phrase de passe 2026")
    assert client.get(reverse("portals:request_list")).status_code == 200
    # The link was for one use only.
    assert "plus valable" in client.get(link, follow=True).content.decode()


def test_an_existing_sme_account_is_linked_and_told_without_a_new_password(
    client, django_capture_on_commit_callbacks
):
    request = make_request(complete=False)
    officer = UserFactory(officer=True, organisation=request.campaign.federation)
    known = UserFactory(email="deja@client.example")
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portals:invite", args=[request.reference]), {"email": "DEJA@client.example"}
        )
    assert response.status_code == 302
    assert known in request.enterprise.representatives.all()
    assert "/invitation/" not in mail.outbox[0].body
    assert "/connexion/" in mail.outbox[0].body


def test_a_federation_address_cannot_be_invited_as_an_sme(client):
    request = make_request(complete=False)
    officer = UserFactory(officer=True, organisation=request.campaign.federation)
    client.force_login(officer)
    response = client.post(
        reverse("portals:invite", args=[request.reference]), {"email": officer.email}
    )
    assert response.status_code == 200
    assert "compte de fédération ou de financeur" in response.content.decode()
    assert officer not in request.enterprise.representatives.all()


def test_nothing_is_sent_when_the_prefill_fails(client, django_capture_on_commit_callbacks):
    officer = UserFactory(officer=True)
    campaign = CampaignFactory(federation=officer.organisation)
    client.force_login(officer)
    data = prefill_data(campaign) | {"ent-departement": "20"}  # Corsica is 2A / 2B
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portals:prefill"), data)
    assert response.status_code == 200
    assert "n'est pas un département" in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.filter(email="gerante@boulangerie.example").exists()
    assert mail.outbox == []


def test_a_second_prefill_for_a_known_enterprise_reuses_it_as_the_api_does(
    client, django_capture_on_commit_callbacks
):
    officer = UserFactory(officer=True)
    campaign = CampaignFactory(federation=officer.organisation)
    # The same enterprise in another campaign (one request per undertaking and campaign).
    other_campaign = CampaignFactory(federation=officer.organisation)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portals:prefill"), prefill_data(campaign))
        again = prefill_data(other_campaign)
        again["ent-name"] = "Nom changé ici"
        response = client.post(reverse("portals:prefill"), again)

    assert response.status_code == 302
    first, second = FundingRequest.objects.order_by("pk")
    assert first.enterprise_id == second.enterprise_id
    assert second.enterprise.name == "Boulangerie Martin"  # the SME keeps its own record


def test_a_prefill_for_an_enterprise_registered_elsewhere_is_refused_on_its_siret(client):
    data_of_other = EnterpriseFactory()
    officer = UserFactory(officer=True)
    campaign = CampaignFactory(federation=officer.organisation)
    client.force_login(officer)
    data = prefill_data(campaign)
    data["ent-siret"] = data_of_other.siret

    response = client.post(reverse("portals:prefill"), data)

    assert response.status_code == 200
    assert "déjà enregistrée dans Grappe" in response.content.decode()
    assert not FundingRequest.objects.exists()

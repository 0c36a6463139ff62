"""Completing a request: clear field errors, nothing typed is lost, concurrent edits caught."""

import html
from datetime import date

import pytest
from django.urls import reverse

from dossiers.models import Enterprise, FundingRequest
from tests.factories import CampaignFactory, UserFactory, make_request, valid_siren, valid_siret

pytestmark = pytest.mark.django_db


def new_request_data(**overrides) -> dict:
    siren = valid_siren(424242)
    data = {
        "campaign": CampaignFactory().pk,
        "enterprise": "",
        "ent-name": "Boulangerie du Marché",
        "ent-siret": valid_siret(siren),
        "ent-legal_form": "SARL",
        "ent-creation_date": "2016-04-01",
        "ent-naf_code": "10.71C",
        "ent-departement": "23",
        "ent-headcount": "4",
        "ent-turnover": "450 000,00",
        "ent-balance_sheet": "300000",
        "ent-sector": "general",
        "req-project_category": "online_shop",
        "req-project_title": "Boutique en ligne",
        "req-project_description": "Commande en ligne et retrait en boutique.",
    }
    data.update(overrides)
    return data


def test_it_creates_a_request_and_the_enterprise_it_describes(client):
    sme = UserFactory()
    client.force_login(sme)
    response = client.post(reverse("portals:request_create"), new_request_data())
    created = FundingRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portals:request_detail", args=[created.reference])
    assert created.enterprise.name == "Boulangerie du Marché"
    assert created.enterprise.turnover == 450000
    assert list(created.enterprise.representatives.all()) == [sme]


def test_a_siret_typed_as_printed_on_the_kbis_is_stored_as_its_digits(client):
    client.force_login(UserFactory())
    siret = valid_siret(valid_siren(424242))
    printed = f"{siret[:3]} {siret[3:6]} {siret[6:9]}\u00a0{siret[9:]}"  # 17 characters

    response = client.post(
        reverse("portals:request_create"), new_request_data(**{"ent-siret": printed})
    )

    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert (enterprise.siret, enterprise.siren) == (siret, siret[:9])


def test_a_bad_siret_is_explained_next_to_the_field_and_nothing_typed_is_lost(client):
    client.force_login(UserFactory())
    data = new_request_data(**{"ent-siret": "12345678901234", "ent-naf_code": "99.99Z"})
    response = client.post(reverse("portals:request_create"), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert not FundingRequest.objects.exists() and not Enterprise.objects.exists()
    assert "clé de contrôle (Luhn)" in page
    assert "n'existe pas dans la nomenclature" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_ent-siret_helptext id_ent-siret_error"' in page
    assert 'id="id_ent-siret_error"' in page
    assert '<a href="#id_ent-siret">SIRET</a>' in page  # the summary links to the field
    # Everything typed comes back, including the fields that were right.
    assert 'value="Boulangerie du Marché"' in page
    assert 'value="12345678901234"' in page
    assert "Commande en ligne et retrait en boutique." in page


def test_an_existing_enterprise_can_be_chosen_instead(client):
    existing = make_request(complete=False)
    sme = existing.enterprise.representatives.get()
    client.force_login(sme)
    data = {
        "campaign": CampaignFactory().pk,
        "enterprise": existing.enterprise.pk,
        "req-project_category": "erp",
        "req-project_title": "Logiciel de gestion",
    }
    response = client.post(reverse("portals:request_create"), data)
    assert response.status_code == 302
    assert FundingRequest.objects.filter(enterprise=existing.enterprise).count() == 2


def test_an_invalid_plan_line_keeps_every_line_typed(client):
    request = make_request(complete=False)
    client.force_login(request.enterprise.representatives.get())
    data = {
        "version": request.version,
        "uses-TOTAL_FORMS": "2", "uses-INITIAL_FORMS": "0",
        "uses-0-kind": "intangible", "uses-0-label": "Site marchand", "uses-0-amount": "12 500,50",
        "uses-1-kind": "tangible", "uses-1-label": "Caisse", "uses-1-amount": "-4",
        "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "0",
        "sources-0-kind": "loan", "sources-0-label": "Prêt", "sources-0-amount": "8000",
    }  # fmt: skip
    response = client.post(reverse("portals:plan_edit", args=[request.reference]), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert not request.financing_lines.exists()
    assert 'value="Site marchand"' in page and 'value="12 500,50"' in page
    assert 'value="-4"' in page and 'aria-invalid="true"' in page


def test_a_plan_is_saved_with_french_amounts(client):
    request = make_request(complete=False)
    client.force_login(request.enterprise.representatives.get())
    data = {
        "version": request.version,
        "uses-TOTAL_FORMS": "2", "uses-INITIAL_FORMS": "0",
        "uses-0-kind": "intangible", "uses-0-label": "Site marchand", "uses-0-amount": "12 500,50",
        "uses-1-kind": "intangible", "uses-1-label": "", "uses-1-amount": "",
        "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "0",
        "sources-0-kind": "own_funds", "sources-0-label": "Apport", "sources-0-amount": "12500,5",
    }  # fmt: skip
    response = client.post(reverse("portals:plan_edit", args=[request.reference]), data)
    assert response.status_code == 302
    request.refresh_from_db()
    assert str(request.total_cost) == "12500.50" and request.total_sources == request.total_cost
    assert request.version == 2


def test_a_concurrent_edit_is_a_conflict_that_keeps_what_was_typed(client):
    request = make_request(complete=False)
    client.force_login(request.enterprise.representatives.get())
    url = reverse("portals:project_edit", args=[request.reference])
    mine = {
        "version": request.version,
        "project_category": "erp",
        "project_title": "Mon titre à moi",
        "project_description": "Texte long que je ne veux pas retaper.",
    }
    # Someone else saves first.
    from dossiers.requests import update_request

    update_request(request, actor=None, expected_version=1, project_title="Leur titre")
    response = client.post(url, mine)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "modifiée par quelqu'un d'autre" in page
    assert "Texte long que je ne veux pas retaper." in page
    assert 'value="Mon titre à moi"' in page
    assert 'name="version" value="2"' in page
    request.refresh_from_db()
    assert request.project_title == "Leur titre"
    # Saving again, on purpose, replaces the other version.
    response = client.post(url, {**mine, "version": 2})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.project_title == "Mon titre à moi"


def test_a_request_no_longer_editable_sends_back_to_its_page(client, world):
    from dossiers import workflow

    workflow.perform(world.request, "resubmit", actor=None)
    client.force_login(world.users["sme_owner"])
    response = client.get(reverse("portals:plan_edit", args=[world.request.reference]))
    assert response.status_code == 302
    assert response.url == reverse("portals:request_detail", args=[world.request.reference])


def test_quotes_and_de_minimis_are_recorded(client):
    request = make_request(complete=False)
    client.force_login(request.enterprise.representatives.get())
    quotes = {
        "version": 1, "quotes-TOTAL_FORMS": "1", "quotes-INITIAL_FORMS": "0",
        "quotes-0-supplier_name": "Atelier Web", "quotes-0-quote_date": "2026-10-01",
        "quotes-0-amount_excl_vat": "24 000", "quotes-0-supplier_siret": "",
        "quotes-0-description": "Boutique",
    }  # fmt: skip
    response = client.post(reverse("portals:quotes_edit", args=[request.reference]), quotes)
    assert response.status_code == 302
    minimis = {
        "version": 2, "declared_by": "Claire Martin", "declared_on": "2026-10-02",
        "aids-TOTAL_FORMS": "1", "aids-INITIAL_FORMS": "0",
        "aids-0-granting_body": "Région", "aids-0-regulation": "2023/2831",
        "aids-0-granted_on": "2025-01-15", "aids-0-amount": "5000",
    }  # fmt: skip
    response = client.post(reverse("portals:de_minimis_edit", args=[request.reference]), minimis)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.quotes.get().amount_excl_vat == 24000
    assert request.de_minimis.aids.get().granted_on == date(2025, 1, 15)
    assert request.version == 3


def test_declaring_no_aid_while_listing_one_is_refused_on_the_checkbox(client):
    request = make_request(complete=False)
    client.force_login(request.enterprise.representatives.get())
    minimis = {
        "version": 1, "declared_by": "Claire Martin", "declared_on": "2026-10-02",
        "no_aid_received": "on", "aids-TOTAL_FORMS": "1", "aids-INITIAL_FORMS": "0",
        "aids-0-granting_body": "Région", "aids-0-granted_on": "2025-01-15",
        "aids-0-amount": "5000",
    }  # fmt: skip
    response = client.post(reverse("portals:de_minimis_edit", args=[request.reference]), minimis)
    assert response.status_code == 200
    assert "décochez la case" in html.unescape(response.content.decode())
    assert 'value="Région"' in response.content.decode()

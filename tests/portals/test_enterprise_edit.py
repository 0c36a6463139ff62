"""An SME corrects its enterprise's description while no request is assessed on it."""

import pytest
from django.urls import reverse

from dossiers.enterprises import update_enterprise
from dossiers.workflow import perform
from tests.factories import UserFactory, make_request
from tests.portals.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client):
    request = make_request()
    client.force_login(request.enterprise.representatives.get())
    return request


def url(enterprise) -> str:
    return reverse("portals:enterprise_edit", args=[enterprise.pk])


def form_data(enterprise, **changes) -> dict:
    data = {
        "name": enterprise.name,
        "legal_form": enterprise.legal_form,
        "creation_date": enterprise.creation_date.isoformat(),
        "naf_code": enterprise.naf_code,
        "departement": enterprise.departement,
        "address": enterprise.address,
        "postal_code": enterprise.postal_code,
        "city": enterprise.city,
        "headcount": str(enterprise.headcount),
        "turnover": str(enterprise.turnover),
        "balance_sheet": str(enterprise.balance_sheet),
        "sector": enterprise.sector,
        "version": str(enterprise.version),
    }
    data.update(changes)
    return data


def test_the_representative_corrects_the_figures_and_the_category_follows(client, draft):
    enterprise = draft.enterprise
    response = client.post(url(enterprise), form_data(enterprise, headcount="30"))

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.headcount, enterprise.sme_category, enterprise.version) == (30, "small", 2)
    assert "Informations de l'entreprise enregistrées." in text(client.get(response.url))


def test_the_siret_cannot_be_changed_here(client, draft):
    enterprise = draft.enterprise
    page = text(client.get(url(enterprise)))
    assert 'name="siret"' not in page and enterprise.siret in page

    client.post(url(enterprise), form_data(enterprise, siret="73282932000074"))

    enterprise.refresh_from_db()
    assert enterprise.siret == draft.enterprise.siret


def test_bad_figures_are_explained_and_nothing_is_saved(client, draft):
    enterprise = draft.enterprise
    response = client.post(url(enterprise), form_data(enterprise, turnover="-5", naf_code="99.99Z"))

    page = text(response)
    assert response.status_code == 200
    assert "Un montant ne peut pas être négatif." in page
    assert "n'existe pas dans la nomenclature" in page
    enterprise.refresh_from_db()
    assert enterprise.version == 1


def test_once_a_request_is_under_review_the_figures_are_frozen(client, draft):
    perform(draft, "submit", actor=draft.created_by)
    enterprise = draft.enterprise

    response = client.post(url(enterprise), form_data(enterprise, headcount="30"))

    page = text(response)
    assert response.status_code == 200
    assert "ne sont plus modifiables" in page
    assert f"La demande {draft.reference} est « Déposée »" in page
    enterprise.refresh_from_db()
    assert (enterprise.headcount, enterprise.version) != (30, 2)


def test_an_edit_made_meanwhile_is_a_conflict_and_the_input_is_kept(client, draft):
    enterprise = draft.enterprise
    shown = form_data(enterprise, city="Guéret")
    update_enterprise(enterprise, {"city": "Aubusson"}, actor=draft.created_by, expected_version=1)

    response = client.post(url(enterprise), shown)

    page = text(response)
    assert "Modification simultanée" in page
    assert 'value="Guéret"' in page and 'name="version" value="2"' in page
    enterprise.refresh_from_db()
    assert enterprise.city == "Aubusson"
    assert client.post(url(enterprise), {**shown, "version": "2"}).status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.city, enterprise.version) == ("Guéret", 3)


def test_someone_else_cannot_change_it(draft):
    from dossiers.workflow import Forbidden

    with pytest.raises(Forbidden):
        update_enterprise(draft.enterprise, {"city": "X"}, actor=UserFactory(), expected_version=1)

"""The federation's list: filters, search, pagination, and the same view as CSV and XLSX."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dossiers import workflow
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(db):
    officer = UserFactory(officer=True)
    campaign = CampaignFactory(federation=officer.organisation)
    bakery = make_request(
        campaign=campaign,
        enterprise=EnterpriseFactory(name='=HYPERLINK("http://x")', naf_code="10.71C"),
    )
    workflow.perform(bakery, "submit", actor=None)
    web = make_request(
        campaign=campaign,
        enterprise=EnterpriseFactory(name="Atelier Web", naf_code="62.01Z", departement="75"),
        grant=Decimal("5000.00"),
        loan=Decimal("15000.00"),
    )
    make_request()  # another federation's request, never listed
    return officer, bakery, web


def test_filters_and_search_narrow_the_list(client, listed):
    officer, bakery, web = listed
    client.force_login(officer)
    url = reverse("portals:federation_requests")
    assert client.get(url).context["page"].paginator.count == 2
    assert list(client.get(url, {"state": "submitted"}).context["page"]) == [bakery]
    assert list(client.get(url, {"naf": "62"}).context["page"]) == [web]
    assert list(client.get(url, {"region": "11"}).context["page"]) == [web]  # Île-de-France
    assert list(client.get(url, {"departement": "23"}).context["page"]) == [bakery]
    assert list(client.get(url, {"q": web.enterprise.siret[:9]}).context["page"]) == [web]
    assert list(client.get(url, {"q": "atelier"}).context["page"]) == [web]
    assert list(client.get(url, {"amount_min": "21000"}).context["page"]) == [bakery]
    assert list(client.get(url, {"amount_max": "20 000"}).context["page"]) == [web]


def test_the_csv_export_is_the_current_view_with_neutralised_text(client, listed):
    officer, bakery, web = listed
    client.force_login(officer)
    response = client.get(reverse("portals:export_csv"), {"naf": "10"})
    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert text.startswith("\ufeffRéférence;État;Campagne;Entreprise;SIRET")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][0] == bakery.reference and web.reference not in text
    assert rows[1][3] == '\'=HYPERLINK("http://x")'  # a formula is text, never a formula
    assert rows[1][11:15] == ["24000,00", "10000,00", "12000,00", "2000,00"]


def test_the_xlsx_export_has_typed_cells(client, listed):
    officer, bakery, web = listed
    client.force_login(officer)
    response = client.get(reverse("portals:export_xlsx"), {"state": "submitted"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Référence", "État", "Campagne")
    assert len(rows) == 2 and rows[1][0] == bakery.reference
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert rows[1][4] == bakery.enterprise.siret  # text, leading zeros safe
    assert rows[1][11] == 24000  # a number, not a string


def test_the_list_is_paginated(client, listed):
    officer, *_ = listed
    from portals.views import federation

    client.force_login(officer)
    federation.PAGE_SIZE, saved = 1, federation.PAGE_SIZE
    try:
        response = client.get(reverse("portals:federation_requests"), {"page": 2, "naf": ""})
    finally:
        federation.PAGE_SIZE = saved
    assert response.context["page"].number == 2
    assert "Page 2 sur 2" in response.content.decode()


def test_the_campaign_dashboard_gives_figures_with_its_bars(client, listed):
    officer, bakery, web = listed
    client.force_login(officer)
    response = client.get(reverse("portals:campaign_dashboard", args=[bakery.campaign.reference]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nouvelle-Aquitaine" in text  # 23 Creuse
    assert "22\xa0000,00\xa0€" in text  # the bakery's grant + loan, in French
    assert 'aria-hidden="true"' in text  # the bars are decoration; the figures are text

"""The cost references page and its CSV/XLSX downloads: secret cells give their count
only, published ones their quantiles."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from costs.references import recompute
from tests.costs.helpers import add_quotes
from tests.factories import EnterpriseFactory, UserFactory, make_request
from tests.portals.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def funder_client():
    published = make_request(complete=False)
    add_quotes(published, {p: [str(7000 + 100 * i) for i in range(4)] for p in (1, 2, 3)})
    secret = make_request(complete=False, enterprise=EnterpriseFactory(departement="35"))
    add_quotes(secret, {1: ["5000", "6000"]})
    recompute()
    client = Client()
    client.force_login(UserFactory(funder=True))
    return client


def test_the_page_shows_published_quantiles_and_hides_secret_cells(funder_client):
    page = text(funder_client.get(reverse("portals:cost_references")))
    assert "Références de coûts" in page
    assert "non publié (secret statistique)" in page
    assert "7\u00a0150,00\u00a0€" in page  # the median of 12 quotes 7 000–7 300 × 3


def test_the_csv_gives_the_count_of_a_secret_cell_and_no_statistic(funder_client):
    body = funder_client.get(reverse("portals:cost_references_csv")).content.decode("utf-8-sig")
    lines = body.strip().split("\r\n")
    assert lines[0].startswith("Type de projet;Division NAF;Activité;Région;Année;Nombre de devis")
    secret = next(line for line in lines if "Bretagne" in line)
    assert secret.endswith(";2;non (secret statistique);;;;;")
    published = next(line for line in lines if "Nouvelle-Aquitaine" in line)
    assert ";12;oui;;" in published and "7150,00" in published  # no P10–P90 below 30


def test_the_xlsx_holds_typed_cells(funder_client):
    content = funder_client.get(reverse("portals:cost_references_xlsx")).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0] if rows[0][0] == "Type de projet" else rows[1]
    assert "Médiane HT" in header
    counts = [row[header.index("Nombre de devis")] for row in rows if row[0] != header[0]]
    assert sorted(c for c in counts if isinstance(c, int)) == [2, 12]

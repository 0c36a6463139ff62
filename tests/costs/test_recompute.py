"""Recomputing the cost references from the quotes: the cells, what is published, the
outliers flagged (kept in the cell), and the review screen's flag above P90."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from costs.models import CostReference, FlaggedQuote
from costs.references import recompute
from dossiers.models import SupplierQuote
from tests.costs.helpers import add_quotes
from tests.factories import EnterpriseFactory, UserFactory, make_request
from tests.portals.pages import text

pytestmark = pytest.mark.django_db


def _prices(n: int, start: int = 7_000, step: int = 100) -> list[str]:
    return [str(start + step * i) for i in range(n)]


def test_a_cell_with_enough_quotes_and_providers_is_published_with_its_quantiles():
    request = make_request(complete=False)
    add_quotes(request, {1: _prices(12), 2: _prices(12), 3: _prices(11)})
    result = recompute()
    assert (result.quotes, result.cells, result.published) == (35, 1, 1)
    cell = CostReference.objects.get()
    assert (cell.project_type, cell.naf_division, cell.region, cell.year) == (
        "online_shop",
        "10",
        "75",
        2026,
    )
    assert cell.count == 35 and cell.providers == 3
    assert cell.p10 is not None and cell.p10 <= cell.p25 <= cell.median <= cell.p75 <= cell.p90


def test_too_few_quotes_too_few_providers_or_a_dominant_one_publish_only_the_count():
    few = make_request(complete=False)
    add_quotes(few, {1: _prices(3), 2: _prices(3), 3: _prices(3)})  # 9 quotes
    two = make_request(complete=False, enterprise=EnterpriseFactory(departement="35"))
    add_quotes(two, {1: _prices(10), 2: _prices(10)})  # 2 providers
    dominant = make_request(complete=False, enterprise=EnterpriseFactory(departement="75"))
    add_quotes(dominant, {1: ["900000"], 2: _prices(5), 3: _prices(5)})  # one weighs > 85 %
    recompute()
    cells = CostReference.objects.all()
    assert [c.count for c in cells.order_by("count")] == [9, 11, 20]
    assert not any(c.published for c in cells)
    assert all(c.median is None and c.p90 is None for c in cells)


def test_a_planted_inflated_quote_is_flagged_and_kept_in_the_cell():
    request = make_request(complete=False)
    add_quotes(request, {1: _prices(10), 2: _prices(10), 3: _prices(10)})
    add_quotes(request, {4: ["96000"]})
    result = recompute()
    planted = SupplierQuote.objects.get(amount_excl_vat=Decimal("96000"))
    flag = FlaggedQuote.objects.get()
    assert flag.quote == planted and flag.z_score > 3.5
    assert result.flagged == 1
    assert CostReference.objects.get().count == 31  # kept, not deleted


def test_recomputing_again_replaces_the_references_whole():
    request = make_request(complete=False)
    add_quotes(request, {1: _prices(12), 2: _prices(12), 3: _prices(12)})
    recompute()
    SupplierQuote.objects.filter(request=request).delete()
    result = recompute()
    assert (result.cells, CostReference.objects.count()) == (0, 0)


def test_the_review_screen_flags_a_quote_above_the_cells_p90_with_its_reference():
    sme = UserFactory()
    reviewed = make_request(representative=sme)
    officer = UserFactory(officer=True, organisation=reviewed.campaign.federation)
    others = make_request(complete=False)
    add_quotes(others, {1: _prices(12), 2: _prices(12), 3: _prices(12)})
    add_quotes(reviewed, {9: ["14000"]})
    recompute()
    client = Client()
    client.force_login(officer)
    page = text(client.get(reverse("portals:review", args=[reviewed.reference])))
    p90 = CostReference.objects.get().p90
    assert "Devis comparés aux références de coûts" in page
    assert "au-dessus du P90 de sa référence" in page
    assert f"{int(p90):,}".replace(",", "\u00a0") in page

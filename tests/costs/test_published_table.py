"""Property, end to end: whatever quotes are in the database, every cell the recomputed
table publishes meets the rules when checked against the raw quotes, and every other
cell holds its count and nothing else."""

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costs.models import CostReference
from costs.references import recompute
from dossiers.models import SupplierQuote
from tests.costs.helpers import add_quotes
from tests.factories import EnterpriseFactory, make_request

quotes = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1),  # which request (so which cell)
        st.integers(min_value=0, max_value=4),  # provider
        st.integers(min_value=50_00, max_value=90_000_00),  # cents
    ),
    max_size=45,
)


@pytest.fixture
def requests_in_two_cells(db):
    return [
        make_request(complete=False),
        make_request(complete=False, enterprise=EnterpriseFactory(departement="35")),
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=quotes)
def test_the_table_never_publishes_a_cell_that_breaks_the_rules(requests_in_two_cells, rows):
    SupplierQuote.objects.all().delete()
    for which, provider, cents in rows:
        add_quotes(requests_in_two_cells[which], {provider: [str(Decimal(cents) / 100)]})
    recompute()
    raw = defaultdict(lambda: defaultdict(Decimal))
    for quote in SupplierQuote.objects.select_related("request__enterprise"):
        raw[quote.request.enterprise.region][quote.supplier_siret] += quote.amount_excl_vat
    counts = defaultdict(int)
    for which, _, _ in rows:
        counts[requests_in_two_cells[which].enterprise.region] += 1
    for cell in CostReference.objects.all():
        by_provider = raw[cell.region]
        total = sum(by_provider.values())
        assert cell.count == counts[cell.region]
        rules = (
            cell.count >= 10
            and len(by_provider) >= 3
            and max(by_provider.values()) <= Decimal("0.85") * total
        )
        assert cell.published == rules
        if not cell.published:
            assert (cell.median, cell.p25, cell.p75, cell.p10, cell.p90) == (None,) * 5
        elif cell.count < 30:
            assert cell.p10 is None and cell.p90 is None

"""Property: a cell's statistics are published only when it has at least 10 quotes from at
least 3 providers and no provider above 85 % of its total; P10–P90 only from 30 quotes;
the count always."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from costs.statistics import modified_z, outliers, summarise

cells = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=100, max_value=10_000_000), min_size=n, max_size=n),
        # Few provider codes: cells with one or two providers, or a dominant one, are common.
        st.lists(st.integers(min_value=0, max_value=6), min_size=n, max_size=n),
    )
)


@settings(max_examples=500, deadline=None)
@given(cell=cells)
def test_no_cell_breaking_the_rules_is_ever_published(cell):
    cents, providers = cell
    prices = np.array(cents, dtype=float) / 100
    codes = np.array(providers)
    summary = summarise(prices, codes)
    assert summary.count == len(prices)
    shares = np.bincount(codes, weights=prices) / prices.sum()
    rules_hold = len(prices) >= 10 and len(set(providers)) >= 3 and shares.max() <= 0.85
    assert summary.published == rules_hold
    if not summary.published:
        assert (summary.median, summary.p25, summary.p75, summary.p10, summary.p90) == (None,) * 5
        return
    assert summary.p25 <= summary.median <= summary.p75
    if len(prices) >= 30:
        assert summary.p10 <= summary.p25 and summary.p75 <= summary.p90
    else:
        assert summary.p10 is None and summary.p90 is None


def test_quantiles_are_numpys_linear_type_7():
    prices = np.arange(1, 31, dtype=float) * 1000
    summary = summarise(prices, np.arange(30) % 5)
    assert summary.median == 15_500.0
    assert summary.p25 == np.quantile(prices, 0.25) == 8_250.0
    assert summary.p90 == 27_100.0


def test_a_planted_inflated_quote_is_flagged_and_ordinary_ones_are_not():
    rng = np.random.default_rng(7)
    prices = np.exp(rng.normal(np.log(8_000), 0.25, size=40))
    planted = np.append(prices, 8_000 * 12)
    assert list(outliers(planted)) == [40]
    assert modified_z(planted)[40] > 3.5


def test_equal_prices_give_no_outlier_but_one_far_price_among_them_is_flagged():
    assert len(outliers(np.full(12, 5_000.0))) == 0
    prices = np.append(np.full(12, 5_000.0), 50_000.0)
    assert list(outliers(prices)) == [12]


def test_a_small_cell_flags_nothing():
    assert len(outliers(np.array([1_000.0] * 8 + [90_000.0]))) == 0

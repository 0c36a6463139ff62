"""The statistics of a cost reference cell, and the rules that decide what is published.

Pure numpy, no database (docs/rules.md#cost-references):

- a cell is published (median, P25–P75) only with at least 10 quotes from at least 3
  distinct providers, none of them above 85 % of the cell's total amount (INSEE's
  statistical secrecy practice: frequency and dominance rules);
- P10–P90 are added from 30 quotes;
- the count is always given;
- quantiles are numpy's default, linear interpolation ("type 7");
- outliers: the modified z-score 0.6745·(x − median)/MAD of log(price) above 3.5 in
  absolute value (Iglewicz & Hoaglin), computed in cells of at least 10 quotes; flagged,
  never removed from the cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_QUOTES = 10
MIN_PROVIDERS = 3
MAX_PROVIDER_SHARE = 0.85
WIDE_QUANTILES_FROM = 30
OUTLIER_Z = 3.5
OUTLIER_MIN_QUOTES = 10
# When more than half the prices are equal the MAD is 0; the mean absolute deviation,
# scaled by sqrt(pi/2) to estimate the same spread, takes its place.
MEAN_AD_SCALE = 1.253314


@dataclass(frozen=True, slots=True)
class CellSummary:
    count: int
    providers: int
    top_share: float
    published: bool
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    p10: float | None = None
    p90: float | None = None


def publishable(count: int, providers: int, top_share: float) -> bool:
    return count >= MIN_QUOTES and providers >= MIN_PROVIDERS and top_share <= MAX_PROVIDER_SHARE


def summarise(prices: np.ndarray, providers: np.ndarray) -> CellSummary:
    """``prices`` excl. VAT, ``providers`` an integer code per quote, same length."""
    count = len(prices)
    codes, inverse = np.unique(providers, return_inverse=True)
    total = float(prices.sum())
    by_provider = np.bincount(inverse, weights=prices, minlength=len(codes))
    top_share = float(by_provider.max() / total) if total > 0 else 1.0
    if not publishable(count, len(codes), top_share):
        return CellSummary(count, len(codes), top_share, False)
    wide = count >= WIDE_QUANTILES_FROM
    p10, p25, median, p75, p90 = np.quantile(prices, [0.10, 0.25, 0.50, 0.75, 0.90])
    return CellSummary(
        count,
        len(codes),
        top_share,
        True,
        median=float(median),
        p25=float(p25),
        p75=float(p75),
        p10=float(p10) if wide else None,
        p90=float(p90) if wide else None,
    )


def modified_z(prices: np.ndarray) -> np.ndarray:
    """The modified z-score of each price's logarithm within its cell."""
    logs = np.log(prices)
    median = np.median(logs)
    deviation = np.abs(logs - median)
    mad = np.median(deviation)
    if mad > 0:
        return 0.6745 * (logs - median) / mad
    mean_ad = deviation.mean()
    if mean_ad > 0:
        return (logs - median) / (MEAN_AD_SCALE * mean_ad)
    return np.zeros_like(logs)


def outliers(prices: np.ndarray) -> np.ndarray:
    """Indexes of the outlying prices of one cell (none below OUTLIER_MIN_QUOTES)."""
    if len(prices) < OUTLIER_MIN_QUOTES:
        return np.array([], dtype=np.intp)
    return np.flatnonzero(np.abs(modified_z(prices)) > OUTLIER_Z)

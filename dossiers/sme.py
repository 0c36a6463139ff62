"""EU SME category (Recommendation 2003/361/EC, Annex art. 2; décret 2008-1354 art. 3).

See docs/rules.md#sme-category: headcount (annual work units) is a hard limit; the money
test passes on turnover OR balance sheet. Partner enterprises (25–50 % stakes) are added pro
rata, linked enterprises (control) at 100 %. 25 % or more public ownership means not an SME.
The thresholds come from the dated parameter table, never from this module.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Figures:
    headcount: Decimal  # annual work units
    turnover: Decimal
    balance_sheet: Decimal


@dataclass(frozen=True)
class Threshold:
    category: str
    max_headcount_exclusive: Decimal
    max_turnover: Decimal
    max_balance_sheet: Decimal


@dataclass(frozen=True)
class RelatedEnterprise:
    relation: str  # "partner" or "linked"
    stake: Decimal  # 0–100, percent of capital or voting rights
    figures: Figures


def aggregate(own: Figures, related: list[RelatedEnterprise]) -> Figures:
    """The figures an SME declaration tests: own data plus partners pro rata plus linked ones."""
    headcount, turnover, balance = own.headcount, own.turnover, own.balance_sheet
    for other in related:
        share = Decimal(1) if other.relation == "linked" else other.stake / Decimal(100)
        headcount += other.figures.headcount * share
        turnover += other.figures.turnover * share
        balance += other.figures.balance_sheet * share
    return Figures(headcount=headcount, turnover=turnover, balance_sheet=balance)


def categorise(
    figures: Figures, thresholds: list[Threshold], *, public_ownership: Decimal = Decimal(0)
) -> str:
    """Return "micro", "small", "medium" or "large" (not an SME)."""
    if public_ownership >= 25:
        return "large"
    for threshold in sorted(thresholds, key=lambda t: t.max_headcount_exclusive):
        if figures.headcount < threshold.max_headcount_exclusive and (
            figures.turnover <= threshold.max_turnover
            or figures.balance_sheet <= threshold.max_balance_sheet
        ):
            return threshold.category
    return "large"

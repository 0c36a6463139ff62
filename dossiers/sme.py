"""EU SME category (Recommendation 2003/361/EC, Annex arts. 2–4; décret 2008-1354 art. 3).

Headcount (annual work units) is a hard limit; the money test passes on turnover OR balance
sheet. Partner enterprises (25–50 %) are added pro rata, linked enterprises in full; 25 % or
more public ownership means not an SME. A stake must fit its relation (art. 3), and a change
of category needs two consecutive years over or under a threshold (art. 4(2)).
See docs/rules.md#sme-category. The thresholds come from the parameter table, never from here.
"""

from dataclasses import dataclass
from decimal import Decimal

PARTNER_FROM = Decimal(25)
PARTNER_UP_TO = Decimal(50)
RANK = {"micro": 0, "small": 1, "medium": 2, "large": 3}


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
    exempt_investor: bool = False  # art. 3(2): such a partner is not counted


def stake_problem(relation: str, stake: Decimal, *, control_without_majority: bool) -> str | None:
    """Why ``stake`` does not fit ``relation`` (Annex art. 3), or None.

    Partner: from 25 % up to 50 %. Linked: above 50 % of the voting rights, or control
    without a majority (right to appoint most of the board, dominant influence by contract
    or by agreement with other shareholders, art. 3(3) b–d), which must then be stated.
    Below 25 % with no control, the enterprise is autonomous from this one: not declared.
    """
    if relation == "partner":
        if stake < PARTNER_FROM:
            return (
                f"Une participation de {stake} % (moins de 25 %) ne fait pas une entreprise "
                "partenaire : l'entreprise est autonome vis-à-vis d'elle, ne la déclarez pas."
            )
        if stake > PARTNER_UP_TO:
            return (
                f"Une participation de {stake} % (plus de 50 %) fait une entreprise liée, "
                "comptée en entier : déclarez-la comme liée."
            )
        return None
    if relation == "linked" and stake <= PARTNER_UP_TO and not control_without_majority:
        return (
            f"Une participation de {stake} % ne donne pas la majorité : une entreprise liée "
            "suppose plus de 50 % des droits de vote ou un contrôle par contrat, par le droit "
            "de nommer la majorité des dirigeants ou par accord entre associés (à préciser)."
        )
    return None


def aggregate(own: Figures, related: list[RelatedEnterprise]) -> Figures:
    """The figures an SME declaration tests: own data plus partners pro rata plus linked ones."""
    headcount, turnover, balance = own.headcount, own.turnover, own.balance_sheet
    for other in related:
        if other.relation == "partner" and other.exempt_investor:
            continue
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


def settled_category(by_year: list[str]) -> str:
    """The category after art. 4(2): a status changes only after two consecutive years.

    ``by_year`` is the category each closed year's figures give, oldest first. The first
    year sets the status; later, it moves only when two years in a row are on the same side
    of it, and then to the nearer of the two (crossing two thresholds in two years moves
    one step for the threshold crossed twice).
    """
    if not by_year:
        raise ValueError("no year")
    status = by_year[0]
    for previous, current in zip(by_year, by_year[1:], strict=False):
        r, p, c = RANK[status], RANK[previous], RANK[current]
        if p > r and c > r:
            status = previous if p < c else current
        elif p < r and c < r:
            status = previous if p > c else current
    return status

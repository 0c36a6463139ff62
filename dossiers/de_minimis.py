"""De minimis ceiling check (Regulation (EU) 2023/2831 and sector regulations).

See docs/rules.md#de-minimis: all de minimis aid to a single undertaking over the window
before the grant date, plus the new aid, must stay at or under the ceiling of its sector.
Crossing it refuses the whole new aid, not just the excess. The grant date is the legal
act's date. The window length is a parameter (3 rolling years by default) because French
texts still vary.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dossiers.formatting import euros


@dataclass(frozen=True)
class PriorAid:
    amount: Decimal
    granted_on: date


def window_start(grant_date: date, years: int) -> date:
    """The day before the window: the same calendar day ``years`` years before the grant date.

    Convention: the window is the ``years`` years that end on the grant date, both ends
    included, so it starts the day *after* this date. An aid granted exactly ``years``
    years before the grant date is outside the window (granted on 23/11/2023, it no longer
    counts for a grant dated 23/11/2026; granted on 24/11/2023, it does). An aid dated after
    the grant date is not counted. On 29 February the boundary is 28 February.
    """
    try:
        return grant_date.replace(year=grant_date.year - years)
    except ValueError:  # 29 February in a year that has none
        return grant_date.replace(year=grant_date.year - years, day=28)


def aid_in_window(aids: list[PriorAid], grant_date: date, years: int) -> Decimal:
    start = window_start(grant_date, years)
    return sum((a.amount for a in aids if start < a.granted_on <= grant_date), Decimal(0))


def ceiling_problem(
    *, aids: list[PriorAid], new_aid: Decimal, grant_date: date, years: int, ceiling: Decimal
) -> str | None:
    """A plain-words reason when the new aid would cross the ceiling, else None."""
    received = aid_in_window(aids, grant_date, years)
    if received + new_aid <= ceiling:
        return None
    return (
        f"Plafond de minimis dépassé : {euros(received)} d'aides reçues sur {years} ans "
        f"+ {euros(new_aid)} demandés = {euros(received + new_aid)} > {euros(ceiling)}. "
        "L'aide entière serait refusée, pas seulement l'excédent."
    )

"""Deadline arithmetic: a pure function of a rule and a request's history.

The formula is the one of the State's dossier platform (see docs/rules.md#instruction-deadlines):
the period runs from the day after the starting event, the deadline is the day the period
is over (start + 1 day + period), and every "needs changes" pause is added to it; with
``reset`` the clock starts again at the latest correction instead. A pause still open
suspends the deadline. Nothing here touches the database: the same function serves the
transition hook, the nightly recomputation and the benchmark over a million requests.
"""

from bisect import bisect_left
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

CALENDAR_DAYS, BUSINESS_DAYS, MONTHS = "calendar_days", "business_days", "months"
PAUSE, RESET = "pause", "reset"
RUNNING, SUSPENDED, STOPPED = "running", "suspended", "stopped"

# The "needs changes" round trip of the request workflow.
PAUSING, RESUMING = "request_changes", "resubmit"

FIRST_YEAR, LAST_YEAR = 2000, 2100


@lru_cache(maxsize=1)
def _business_days() -> tuple[date, ...]:
    """Every working day (Monday to Friday, not a French public holiday) of the range."""
    closed = holidays.France(years=range(FIRST_YEAR, LAST_YEAR + 1))
    day, last, days = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31), []
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def is_business_day(day: date) -> bool:
    days = _business_days()
    index = bisect_left(days, day)
    return index < len(days) and days[index] == day


def business_days_between(start: date, end: date) -> int:
    """Working days in [start, end)."""
    days = _business_days()
    return max(0, bisect_left(days, end) - bisect_left(days, start))


def add_business_days(anchor: date, count: int) -> date:
    """The first working day once ``count`` working days from ``anchor`` (included) are over."""
    days = _business_days()
    return days[bisect_left(days, anchor) + count]


def add_period(anchor: date, amount: int, unit: str) -> date:
    """The day after a period of ``amount`` units beginning on ``anchor``.

    Months keep the day of the month, or the month's last day when it has none
    (31 January + 1 month = 28 or 29 February).
    """
    if unit == CALENDAR_DAYS:
        return anchor + timedelta(days=amount)
    if unit == MONTHS:
        return add_months(anchor, amount)
    if unit == BUSINESS_DAYS:
        return add_business_days(anchor, amount)
    raise ValueError(f"Unknown period unit {unit!r}")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Clock:
    status: str  # running, suspended (a correction is pending) or stopped
    started_on: date | None = None
    due_on: date | None = None
    paused_since: date | None = None
    paused_days: int = 0  # in the rule's unit of days (working days for business days)


STOPPED_CLOCK = Clock(STOPPED)


def compute(
    history: list[tuple[date, str, str]],
    *,
    start_event: str,
    running_states: frozenset[str],
    amount: int,
    unit: str,
    on_changes: str,
) -> Clock:
    """The clock of one rule after ``history``: (day, transition, state reached), in order.

    Tolerant by design: a second "needs changes" while one is pending, or a correction
    without a pending request, changes nothing instead of failing.
    """
    started = pending = None
    pauses: list[tuple[date, date]] = []
    for day, transition, state in history:
        if started is None:
            if transition == start_event and state in running_states:
                started, pending, pauses = day, None, []
            continue
        if state not in running_states:
            started = None  # the request left the stage: this clock is over
        elif transition == PAUSING and pending is None:
            pending = day
        elif transition == RESUMING and pending is not None:
            pauses.append((pending, day))
            pending = None
    if started is None:
        return STOPPED_CLOCK
    if on_changes == RESET and pauses:
        started, pauses = pauses[-1][1], []
    paused = sum(_length(begin, end, unit) for begin, end in pauses)
    if pending is not None:
        return Clock(SUSPENDED, started, None, pending, paused)
    due = add_period(started + timedelta(days=1), amount, unit)
    if paused:
        due = add_business_days(due, paused) if unit == BUSINESS_DAYS else due + timedelta(paused)
    return Clock(RUNNING, started, due, None, paused)


def _length(begin: date, end: date, unit: str) -> int:
    if unit == BUSINESS_DAYS:
        return business_days_between(begin, end)
    return (end - begin).days

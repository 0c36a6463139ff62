"""Deadline arithmetic, table-driven: each row is a history and the deadline it must give.

Dates are worked out by hand from the rule in docs/rules.md#instruction-deadlines:
deadline = start + 1 day + period + pauses; with ``reset`` the clock restarts at the
latest correction; a pending correction suspends the deadline.
"""

# ruff: noqa: E501 (one case per line: the tables read across)

from datetime import date

import pytest

from timerules import clock
from timerules.models import RUNNING_STATES, Stage

STATE_AFTER = {
    "submit": "submitted",
    "start_review": "in_review",
    "request_changes": "needs_changes",
    "resubmit": "submitted",
    "mark_eligible": "eligible",
    "reject": "rejected",
    "withdraw": "withdrawn",
}
D, B, M = clock.CALENDAR_DAYS, clock.BUSINESS_DAYS, clock.MONTHS


def history(*events: str) -> list[tuple[date, str, str]]:
    """``"2027-01-10 submit"`` → (date, transition, state reached)."""
    rows = []
    for event in events:
        day, name = event.split()
        rows.append((date.fromisoformat(day), name, STATE_AFTER[name]))
    return rows


def deadline(events, amount, unit, on_changes=clock.PAUSE, start_event="submit"):
    return clock.compute(
        history(*events),
        start_event=start_event,
        running_states=RUNNING_STATES[Stage.INSTRUCTION],
        amount=amount,
        unit=unit,
        on_changes=on_changes,
    )


RUNNING_CASES = [
    # (what, events, amount, unit, on_changes, due, paused days)
    ("30 calendar days", ["2027-01-10 submit"], 30, D, "pause", "2027-02-10", 0),
    ("31 January + 1 month: end of February", ["2027-01-30 submit"], 1, M, "pause", "2027-02-28", 0),
    ("31 January + 1 month in a leap year", ["2028-01-30 submit"], 1, M, "pause", "2028-02-29", 0),
    ("submitted on 31 January: 1 February + 1 month", ["2027-01-31 submit"], 1, M, "pause", "2027-03-01", 0),
    ("29 February + 12 months: 28 February", ["2028-02-28 submit"], 12, M, "pause", "2029-02-28", 0),
    ("submitted on 29 February", ["2028-02-29 submit"], 1, M, "pause", "2028-04-01", 0),
    ("2 months across the year end", ["2026-12-15 submit"], 2, M, "pause", "2027-02-16", 0),
    ("business days skip Christmas and the weekend", ["2026-12-18 submit"], 5, B, "pause", "2026-12-29", 0),
    ("business days skip Ascension Day", ["2027-05-04 submit"], 2, B, "pause", "2027-05-10", 0),
    ("business days skip 14 July", ["2027-07-12 submit"], 3, B, "pause", "2027-07-19", 0),
    (
        "a pause across a month end is added",
        ["2027-01-10 submit", "2027-01-11 start_review", "2027-01-28 request_changes", "2027-02-03 resubmit"],
        30, D, "pause", "2027-02-16", 6,
    ),
    (
        "a pause after 31 January + 1 month is added to 28 February",
        ["2027-01-30 submit", "2027-02-01 start_review", "2027-02-10 request_changes", "2027-02-15 resubmit"],
        1, M, "pause", "2027-03-05", 5,
    ),
    (
        "a pause over Christmas counts only working days",
        ["2026-12-17 submit", "2026-12-18 start_review", "2026-12-23 request_changes", "2026-12-29 resubmit"],
        10, B, "pause", "2027-01-08", 3,
    ),
    (
        "a reset restarts from the correction, across the month end",
        ["2027-01-10 submit", "2027-01-11 start_review", "2027-01-28 request_changes", "2027-02-03 resubmit"],
        30, D, "reset", "2027-03-06", 0,
    ),
    (
        "a reset in business days restarts across 1 May and Ascension Day",
        ["2027-04-20 submit", "2027-04-21 start_review", "2027-04-26 request_changes", "2027-04-30 resubmit"],
        3, B, "reset", "2027-05-07", 0,
    ),
    (
        "repeated corrections add up",
        [
            "2027-03-01 submit", "2027-03-02 start_review",
            "2027-03-05 request_changes", "2027-03-08 resubmit", "2027-03-09 start_review",
            "2027-03-20 request_changes", "2027-04-02 resubmit", "2027-04-03 start_review",
            "2027-04-10 request_changes", "2027-04-11 resubmit",
        ],
        30, D, "pause", "2027-04-18", 17,
    ),
    (
        "repeated corrections with reset: only the latest counts",
        [
            "2027-03-01 submit", "2027-03-05 request_changes", "2027-03-08 resubmit",
            "2027-03-20 request_changes", "2027-04-02 resubmit",
        ],
        1, M, "reset", "2027-05-03", 0,
    ),
    (
        "the clock starts at the first review, not at each new one",
        ["2027-03-01 submit", "2027-03-02 start_review", "2027-03-05 request_changes",
         "2027-03-08 resubmit", "2027-03-09 start_review"],
        30, D, "pause", "2027-04-05", 3, "start_review",
    ),
    (
        "a second request for changes while one is pending changes nothing",
        ["2027-01-10 submit", "2027-01-20 request_changes", "2027-01-22 request_changes",
         "2027-01-25 resubmit"],
        30, D, "pause", "2027-02-15", 5,
    ),
    (
        "a correction without a pending request changes nothing",
        ["2027-01-10 submit", "2027-01-20 resubmit"], 30, D, "pause", "2027-02-10", 0,
    ),
]  # fmt: skip
RUNNING_CASES = [case if len(case) == 8 else (*case, "submit") for case in RUNNING_CASES]


@pytest.mark.parametrize(
    "what, events, amount, unit, on_changes, due, paused, start",
    RUNNING_CASES,
    ids=[case[0] for case in RUNNING_CASES],
)
def test_a_running_deadline_falls_on_the_day_worked_out_by_hand(
    what, events, amount, unit, on_changes, due, paused, start
):
    found = deadline(events, amount, unit, on_changes, start)
    assert found.status == clock.RUNNING
    assert found.due_on == date.fromisoformat(due)
    assert found.paused_days == paused


SUSPENDED_CASES = [
    # (what, events, on_changes, paused since, paused days already counted)
    ("one pending correction", ["2027-01-10 submit", "2027-01-31 request_changes"], "pause", "2027-01-31", 0),
    (
        "pending and resolved corrections mixed",
        ["2027-01-10 submit", "2027-01-15 request_changes", "2027-01-18 resubmit",
         "2027-01-29 request_changes", "2027-02-02 resubmit", "2027-02-27 request_changes"],
        "pause", "2027-02-27", 7,
    ),
    (
        "pending after resolved, with reset",
        ["2027-01-10 submit", "2027-01-15 request_changes", "2027-01-18 resubmit",
         "2027-02-28 request_changes"],
        "reset", "2027-02-28", 0,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    "what, events, on_changes, since, paused", SUSPENDED_CASES, ids=[c[0] for c in SUSPENDED_CASES]
)
def test_a_pending_correction_suspends_the_deadline(what, events, on_changes, since, paused):
    found = deadline(events, 30, D, on_changes)
    assert found.status == clock.SUSPENDED
    assert found.due_on is None
    assert found.paused_since == date.fromisoformat(since)
    assert found.paused_days == paused


STOPPED_CASES = [
    ("nothing submitted yet", []),
    ("the request was found eligible", ["2027-01-10 submit", "2027-01-12 start_review", "2027-01-20 mark_eligible"]),
    ("the request was withdrawn while paused", ["2027-01-10 submit", "2027-01-20 request_changes", "2027-01-21 withdraw"]),
]  # fmt: skip


@pytest.mark.parametrize("what, events", STOPPED_CASES, ids=[c[0] for c in STOPPED_CASES])
def test_a_request_outside_the_stage_has_no_deadline(what, events):
    assert deadline(events, 30, D) == clock.STOPPED_CLOCK


def test_working_days_come_from_the_french_public_holidays():
    assert not clock.is_business_day(date(2027, 5, 6))  # Ascension Day
    assert not clock.is_business_day(date(2027, 5, 17))  # Whit Monday
    assert not clock.is_business_day(date(2026, 12, 26))  # a Saturday
    assert clock.is_business_day(date(2026, 12, 28))

"""Two people act on the same request at the same moment: one wins, the other is told.

SQLite ignores row locks, so this runs on PostgreSQL only. Each thread has its own
database connection; a barrier lines them up and the first holder sleeps inside the lock,
so the second really waits on it rather than arriving after the fact.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from dossiers import workflow
from dossiers.models import FundingRequest, RequestTransition
from tests.dossiers.helpers import officer_of, request_in

# serialized_rollback: the flush after a transactional test would otherwise also remove the
# scheme parameters the migrations load, and every later test would miss them.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
HOLD = 0.5  # seconds the first holder keeps the lock


def run_in_threads(*targets):
    """Run each target in its own thread (own connection); return their results or errors."""
    results: list = [None] * len(targets)

    def wrap(index, target):
        try:
            results[index] = target()
        except Exception as exc:  # handed back to the test to assert on
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def test_a_return_for_changes_and_an_eligibility_at_once_only_one_wins(require_postgres):
    request = request_in("in_review")
    first, second = officer_of(request), officer_of(request)
    barrier = threading.Barrier(2)
    waited = {}

    def return_for_changes():
        # Hold the transaction (and the row lock perform took) open past the barrier.
        with transaction.atomic():
            workflow.perform(request.pk, "request_changes", actor=first, note="Devis manquant")
            barrier.wait()
            time.sleep(HOLD)

    def mark_eligible():
        barrier.wait()
        started = time.monotonic()
        try:
            return workflow.perform(request.pk, "mark_eligible", actor=second)
        finally:
            waited["seconds"] = time.monotonic() - started

    winner, loser = run_in_threads(return_for_changes, mark_eligible)

    assert winner is None
    assert isinstance(loser, workflow.Conflict), loser
    assert loser.message == "Action impossible : la demande est « À compléter »."
    assert waited["seconds"] >= HOLD * 0.8, "the second officer did not wait for the lock"
    saved = FundingRequest.objects.get(pk=request.pk)
    assert (saved.state, saved.version) == ("needs_changes", request.version + 1)
    assert list(RequestTransition.objects.filter(request=saved).values_list("transition")) == [
        ("submit",),
        ("start_review",),
        ("request_changes",),
    ]


def test_two_officers_starting_the_same_review_only_one_wins(require_postgres):
    request = request_in("submitted")
    officers = [
        officer_of(request, first_name="Jeanne", last_name="Dupont"),
        officer_of(request, first_name="Karim", last_name="Benali"),
    ]
    barrier = threading.Barrier(3)

    def hold_the_row():
        # Someone else has the row locked when both officers click: both queue behind it.
        with transaction.atomic():
            FundingRequest.objects.select_for_update().get(pk=request.pk)
            barrier.wait()
            time.sleep(HOLD)

    def start_review(officer):
        def act():
            barrier.wait()
            return workflow.perform(
                request.pk, "start_review", actor=officer, expected_state="submitted"
            )

        return act

    _, *outcomes = run_in_threads(hold_the_row, *(start_review(o) for o in officers))

    won = [o for o in outcomes if isinstance(o, FundingRequest)]
    lost = [o for o in outcomes if isinstance(o, workflow.Conflict)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    winner = officers[outcomes.index(won[0])]
    assert lost[0].message.startswith(
        "Cette demande a changé pendant que vous la consultiez. Elle est maintenant "
        f"« En instruction » (par {winner.get_full_name()}, le "
    )
    saved = FundingRequest.objects.get(pk=request.pk)
    assert (saved.state, saved.version) == ("in_review", request.version + 1)
    reviews = RequestTransition.objects.filter(request=saved, transition="start_review")
    assert list(reviews.values_list("actor", flat=True)) == [winner.pk]


def test_a_batch_and_a_withdrawal_at_once_never_half_apply(require_postgres):
    grouped, other = request_in("eligible"), request_in("eligible")
    applicant = grouped.enterprise.representatives.get()
    barrier = threading.Barrier(2)

    def withdraw_first():
        with transaction.atomic():
            workflow.perform(grouped.pk, "withdraw", actor=applicant)
            barrier.wait()
            time.sleep(HOLD)

    def group_both():
        barrier.wait()
        return workflow.perform_many([other.pk, grouped.pk], "group", actor=None)

    _, outcome = run_in_threads(withdraw_first, group_both)

    assert isinstance(outcome, workflow.Conflict), outcome
    assert outcome.message == f"La demande {grouped.reference} est « Retirée » : action impossible."
    states = dict(FundingRequest.objects.values_list("pk", "state"))
    assert (states[grouped.pk], states[other.pk]) == ("withdrawn", "eligible")
    assert not RequestTransition.objects.filter(transition="group").exists()

"""Reopening a rejected or declined request: a federation manager's decision, with a reason."""

from decimal import Decimal

import pytest

from dossiers import workflow
from tests.dossiers.helpers import assert_logged, manager_of, officer_of, request_in

pytestmark = pytest.mark.django_db


def test_a_manager_reopens_a_rejected_request_for_review():
    request = request_in("rejected")
    manager = manager_of(request)

    request = workflow.perform(request, "reopen", actor=manager, note="Pièce nouvelle reçue.")

    assert request.state == "in_review"
    assert_logged(
        request,
        transition="reopen",
        actor=manager,
        from_state="rejected",
        to_state="in_review",
        note="Pièce nouvelle reçue.",
    )


def test_reopening_a_declined_request_clears_the_funder_decision():
    request = request_in("declined")
    assert request.decision_reason

    request = workflow.perform(request, "reopen", actor=manager_of(request), note="Recours.")

    assert (request.state, request.decision_reason, request.approved_amount) == (
        "in_review",
        "",
        None,
    )


def test_an_officer_is_forbidden_to_reopen():
    request = request_in("rejected")

    with pytest.raises(workflow.Forbidden):
        workflow.perform(request, "reopen", actor=officer_of(request), note="Recours.")

    request.refresh_from_db()
    assert request.state == "rejected"


def test_reopening_needs_a_reason():
    request = request_in("rejected")

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "reopen", actor=manager_of(request))

    assert caught.value.problems == ["Un motif est obligatoire pour cette décision."]


def test_an_approved_request_cannot_be_reopened():
    request = request_in("approved")
    assert request.approved_amount == Decimal("22000.00")

    with pytest.raises(workflow.Conflict, match="« Accordée »"):
        workflow.perform(request, "reopen", actor=manager_of(request), note="Erreur.")

"""The federation's review: start it, return for changes, find eligible, reject."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.models import SupportingDocument
from tests.dossiers.helpers import (
    applicant_of,
    assert_logged,
    officer_of,
    other_federation_member,
    request_in,
)

pytestmark = pytest.mark.django_db
NOTE_REQUIRED = "Un motif est obligatoire pour cette décision."


def test_an_officer_of_the_campaign_federation_starts_the_review():
    request = request_in("submitted")
    officer = officer_of(request)

    request = workflow.perform(request, "start_review", actor=officer)

    assert request.state == "in_review"
    assert_logged(
        request,
        transition="start_review",
        actor=officer,
        from_state="submitted",
        to_state="in_review",
    )


def test_the_applicant_is_forbidden_to_review_its_own_request():
    request = request_in("submitted")

    with pytest.raises(workflow.Forbidden):
        workflow.perform(request, "start_review", actor=applicant_of(request))


def test_a_member_of_another_federation_is_forbidden_to_review():
    request = request_in("submitted")

    with pytest.raises(workflow.Forbidden):
        workflow.perform(request, "start_review", actor=other_federation_member())


def test_it_refuses_to_review_a_draft():
    with pytest.raises(workflow.Conflict, match="« Brouillon »"):
        workflow.perform(request_in("draft"), "start_review", actor=None)


def test_returning_for_changes_needs_a_note():
    request = request_in("in_review")

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "request_changes", actor=officer_of(request), note="  ")

    assert caught.value.problems == [NOTE_REQUIRED]


def test_the_officer_returns_a_request_for_changes_with_a_note():
    request = request_in("in_review")
    officer = officer_of(request)

    request = workflow.perform(
        request, "request_changes", actor=officer, note="Joignez un devis signé."
    )

    assert request.state == "needs_changes"
    assert_logged(
        request,
        transition="request_changes",
        actor=officer,
        from_state="in_review",
        to_state="needs_changes",
        note="Joignez un devis signé.",
    )


def test_the_officer_marks_a_complete_request_eligible():
    request = request_in("in_review")
    officer = officer_of(request)

    request = workflow.perform(request, "mark_eligible", actor=officer)

    assert request.state == "eligible"
    assert_logged(
        request,
        transition="mark_eligible",
        actor=officer,
        from_state="in_review",
        to_state="eligible",
    )


def test_eligibility_checks_again_documents_that_expired_since_submission():
    request = request_in("in_review")
    SupportingDocument.objects.filter(request=request, kind="kbis").update(
        issued_on=timezone.localdate() - timedelta(days=120)
    )

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "mark_eligible", actor=officer_of(request))

    [problem] = caught.value.problems
    assert problem.startswith("Extrait Kbis (kbis.pdf) périmé depuis le ")


def test_rejecting_needs_a_note():
    request = request_in("in_review")

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "reject", actor=officer_of(request))

    assert caught.value.problems == [NOTE_REQUIRED]


def test_the_officer_rejects_a_request_with_a_reason():
    request = request_in("in_review")
    officer = officer_of(request)

    request = workflow.perform(request, "reject", actor=officer, note="Hors champ.")

    assert request.state == "rejected"
    assert_logged(
        request,
        transition="reject",
        actor=officer,
        from_state="in_review",
        to_state="rejected",
        note="Hors champ.",
    )


@pytest.mark.parametrize("name", ["request_changes", "mark_eligible", "reject"])
def test_review_decisions_are_impossible_before_the_review_starts(name):
    request = request_in("submitted")

    with pytest.raises(workflow.Conflict, match="« Déposée »"):
        workflow.perform(request, name, actor=officer_of(request), note="motif")

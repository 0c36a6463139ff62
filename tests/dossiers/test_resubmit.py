"""Sending back a request that the federation returned for changes."""

import pytest

from dossiers import workflow
from tests.dossiers.helpers import applicant_of, assert_logged, request_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_applicant_resubmits_a_request_returned_for_changes():
    request = request_in("needs_changes")
    applicant = applicant_of(request)

    request = workflow.perform(request, "resubmit", actor=applicant, note="Devis ajouté.")

    assert request.state == "submitted"
    assert_logged(
        request,
        transition="resubmit",
        actor=applicant,
        from_state="needs_changes",
        to_state="submitted",
        note="Devis ajouté.",
    )


def test_it_refuses_resubmission_while_something_is_still_missing():
    request = request_in("needs_changes")
    request.quotes.all().delete()

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "resubmit", actor=applicant_of(request))

    assert caught.value.problems == ["Au moins un devis fournisseur est nécessaire."]
    request.refresh_from_db()
    assert request.state == "needs_changes"


def test_it_refuses_resubmission_of_a_request_under_review():
    request = request_in("in_review")

    with pytest.raises(workflow.Conflict, match="« En instruction »"):
        workflow.perform(request, "resubmit", actor=applicant_of(request))


def test_the_representative_of_another_enterprise_is_forbidden_to_resubmit():
    request = request_in("needs_changes")

    with pytest.raises(workflow.Forbidden):
        workflow.perform(request, "resubmit", actor=UserFactory())

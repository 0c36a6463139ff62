"""Grouping, ungrouping and sending: moves the system makes for a whole bundle at once."""

import pytest

from dossiers import workflow
from dossiers.models import RequestTransition
from tests.dossiers.helpers import applicant_of, assert_logged, other_funder_member, request_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_system_groups_several_eligible_requests_at_once():
    first, second = request_in("eligible"), request_in("eligible")

    done = workflow.perform_many([second, first], "group", actor=None, note="Lot 1")

    assert [r.pk for r in done] == sorted([first.pk, second.pk])
    for request in (first, second):
        request.refresh_from_db()
        assert request.state == "grouped"
        assert_logged(
            request,
            transition="group",
            actor=None,
            from_state="eligible",
            to_state="grouped",
            note="Lot 1",
        )


def test_the_system_ungroups_a_request_back_to_eligible():
    request = request_in("grouped")

    [request] = workflow.perform_many([request], "ungroup", actor=None)

    assert request.state == "eligible"
    assert_logged(
        request, transition="ungroup", actor=None, from_state="grouped", to_state="eligible"
    )


def test_sending_records_the_funder_that_received_the_request():
    request = request_in("grouped")
    funder = request.campaign.funders.get()

    [request] = workflow.perform_many([request], "send", actor=None, funder=funder)

    assert (request.state, request.sent_to) == ("sent", funder)
    assert_logged(request, transition="send", actor=None, from_state="grouped", to_state="sent")


def test_a_single_request_may_be_grouped_through_perform_too():
    request = workflow.perform(request_in("eligible"), "group", actor=None)

    assert request.state == "grouped"


def test_a_batch_is_all_or_nothing():
    ready, not_ready = request_in("eligible"), request_in("in_review")
    logs_before = RequestTransition.objects.count()

    with pytest.raises(workflow.Conflict) as caught:
        workflow.perform_many([ready, not_ready], "group", actor=None)

    assert caught.value.message == (
        f"La demande {not_ready.reference} est « En instruction » : action impossible."
    )
    ready.refresh_from_db()
    assert (ready.state, ready.version) == ("eligible", 5)
    assert RequestTransition.objects.count() == logs_before


def test_a_batch_with_a_request_that_no_longer_exists_is_a_conflict():
    request = request_in("eligible")

    with pytest.raises(workflow.Conflict, match="n'existent plus"):
        workflow.perform_many([request.pk, 987_654], "group", actor=None)


@pytest.mark.parametrize("who", ["applicant", "funder"])
def test_people_outside_the_federation_are_forbidden_to_group(who):
    request = request_in("eligible")
    actor = applicant_of(request) if who == "applicant" else other_funder_member()

    with pytest.raises(workflow.Forbidden, match=request.reference):
        workflow.perform_many([request], "group", actor=actor)

    request.refresh_from_db()
    assert request.state == "eligible"


@pytest.mark.parametrize(
    ("state", "name", "label"),
    [
        ("in_review", "group", "En instruction"),
        ("eligible", "ungroup", "Éligible"),
        ("eligible", "send", "Éligible"),
        ("sent", "ungroup", "Transmise au financeur"),
    ],
)
def test_bundle_moves_are_impossible_from_the_wrong_state(state, name, label):
    request = request_in(state)
    kwargs = {"funder": request.campaign.funders.get()} if name == "send" else {}

    with pytest.raises(workflow.Conflict) as caught:
        workflow.perform_many([request], name, actor=None, **kwargs)

    assert caught.value.message == (
        f"La demande {request.reference} est « {label} » : action impossible."
    )


def test_bundle_moves_are_not_offered_on_a_request_page():
    request = request_in("grouped")
    staff = UserFactory(is_staff=True)

    assert [o.name for o in workflow.options_for(request, staff)] == ["withdraw"]

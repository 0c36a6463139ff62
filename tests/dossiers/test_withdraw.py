"""The applicant withdraws its request: possible until the request leaves for the funder."""

import pytest

from dossiers import workflow
from dossiers.models.funding_request import WITHDRAWABLE
from tests.dossiers.helpers import applicant_of, assert_logged, other_federation_member, request_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [s.value for s in WITHDRAWABLE])
def test_the_applicant_withdraws_from_each_withdrawable_state(state):
    request = request_in(state)
    applicant = applicant_of(request)

    request = workflow.perform(request, "withdraw", actor=applicant, note="Projet abandonné.")

    assert request.state == "withdrawn"
    assert_logged(
        request,
        transition="withdraw",
        actor=applicant,
        from_state=state,
        to_state="withdrawn",
        note="Projet abandonné.",
    )


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("sent", "Transmise au financeur"),
        ("approved", "Accordée"),
        ("declined", "Refusée par le financeur"),
        ("rejected", "Refusée"),
        ("withdrawn", "Retirée"),
    ],
)
def test_it_refuses_withdrawal_once_sent_or_closed(state, label):
    request = request_in(state)

    with pytest.raises(workflow.Conflict) as caught:
        workflow.perform(request, "withdraw", actor=applicant_of(request))

    assert caught.value.message == f"Action impossible : la demande est « {label} »."


@pytest.mark.parametrize("make_actor", [UserFactory, other_federation_member])
def test_outsiders_are_forbidden_to_withdraw(make_actor):
    request = request_in("submitted")

    with pytest.raises(workflow.Forbidden):
        workflow.perform(request, "withdraw", actor=make_actor())

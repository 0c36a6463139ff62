"""The funder's decision on a request it received: approve an amount, or decline."""

from decimal import Decimal

import pytest

from dossiers import workflow
from tests.dossiers.helpers import (
    assert_logged,
    officer_of,
    other_funder_member,
    receiving_funder_of,
    request_in,
)
from tests.factories import CampaignFactory, FunderFactory, UserFactory

pytestmark = pytest.mark.django_db
ASKED = Decimal("22000.00")  # grant 10 000 + loan 12 000 in make_request


@pytest.mark.parametrize("amount", [Decimal("0.01"), Decimal("10000.00"), ASKED])
def test_the_receiving_funder_approves_an_amount_up_to_what_was_asked(amount):
    request = request_in("sent")
    analyst = receiving_funder_of(request)

    request = workflow.perform(
        request, "approve", actor=analyst, amount=amount, note="Comité du 12/11"
    )

    assert (request.state, request.approved_amount) == ("approved", amount)
    assert_logged(
        request,
        transition="approve",
        actor=analyst,
        from_state="sent",
        to_state="approved",
        note="Comité du 12/11",
    )


def test_it_refuses_to_approve_more_than_was_asked():
    request = request_in("sent")

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(
            request, "approve", actor=receiving_funder_of(request), amount=ASKED + Decimal("0.01")
        )

    assert caught.value.problems == [
        "Montant accordé 22\u202f000,01\u00a0€ supérieur au montant demandé 22\u202f000,00\u00a0€."
    ]


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), None])
def test_it_refuses_an_approved_amount_that_is_not_positive(amount):
    request = request_in("sent")

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "approve", actor=receiving_funder_of(request), amount=amount)

    assert caught.value.problems == ["Le montant accordé doit être positif."]
    request.refresh_from_db()
    assert (request.state, request.approved_amount) == ("sent", None)


def test_the_receiving_funder_declines_with_a_reason():
    request = request_in("sent")
    analyst = receiving_funder_of(request)

    request = workflow.perform(
        request, "decline", actor=analyst, note="Endettement trop élevé.", reason="Endettement"
    )

    assert (request.state, request.decision_reason) == ("declined", "Endettement")
    assert_logged(
        request,
        transition="decline",
        actor=analyst,
        from_state="sent",
        to_state="declined",
        note="Endettement trop élevé.",
    )


def test_declining_needs_a_reason():
    request = request_in("sent")

    with pytest.raises(workflow.Refused) as caught:
        workflow.perform(request, "decline", actor=receiving_funder_of(request), reason="")

    assert caught.value.problems == ["Un motif est obligatoire pour cette décision."]


def test_a_funder_that_did_not_receive_the_request_is_forbidden_to_decide():
    receiving, second_funder = FunderFactory(), FunderFactory()
    request = request_in("sent", campaign=CampaignFactory(funders=[receiving, second_funder]))
    assert request.sent_to == receiving
    co_funder_analyst = UserFactory(funder=True, organisation=second_funder)

    for actor in (co_funder_analyst, other_funder_member()):
        with pytest.raises(workflow.Forbidden):
            workflow.perform(request, "approve", actor=actor, amount=ASKED)
        with pytest.raises(workflow.Forbidden):
            workflow.perform(request, "decline", actor=actor, note="Non", reason="Non")


def test_the_federation_is_forbidden_to_decide_for_the_funder():
    request = request_in("sent")

    with pytest.raises(workflow.Forbidden):
        workflow.perform(request, "approve", actor=officer_of(request), amount=ASKED)


def test_there_is_no_decision_before_the_request_is_sent():
    request = request_in("grouped")

    with pytest.raises(workflow.Conflict, match="« Regroupée »"):
        workflow.perform(request, "approve", actor=None, amount=ASKED)

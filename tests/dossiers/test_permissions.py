"""Who may trigger which transition: outsiders get Forbidden and nothing changes."""

import pytest

from dossiers import permissions, workflow
from tests.dossiers.helpers import (
    applicant_of,
    manager_of,
    officer_of,
    other_federation_member,
    other_funder_member,
    receiving_funder_of,
    request_in,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUTSIDERS = {
    "the representative of another enterprise": lambda: UserFactory(),
    "a member of another federation": other_federation_member,
    "a funder that did not receive the request": other_funder_member,
}


@pytest.mark.parametrize(
    ("state", "name", "kwargs"),
    [
        ("draft", "submit", {}),
        ("submitted", "start_review", {}),
        ("in_review", "mark_eligible", {}),
        ("in_review", "reject", {"note": "Non"}),
        ("sent", "approve", {"amount": 1000}),
        ("sent", "decline", {"note": "Non", "reason": "Non"}),
        ("submitted", "withdraw", {}),
        ("rejected", "reopen", {"note": "Recours"}),
    ],
)
@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_are_forbidden_and_nothing_changes(state, name, kwargs, outsider):
    request = request_in(state)
    version = request.version

    with pytest.raises(workflow.Forbidden) as caught:
        workflow.perform(request, name, actor=OUTSIDERS[outsider](), **kwargs)

    assert caught.value.message == (
        "Vous n'avez pas le droit de faire cette action sur cette demande."
    )
    request.refresh_from_db()
    assert (request.state, request.version) == (state, version)


def test_each_role_matches_its_permission():
    request = request_in("sent")
    applicant, officer = applicant_of(request), officer_of(request)
    manager, analyst = manager_of(request), receiving_funder_of(request)

    assert [permissions.is_applicant(request, u) for u in (applicant, officer, analyst)] == [
        True,
        True,  # the federation may act for a member it entered from a spreadsheet
        False,
    ]
    assert [permissions.is_reviewer(request, u) for u in (applicant, officer, manager)] == [
        False,
        True,
        True,
    ]
    assert [permissions.is_manager(request, u) for u in (officer, manager)] == [False, True]
    assert [permissions.is_receiving_funder(request, u) for u in (officer, analyst)] == [
        False,
        True,
    ]


def test_staff_may_do_everything():
    request = request_in("sent")
    staff = UserFactory(is_staff=True)

    assert all(
        check(request, staff)
        for check in (
            permissions.is_applicant,
            permissions.is_reviewer,
            permissions.is_manager,
            permissions.is_receiving_funder,
        )
    )

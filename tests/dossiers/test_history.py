"""Every state change leaves one history row, written with it, never edited afterwards."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dossiers import demo, workflow
from dossiers.models import RequestTransition
from tests.dossiers.helpers import applicant_of, officer_of, request_in
from tests.factories import UserFactory, make_request

pytestmark = pytest.mark.django_db


def test_a_history_row_cannot_be_edited():
    request = request_in("submitted")
    log = request.history.get()
    log.note = "Réécrit après coup"

    with pytest.raises(ValidationError):
        log.save()

    assert RequestTransition.objects.get(pk=log.pk).note == ""


def test_a_history_row_cannot_be_deleted():
    log = request_in("submitted").history.get()

    with pytest.raises(ValidationError):
        log.delete()

    assert RequestTransition.objects.filter(pk=log.pk).exists()


@pytest.mark.parametrize(
    ("name", "make_actor", "error"),
    [
        ("submit", lambda r: applicant_of(r), workflow.Refused),  # de minimis missing
        ("submit", lambda r: UserFactory(), workflow.Forbidden),
        ("start_review", lambda r: officer_of(r), workflow.Conflict),  # still a draft
    ],
)
def test_a_refused_transition_writes_no_history_and_changes_nothing(name, make_actor, error):
    request = make_request()
    request.de_minimis.delete()
    before = (request.state, request.version, request.submitted_at)

    with pytest.raises(error):
        workflow.perform(request, name, actor=make_actor(request))

    request.refresh_from_db()
    assert (request.state, request.version, request.submitted_at) == before
    assert not RequestTransition.objects.exists()


def test_acting_on_a_stale_page_is_a_conflict_that_says_who_changed_it():
    request = request_in("submitted")
    officer = officer_of(request, first_name="Jeanne", last_name="Dupont")
    workflow.perform(request, "start_review", actor=officer)
    now = timezone.localtime()

    with pytest.raises(workflow.Conflict) as caught:
        workflow.perform(
            request, "withdraw", actor=applicant_of(request), expected_state="submitted"
        )

    assert caught.value.message.startswith(
        "Cette demande a changé pendant que vous la consultiez. Elle est maintenant "
        f"« En instruction » (par Jeanne Dupont, le {now:%d/%m/%Y} à "
    )


def test_each_transition_bumps_the_version_once_and_chains_the_history():
    request = make_request()
    start = request.version
    path = demo.PATHS["approved"]

    request = demo.advance(request, path)

    assert request.version == start + len(path)
    rows = list(request.history.values_list("transition", "from_state", "to_state"))
    assert [name for name, _, _ in rows] == list(path)
    assert rows[0][1] == "draft"
    assert all(rows[i][2] == rows[i + 1][1] for i in range(len(rows) - 1))
    assert rows[-1][2] == "approved"


def test_an_unknown_transition_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown transition 'approve_all'"):
        workflow.perform(make_request(), "approve_all", actor=None)

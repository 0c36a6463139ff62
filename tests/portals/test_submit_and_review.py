"""Submitting from the SME's page and deciding from the review screen."""

import html

import pytest
from django.urls import reverse

from dossiers import workflow
from dossiers.models import RequestState
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def act(client, request, transition, expected_state, note=""):
    return client.post(
        reverse("portals:transition", args=[request.reference]),
        {
            "transition": transition,
            "expected_state": expected_state,
            "note": note,
            "confirmed": "1",
        },
    )


def test_a_refused_submission_lists_the_guard_reasons(client):
    request = make_request(complete=False)
    client.force_login(request.enterprise.representatives.get())
    response = act(client, request, "submit", "draft")
    text = page(response)
    assert response.status_code == 200
    assert "Action refusée" in text
    assert "La déclaration des aides de minimis reçues ces 3 dernières années manque" in text
    assert "Pièce manquante : Extrait Kbis." in text
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT


def test_the_submit_button_says_why_it_is_not_yet_possible(client):
    request = make_request(complete=False)
    client.force_login(request.enterprise.representatives.get())
    text = page(client.get(reverse("portals:request_detail", args=[request.reference])))
    assert 'aria-disabled="true" aria-describedby="why-submit"' in text
    assert "Le mandat donné à la fédération chef de file n'est pas signé." in text


def test_a_complete_request_is_submitted_and_its_timeline_says_so(client):
    request = make_request()
    sme = request.enterprise.representatives.get()
    client.force_login(sme)
    response = act(client, request, "submit", "draft")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    text = page(client.get(response.url))
    assert "Demande déposée : c'est fait." in text
    assert "Demande déposée" in text and sme.get_full_name() in text
    assert reverse("portals:receipt", args=[request.reference]) in text


def _buttons(text: str) -> set[str]:
    import re

    return set(re.findall(r'name="transition" value="([a-z_]+)"', text))


def test_the_review_screen_offers_only_what_the_officer_may_do_now(client, world):
    client.force_login(world.users["fed_officer"])
    url = reverse("portals:review", args=[world.request.reference])
    # Needs changes: the ball is in the SME's court; the federation may still withdraw it.
    assert _buttons(page(client.get(url))) == {"resubmit", "withdraw"}
    workflow.perform(world.request, "resubmit", actor=None)
    assert _buttons(page(client.get(url))) == {"start_review", "withdraw"}
    workflow.perform(world.request, "start_review", actor=world.users["fed_officer"])
    text = page(client.get(url))
    assert _buttons(text) == {"request_changes", "mark_eligible", "reject", "withdraw"}
    assert 'id="note-request_changes"' in text and 'id="note-reject"' in text


def test_the_sme_never_sees_the_reviewers_buttons(client, world):
    workflow.perform(world.request, "resubmit", actor=None)
    workflow.perform(world.request, "start_review", actor=world.users["fed_officer"])
    client.force_login(world.users["sme_owner"])
    text = page(client.get(reverse("portals:request_detail", args=[world.request.reference])))
    assert _buttons(text) == {"withdraw"}


def test_asking_for_changes_without_a_note_is_refused_and_says_why(client, world):
    workflow.perform(world.request, "resubmit", actor=None)
    workflow.perform(world.request, "start_review", actor=world.users["fed_officer"])
    client.force_login(world.users["fed_officer"])
    response = act(client, world.request, "request_changes", "in_review", note="  ")
    assert response.status_code == 200
    assert "Un motif est obligatoire pour cette décision." in page(response)


def test_a_second_reviewer_acting_on_a_stale_page_gets_a_conflict(client, world):
    workflow.perform(world.request, "resubmit", actor=None)
    workflow.perform(world.request, "start_review", actor=world.users["fed_officer"])
    workflow.perform(world.request, "mark_eligible", actor=world.users["fed_manager"])
    client.force_login(world.users["fed_officer"])
    response = act(client, world.request, "reject", "in_review", note="Hors périmètre")
    text = page(response)
    assert response.status_code == 200
    assert "Cette demande a changé pendant que vous la consultiez" in text
    assert "Hors périmètre" in text  # the note typed is kept
    world.request.refresh_from_db()
    assert world.request.state == RequestState.ELIGIBLE


def test_a_manager_reopens_a_rejected_request_with_a_note(client, world):
    workflow.perform(world.request, "resubmit", actor=None)
    workflow.perform(world.request, "start_review", actor=world.users["fed_officer"])
    workflow.perform(world.request, "reject", actor=world.users["fed_officer"], note="Incomplet")
    client.force_login(world.users["fed_officer"])
    url = reverse("portals:review", args=[world.request.reference])
    assert "reopen" not in _buttons(page(client.get(url)))
    client.force_login(world.users["fed_manager"])
    assert "reopen" in _buttons(page(client.get(url)))
    response = act(client, world.request, "reopen", "rejected", note="Kbis reçu par courrier")
    assert response.status_code == 302
    world.request.refresh_from_db()
    assert world.request.state == RequestState.IN_REVIEW


def test_declaring_eligible_without_the_confirming_click_does_nothing(client, world):
    officer = world.users["fed_officer"]
    request = make_request(campaign=world.request.campaign)
    workflow.perform(request, "submit", actor=None)
    workflow.perform(request, "start_review", actor=officer)
    client.force_login(officer)

    response = client.post(
        reverse("portals:transition", args=[request.reference]),
        {"transition": "mark_eligible", "expected_state": "in_review"},  # no "confirmed"
    )

    assert "confirmez-la avec le second bouton" in page(response)
    request.refresh_from_db()
    assert request.state == RequestState.IN_REVIEW

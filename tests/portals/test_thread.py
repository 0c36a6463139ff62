"""The needs-changes round trip: the federation's note, the SME's reply, resubmission."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from dossiers import workflow
from dossiers.models import RequestMessage, RequestState

pytestmark = pytest.mark.django_db


def test_the_needs_changes_round_trip(client, world, django_capture_on_commit_callbacks):
    sme, officer = world.users["sme_owner"], world.users["fed_officer"]
    detail = reverse("portals:request_detail", args=[world.request.reference])

    # The officer's note, written with "request changes", is in the SME's thread.
    client.force_login(sme)
    text = html.unescape(client.get(detail).content.decode())
    assert "Merci de joindre un Kbis récent." in text
    assert "note jointe à « Compléments demandés »" in text

    # The SME replies; the federation hears about it after commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portals:thread", args=[world.request.reference]),
            {"body": "Kbis du mois joint, merci.", "next": detail},
        )
    assert response.status_code == 302 and response.url == f"{detail}#messages"
    assert RequestMessage.objects.get().author == sme
    assert {m.to[0] for m in mail.outbox} == {officer.email, world.users["fed_manager"].email}
    assert "Kbis du mois joint, merci." in mail.outbox[0].body

    # ...and resubmits.
    response = client.post(
        reverse("portals:transition", args=[world.request.reference]),
        {"transition": "resubmit", "expected_state": "needs_changes"},
    )
    assert response.status_code == 302
    world.request.refresh_from_db()
    assert world.request.state == RequestState.SUBMITTED

    # The officer reads the reply on the review screen.
    client.force_login(officer)
    text = client.get(reverse("portals:review", args=[world.request.reference])).content.decode()
    assert "Kbis du mois joint, merci." in text


def test_an_empty_message_is_refused_on_the_thread_page(client, world):
    client.force_login(world.users["fed_officer"])
    response = client.post(
        reverse("portals:thread", args=[world.request.reference]), {"body": "   "}
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not RequestMessage.objects.exists()


def test_an_outside_next_url_is_not_followed(client, world):
    client.force_login(world.users["sme_owner"])
    response = client.post(
        reverse("portals:thread", args=[world.request.reference]),
        {"body": "Bonjour", "next": "https://evil.example/"},
    )
    assert response.url.startswith(
        reverse("portals:request_detail", args=[world.request.reference])
    )


def test_the_timeline_names_the_system_as_grappe(client, world):
    client.force_login(world.users["sme_owner"])
    text = html.unescape(
        client.get(
            reverse("portals:request_detail", args=[world.request.reference])
        ).content.decode()
    )
    # The first submission was done by the system (actor None) in the fixture.
    assert "par Grappe" in text
    assert "Compléments demandés" in text
    assert workflow.TRANSITIONS  # the timeline lists transitions by their plain names

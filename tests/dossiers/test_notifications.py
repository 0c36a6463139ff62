"""Who is e-mailed about a change of state, when (after commit only), and in which language."""

import pytest
from django.db import transaction

from dossiers import workflow
from tests.dossiers.helpers import applicant_of, manager_of, officer_of, request_in
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_the_federation_is_emailed_once_a_submission_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = make_request()
    officer = officer_of(request)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(request, "submit", actor=applicant_of(request))

    [mail] = mailoutbox
    assert mail.to == [officer.email]
    # The federation reads whose request it is, not "votre demande".
    assert mail.subject == (
        f"Grappe : la demande {request.reference} de {request.enterprise.name} est « Déposée »"
    )
    assert "est passée de « Brouillon » à « Déposée »" in mail.body


def test_no_email_leaves_before_the_commit(django_capture_on_commit_callbacks, mailoutbox):
    request = make_request()
    officer_of(request)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.perform(request, "submit", actor=applicant_of(request))
        assert mailoutbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1


def test_no_email_leaves_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = make_request()
    officer_of(request)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.perform(request, "submit", actor=applicant_of(request))
        raise RuntimeError("the surrounding operation failed")

    assert callbacks == []
    assert mailoutbox == []
    request.refresh_from_db()
    assert (request.state, request.history.count()) == ("draft", 0)


def test_the_applicant_reads_the_note_of_a_return_for_changes(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = request_in("in_review")
    applicant = applicant_of(request)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(
            request, "request_changes", actor=officer_of(request), note="Joignez un devis signé."
        )

    [mail] = mailoutbox
    assert mail.to == [applicant.email]
    assert "de « En instruction » à « À compléter »" in mail.body
    assert "Note : Joignez un devis signé." in mail.body


def test_nobody_is_emailed_about_their_own_action(django_capture_on_commit_callbacks, mailoutbox):
    request = request_in("submitted")
    applicant = applicant_of(request)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(request, "withdraw", actor=applicant)

    assert mailoutbox == []


def test_people_without_an_address_or_inactive_are_not_emailed(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = make_request()
    officer_of(request, email="")
    officer_of(request, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(request, "submit", actor=applicant_of(request))

    assert mailoutbox == []


def test_each_recipient_reads_the_email_in_their_own_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = make_request()
    french = officer_of(request)
    english = manager_of(request, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(request, "submit", actor=applicant_of(request))

    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    name = request.enterprise.name
    assert by_recipient[french.email].subject == (
        f"Grappe : la demande {request.reference} de {name} est « Déposée »"
    )
    assert by_recipient[english.email].subject == (
        f"Grappe: request {request.reference} from {name} is “Submitted”"
    )
    assert by_recipient[english.email].body.startswith("Hello,\n\nRequest ")
    assert "has moved from “Draft” to “Submitted”." in by_recipient[english.email].body

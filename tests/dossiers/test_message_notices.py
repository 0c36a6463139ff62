"""A message on a request's thread e-mails the other side once, after commit, in their
language; a notice run twice sends nothing twice."""

import pytest

from dossiers.messages import notify_message, post_message
from tests.dossiers.helpers import applicant_of, manager_of, officer_of
from tests.factories import make_request
from workers.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_an_smes_reply_emails_the_federation_in_each_ones_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = make_request()
    french, english = officer_of(request), manager_of(request, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        message = post_message(request, author=applicant_of(request), body="Voici le devis.")

    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_recipient) == {french.email, english.email}
    assert by_recipient[french.email].subject == (
        f"Grappe : nouveau message de {request.enterprise.name} sur la demande {request.reference}"
    )
    assert "Voici le devis." in by_recipient[french.email].body
    # A deep link to the thread, absolute (SITE_URL), for whoever reads it.
    link = f"http://127.0.0.1:8000/demandes/{request.reference}/messages/"
    assert link in by_recipient[french.email].body
    assert by_recipient[english.email].subject.startswith("Grappe: new message")
    job = Job.objects.get(kind=Job.Kind.NOTIFY_MESSAGE)
    assert (job.state, job.target, job.result) == (JobState.DONE, message, {"sent": 2})


def test_the_federations_message_emails_the_sme(django_capture_on_commit_callbacks, mailoutbox):
    request = make_request()
    officer = officer_of(request)

    with django_capture_on_commit_callbacks(execute=True):
        post_message(request, author=officer, body="Il manque le Kbis.")

    assert [mail.to[0] for mail in mailoutbox] == [applicant_of(request).email]
    assert "votre demande" in mailoutbox[0].subject  # the applicant reads about their own


def test_nothing_leaves_before_the_commit_nor_twice(django_capture_on_commit_callbacks, mailoutbox):
    request = make_request()
    officer_of(request)

    with django_capture_on_commit_callbacks(execute=False) as pending:
        message = post_message(request, author=applicant_of(request), body="Bonjour")
    assert mailoutbox == [] and len(pending) == 1

    pending[0]()
    assert len(mailoutbox) == 1
    assert notify_message(message.pk) == 0  # delivered again: already sent
    assert len(mailoutbox) == 1

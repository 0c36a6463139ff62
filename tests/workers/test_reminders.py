"""Daily reminders: deadlines near, documents about to expire; each sent once."""

from datetime import date, timedelta

import pytest

from dossiers.reminders import send_deadline_reminders, warn_expiring_documents
from tests.factories import CampaignFactory, UserFactory, add_document, make_request
from workers.models import Notification

pytestmark = pytest.mark.django_db

TODAY = date.today()


@pytest.fixture
def campaign(settings):
    settings.DEADLINE_REMINDER_DAYS = 7
    return CampaignFactory(deadline=TODAY + timedelta(days=5))


def test_the_federation_and_smes_with_unsent_requests_hear_of_a_near_deadline(campaign, mailoutbox):
    officer = UserFactory(officer=True, organisation=campaign.federation)
    draft = make_request(campaign=campaign, complete=False)
    sme = draft.enterprise.representatives.get()
    english = UserFactory(language="en")
    draft.enterprise.representatives.add(english)

    assert send_deadline_reminders(today=TODAY) == 3

    by_person = {m.to[0]: m for m in mailoutbox}
    assert set(by_person) == {officer.email, sme.email, english.email}
    assert "se clôt le" in by_person[officer.email].subject
    assert "1 demande(s) ne sont pas encore déposées" in by_person[officer.email].body
    assert draft.reference in by_person[sme.email].body
    assert by_person[english.email].subject.startswith("Grappe: submit your request before")


def test_deadline_reminders_are_sent_once_however_often_they_run(campaign, mailoutbox):
    UserFactory(officer=True, organisation=campaign.federation)
    make_request(campaign=campaign, complete=False)
    send_deadline_reminders(today=TODAY)
    assert send_deadline_reminders(today=TODAY + timedelta(days=1)) == 0
    assert len(mailoutbox) == 2
    assert Notification.objects.count() == 2


def test_smes_that_already_submitted_and_far_deadlines_are_left_alone(campaign, mailoutbox):
    CampaignFactory(deadline=TODAY + timedelta(days=30))
    closed = CampaignFactory(deadline=TODAY + timedelta(days=2), is_open=False)
    make_request(campaign=closed, complete=False)
    assert send_deadline_reminders(today=TODAY) == 0


def test_representatives_are_warned_of_a_kbis_about_to_expire(settings, mailoutbox):
    settings.DOCUMENT_EXPIRY_WARNING_DAYS = 14
    request = make_request(complete=False)
    sme = request.enterprise.representatives.get()
    # The Kbis counts 90 days (dated parameter): issued 80 days ago, it lapses in 10.
    kbis = add_document(request, "kbis", issued_on=TODAY - timedelta(days=80))
    add_document(request, "rib", issued_on=TODAY - timedelta(days=80))  # never expires
    add_document(request, "tax_certificate", expires_on=TODAY + timedelta(days=60))

    assert warn_expiring_documents(today=TODAY) == 1
    assert warn_expiring_documents(today=TODAY + timedelta(days=1)) == 0

    (mail,) = mailoutbox
    assert mail.to == [sme.email]
    assert request.reference in mail.subject
    assert (TODAY + timedelta(days=10)).strftime("%d/%m/%Y") in mail.subject
    assert Notification.objects.get().key.startswith(f"document-expiry:{kbis.pk}:")

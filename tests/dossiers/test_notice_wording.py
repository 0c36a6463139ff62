"""A request's notices are worded for their reader and link to the page they are about."""

import pytest

from dossiers import workflow
from tests.dossiers.helpers import applicant_of, officer_of
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_the_federation_reads_whose_request_it_is_with_a_link_to_review_it(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.SITE_URL = "https://grappe.example.org"
    request = make_request()
    officer = officer_of(request)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(request, "submit", actor=applicant_of(request))

    (mail,) = [m for m in mailoutbox if m.to == [officer.email]]
    assert request.enterprise.name in mail.subject and "votre demande" not in mail.subject
    assert "votre demande" not in mail.body.lower()
    assert f"https://grappe.example.org/federation/demandes/{request.reference}/" in mail.body


def test_the_applicant_reads_about_their_own_request_with_a_link_to_its_page(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.SITE_URL = "https://grappe.example.org"
    request = make_request()
    officer = officer_of(request)
    workflow.perform(request, "submit", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(request, "start_review", actor=officer)

    (mail,) = [m for m in mailoutbox if m.to == [applicant_of(request).email]]
    assert mail.subject.startswith(f"Grappe : votre demande {request.reference}")
    assert f"https://grappe.example.org/demandes/{request.reference}/" in mail.body


def test_an_english_reader_gets_the_notice_in_english(
    django_capture_on_commit_callbacks, mailoutbox
):
    request = make_request()
    officer = officer_of(request, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(request, "submit", actor=applicant_of(request))

    (mail,) = [m for m in mailoutbox if m.to == [officer.email]]
    assert mail.subject.startswith(f"Grappe: request {request.reference} from")
    assert "Review it: http" in mail.body

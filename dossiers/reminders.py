"""Daily reminders: campaign deadlines, supporting documents about to expire.

Each e-mail goes through ``workers.delivery.deliver`` with a key naming the event (the
campaign and its deadline, the document and its last valid day): running the reminders
twice a day, or again after a worker crash, sends nothing twice. A day missed (no worker
that day) is caught up the next day, since the window runs up to the date itself.
French by default, English for people whose language is "en".
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from accounts.models import User, federation_staff
from dossiers.formatting import format_date
from dossiers.models import Campaign, FundingRequest, RequestState, SchemeParameter
from dossiers.models import SupportingDocument as Doc
from dossiers.models.funding_request import EDITABLE
from workers.delivery import deliver

# Documents still matter until the file reaches a funder.
BEFORE_SENDING = (*EDITABLE, RequestState.SUBMITTED, RequestState.IN_REVIEW)
BEFORE_SENDING += (RequestState.ELIGIBLE, RequestState.GROUPED)

TEXTS = {
    "fr": {
        "federation_subject": "Grappe : la campagne {campaign} se clôt le {deadline}",
        "federation_body": (
            "Bonjour,\n\nLa campagne {campaign} ({name}) se clôt le {deadline}, dans {days} "
            "jour(s).\n{drafts} demande(s) ne sont pas encore déposées.\n\n"
            "Suivez-les dans votre espace Grappe.\n"
        ),
        "sme_subject": "Grappe : déposez votre demande avant le {deadline}",
        "sme_body": (
            "Bonjour,\n\nLa campagne {campaign} ({name}) se clôt le {deadline}, dans {days} "
            "jour(s). Ces demandes ne sont pas encore déposées :\n{requests}\n\n"
            "Complétez-les et déposez-les depuis votre espace Grappe.\n"
        ),
        "document_subject": "Grappe : une pièce de la demande {ref} expire le {until}",
        "document_body": (
            "Bonjour,\n\nLa pièce « {kind} » ({file}) de la demande {ref} n'est valable que "
            "jusqu'au {until}.\nDéposez-en une version à jour depuis votre espace Grappe "
            "pour que le dossier reste complet.\n"
        ),
    },
    "en": {
        "federation_subject": "Grappe: campaign {campaign} closes on {deadline}",
        "federation_body": (
            "Hello,\n\nCampaign {campaign} ({name}) closes on {deadline}, in {days} day(s).\n"
            "{drafts} request(s) have not been submitted yet.\n\n"
            "Follow them in your Grappe space.\n"
        ),
        "sme_subject": "Grappe: submit your request before {deadline}",
        "sme_body": (
            "Hello,\n\nCampaign {campaign} ({name}) closes on {deadline}, in {days} day(s). "
            "These requests have not been submitted yet:\n{requests}\n\n"
            "Complete and submit them from your Grappe space.\n"
        ),
        "document_subject": "Grappe: a document of request {ref} expires on {until}",
        "document_body": (
            'Hello,\n\nThe document "{kind}" ({file}) of request {ref} is valid only until '
            "{until}.\nUpload an up-to-date version from your Grappe space so that the file "
            "stays complete.\n"
        ),
    },
}


def _text(person: User, text: str, **values) -> str:
    return TEXTS.get(person.language, TEXTS["fr"])[text].format(**values)


def _federation_people(campaign: Campaign):
    return federation_staff(campaign.federation_id).exclude(email="")


def send_deadline_reminders(*, today: date) -> int:
    """Tell the federation and the SMEs with unsent requests that a deadline is near."""
    horizon = today + timedelta(days=settings.DEADLINE_REMINDER_DAYS)
    sent = 0
    campaigns = Campaign.objects.filter(is_open=True, deadline__gte=today, deadline__lte=horizon)
    for campaign in campaigns:
        key = f"deadline:{campaign.pk}:{campaign.deadline.isoformat()}"
        unsent = list(
            FundingRequest.objects.filter(campaign=campaign, state__in=EDITABLE)
            .select_related("enterprise")
            .order_by("reference")
        )
        values = {
            "campaign": campaign.reference,
            "name": campaign.name,
            "deadline": format_date(campaign.deadline),
            "days": (campaign.deadline - today).days,
        }
        for person in _federation_people(campaign):
            sent += deliver(
                key=key,
                recipient=person,
                subject=_text(person, "federation_subject", **values),
                body=_text(person, "federation_body", drafts=len(unsent), **values),
            )
        by_person = defaultdict(list)
        for request in unsent:
            for person in request.enterprise.representatives.filter(is_active=True):
                by_person[person].append(request)
        for person, requests in by_person.items():
            listing = "\n".join(f"- {r.reference} : {r.project_title}" for r in requests)
            sent += deliver(
                key=key,
                recipient=person,
                subject=_text(person, "sme_subject", **values),
                body=_text(person, "sme_body", requests=listing, **values),
            )
    return sent


def warn_expiring_documents(*, today: date) -> int:
    """Warn SME representatives of documents whose validity ends within the warning period."""
    horizon = today + timedelta(days=settings.DOCUMENT_EXPIRY_WARNING_DAYS)
    P = SchemeParameter.Key
    kbis_days = int(SchemeParameter.value_on(P.KBIS_VALIDITY_DAYS, today))
    letter_days = int(SchemeParameter.value_on(P.BANK_LETTER_VALIDITY_DAYS, today))
    documents = (
        Doc.objects.filter(request__state__in=BEFORE_SENDING)
        .filter(_may_expire(since=today - timedelta(days=max(kbis_days, letter_days))))
        .select_related("request__enterprise", "stored_file")
    )
    sent = 0
    for document in documents:
        until = document.valid_until(kbis_days=kbis_days, bank_letter_days=letter_days)
        if until is None or not today <= until <= horizon:
            continue
        request = document.request
        for person in request.enterprise.representatives.filter(is_active=True):
            values = {
                "kind": document.get_kind_display(),
                "file": document.stored_file.original_name,
                "ref": request.reference,
                "until": format_date(until),
            }
            sent += deliver(
                key=f"document-expiry:{document.pk}:{until.isoformat()}",
                recipient=person,
                subject=_text(person, "document_subject", **values),
                body=_text(person, "document_body", **values),
            )
    return sent


def _may_expire(*, since: date) -> Q:
    """A dated document, or a Kbis or bank letter recent enough to be still valid."""
    return Q(expires_on__isnull=False) | Q(
        kind__in=[Doc.Kind.KBIS, Doc.Kind.BANK_LETTER], issued_on__gte=since
    )

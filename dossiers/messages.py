"""Posting to a request's thread, and telling the other side after commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User, federation_staff
from dossiers.models import FundingRequest, RequestMessage
from dossiers.notifications import applicant_reads
from grappe.links import absolute
from workers.delivery import tell
from workers.jobs import enqueue_job
from workers.models import Job

MAX_LENGTH = 5000


def post_message(request: FundingRequest, *, author, body: str) -> RequestMessage:
    """Add ``body`` to the thread of ``request``; the caller has checked ``author`` sees it."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Le message est vide."), code="empty_message")
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            _("Le message dépasse %(max)d caractères.") % {"max": MAX_LENGTH}, code="too_long"
        )
    with transaction.atomic():
        message = RequestMessage.objects.create(request=request, author=author, body=body)
        # A job row, sent after commit: a broker outage delays the e-mail, never loses it.
        enqueue_job(Job.Kind.NOTIFY_MESSAGE, message, created_by=author)
    return message


def recipients(message: RequestMessage) -> list[User]:
    """The other side of the conversation: the SME hears the federation, and back."""
    request = message.request
    if message.author.is_sme_representative and not message.author.is_staff:
        people = federation_staff(request.campaign.federation_id)
    else:
        people = request.enterprise.representatives.filter(is_active=True)
    return [p for p in people if p.email and p.pk != message.author_id]


def notify_message(message_id: int, *, job=None) -> int:
    """E-mail each person on the other side once (``workers.delivery``); returns the
    e-mails sent now."""
    message = (
        RequestMessage.objects.select_related("author", "request__campaign", "request__enterprise")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0

    def compose(person) -> tuple[str, str]:
        request = message.request
        values = {
            "author": message.author.get_full_name() or message.author.username,
            "ref": request.reference,
            "title": request.project_title,
            "name": request.enterprise.name,
            "body": message.body,
            "link": absolute("portals:thread", request.reference),
        }
        if applicant_reads(person, request):
            subject = _("Grappe : nouveau message sur votre demande %(ref)s") % values
            body = _(
                "Bonjour,\n\n%(author)s a écrit au sujet de votre demande %(ref)s (%(title)s) :"
                "\n\n%(body)s\n\nLire et répondre : %(link)s\n"
            )
        else:
            subject = _("Grappe : nouveau message de %(name)s sur la demande %(ref)s") % values
            body = _(
                "Bonjour,\n\n%(author)s (%(name)s) a écrit au sujet de la demande %(ref)s "
                "(%(title)s) :\n\n%(body)s\n\nLire et répondre : %(link)s\n"
            )
        return subject, body % values

    return tell(recipients(message), key=f"message:{message.pk}", compose=compose, job=job)

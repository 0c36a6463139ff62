"""Posting to a request's thread, and telling the other side after commit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.models import FundingRequest, RequestMessage

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
    from dossiers.tasks import notify_message

    with transaction.atomic():
        message = RequestMessage.objects.create(request=request, author=author, body=body)
        notify_message.delay_on_commit(message.pk)
    return message


def recipients(message: RequestMessage) -> list[User]:
    """The other side of the conversation: the SME hears the federation, and back."""
    request = message.request
    if message.author.is_sme_representative and not message.author.is_staff:
        people = User.objects.filter(
            organisation_id=request.campaign.federation_id,
            role__in=[User.Role.FEDERATION_OFFICER, User.Role.FEDERATION_MANAGER],
            is_active=True,
        )
    else:
        people = request.enterprise.representatives.filter(is_active=True)
    return [p for p in people if p.email and p.pk != message.author_id]


def notify_message(message_id: int) -> int:
    message = (
        RequestMessage.objects.select_related("author", "request__campaign", "request__enterprise")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    sent = 0
    for person in recipients(message):
        with translation.override(person.language):
            subject = _("Grappe : nouveau message sur la demande %(ref)s") % {
                "ref": message.request.reference
            }
            body = _(
                "Bonjour,\n\n%(author)s a écrit au sujet de la demande %(ref)s (%(title)s) :\n\n"
                "%(body)s\n\nRépondez depuis votre espace Grappe.\n"
            ) % {
                "author": message.author.get_full_name() or message.author.username,
                "ref": message.request.reference,
                "title": message.request.project_title,
                "body": message.body,
            }
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    return sent

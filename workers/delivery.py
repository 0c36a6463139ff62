"""Sending one e-mail about one event to one person, once, whoever asks twice.

The ``Notification`` row is written before the e-mail leaves and stamped after: a task
delivered twice, a retry after a partial failure, a reminder run twice the same day all
find the stamp and send nothing. Only a crash in the instant between the mail server's
acceptance and the stamp can repeat one e-mail: a repeated notice is better than a lost one.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation

from workers.models import Notification


def deliver(*, key: str, recipient, subject: str, body: str, transition=None, job=None) -> int:
    """E-mail ``recipient`` about event ``key`` unless already done; returns 1 if sent now."""
    if not recipient.email:
        return 0
    note, _created = Notification.objects.get_or_create(
        key=key,
        recipient=recipient,
        defaults={"subject": subject[:300], "transition": transition, "job": job},
    )
    if note.sent_at is not None:
        return 0
    sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now(), job=job)
    return sent


def tell(
    people: Iterable,
    *,
    key: str,
    compose: Callable[[object], tuple[str, str]],
    transition=None,
    job=None,
) -> int:
    """E-mail each of ``people`` about event ``key`` once, in their own language:
    ``compose(person)`` runs under each person's language and returns (subject, body),
    worded for that reader (the applicant, the federation) with a link to the page."""
    sent = 0
    for person in people:
        with translation.override(person.language):
            subject, body = compose(person)
        sent += deliver(
            key=key, recipient=person, subject=subject, body=body, transition=transition, job=job
        )
    return sent

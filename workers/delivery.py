"""Sending one e-mail about one event to one person, once, whoever asks twice.

The ``Notification`` row is written before the e-mail leaves and stamped after: a task
delivered twice, a retry after a partial failure, a reminder run twice the same day all
find the stamp and send nothing. Only a crash in the instant between the mail server's
acceptance and the stamp can repeat one e-mail: a repeated notice is better than a lost one.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Model
from django.utils import timezone, translation

from workers.models import Job, Notification

# A person is Grappe's user model (accounts sits beside this app, not below it).


def deliver(
    *,
    key: str,
    recipient: Any,
    subject: str,
    body: str,
    transition: Model | None = None,
    job: Job | None = None,
) -> int:
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
    people: Iterable[Any],
    *,
    key: str,
    compose: Callable[[Any], tuple[str, str]],
    transition: Model | None = None,
    job: Job | None = None,
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

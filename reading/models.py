"""Who has read a request's thread up to when: the lists' "new messages" cue.

Opening a request's page or its thread marks the thread read for that person
(``mark_read``); a message written since by someone else is unread for them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ThreadRead(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        "dossiers.FundingRequest", on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(_("lu jusqu'au"))

    class Meta:
        verbose_name = _("lecture d'un fil")
        verbose_name_plural = _("lectures des fils")
        constraints = [
            models.UniqueConstraint(fields=["user", "request"], name="one_thread_read_per_user")
        ]


def mark_read(user, funding_request) -> None:
    """The person has now seen every message of the request's thread."""
    if user.is_authenticated:
        ThreadRead.objects.update_or_create(
            user=user, request=funding_request, defaults={"read_at": timezone.now()}
        )


def unread_messages(user):
    """An expression for a FundingRequest queryset: how many of its messages, written by
    someone else, ``user`` has not seen yet (``.annotate(unread=unread_messages(user))``)."""
    from dossiers.models import RequestMessage

    read_at = ThreadRead.objects.filter(user=user, request=OuterRef("request")).values("read_at")[
        :1
    ]
    unseen = (
        RequestMessage.objects.filter(request=OuterRef("pk"))
        .exclude(author=user)
        .annotate(read_at=Subquery(read_at))
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=models.F("read_at")))
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unseen, output_field=models.IntegerField()), 0)

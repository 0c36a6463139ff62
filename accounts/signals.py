"""Deactivating an account, from whatever path (administration, shell, a service), is
recorded and ends the account's sessions (docs/rules.md#deactivated-accounts)."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User


@receiver(pre_save, sender=User)
def record_deactivation(sender, instance: User, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    was_active = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    if was_active and not instance.is_active:
        instance.deactivated_at = timezone.now()
        transaction.on_commit(lambda: end_sessions(instance.pk))
    elif was_active is False and instance.is_active:
        instance.deactivated_at = None  # an administrator's deliberate reactivation


def end_sessions(user_id: int) -> int:
    """Delete every live session of the user; returns how many.

    Sessions are stored signed and encoded: they are read one by one. Deactivations are
    rare, and this runs after commit, outside the administrator's transaction.
    """
    ended = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=1000):
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)

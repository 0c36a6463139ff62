"""Saving a campaign's grouping rules: ``save_policy(policy, *, actor, expected_version)``.

The rules decide which requests end up together, so who changed them last, and when, is
kept on the row; every run also keeps the rules it used (``GroupingRun.policy``). Two
people editing the rules at once: the second to save gets a ``Conflict`` naming the first,
and nothing of theirs is written over the other's.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers.workflow import Conflict, Forbidden
from grouping.models import GroupingPolicy
from grouping.permissions import may_run_grouping


def save_policy(policy: GroupingPolicy, *, actor, expected_version: int | None) -> GroupingPolicy:
    """Create or replace the rules of ``policy.campaign`` with ``policy``'s fields.

    ``expected_version`` is the version the person edited (None: there were no rules yet).
    The policy must be valid (``full_clean``) already: the form shows field errors itself.
    """
    campaign = policy.campaign
    if actor is not None and not may_run_grouping(campaign, actor):
        raise Forbidden("Vous ne pouvez pas modifier les règles de regroupement de cette campagne.")
    try:
        with transaction.atomic():
            current = (
                GroupingPolicy.objects.select_for_update()
                .filter(campaign=campaign, kind=policy.kind)
                .first()
            )
            seen = current.version if current is not None else None
            if seen != expected_version:
                raise Conflict(_changed_meanwhile(current))
            policy.pk = current.pk if current is not None else None
            policy.version = (current.version + 1) if current is not None else 1
            policy.updated_by = actor
            policy.save(force_insert=current is None, force_update=current is not None)
    except IntegrityError:
        # The campaign's first rules have no row to lock yet: when two people write them
        # at once, the one-rules-per-campaign constraint stops the second.
        policy.pk = None
        written = GroupingPolicy.objects.filter(campaign=campaign, kind=policy.kind).first()
        if written is None or expected_version is not None:
            raise  # another constraint: a programming error, not a concurrent edit
        raise Conflict(_changed_meanwhile(written)) from None
    return policy


def _changed_meanwhile(current: GroupingPolicy | None) -> str:
    if current is None:  # the rules were deleted meanwhile (in the administration)
        return "Les règles de regroupement ont été supprimées pendant votre saisie."
    who = "l'administration"
    if current.updated_by is not None:
        who = current.updated_by.get_full_name() or current.updated_by.username
    when = timezone.localtime(current.updated_at).strftime("%d/%m/%Y à %H:%M")
    return f"Les règles de regroupement ont été modifiées par {who} le {when} pendant votre saisie."

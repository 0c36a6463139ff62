"""An enterprise's own description, changed by its representatives:
``update_enterprise(enterprise, changes, *, actor, expected_version)``.

The figures (headcount, turnover, balance sheet, activity, territory…) decide the SME
category, the eligibility and the grouping key of every request the enterprise makes.
So they can be corrected while its requests are drafts or sent back for changes, and no
longer once a request is being reviewed, is eligible or is with a funder: that request
was assessed on them. Ask the federation to send it back for changes first.
"""

from django.db import transaction

from dossiers.models import Enterprise, RequestState
from dossiers.workflow import Conflict, Forbidden, Refused

S = RequestState
# A request in one of these states was assessed on the enterprise's figures as they are.
ASSESSED = (S.SUBMITTED, S.IN_REVIEW, S.ELIGIBLE, S.GROUPED, S.SENT)
# Identity: another SIRET is another establishment, hence another enterprise record.
FIXED = frozenset({"siren", "siret"})


def update_enterprise(
    enterprise: Enterprise, changes: dict, *, actor, expected_version: int
) -> Enterprise:
    """Apply ``changes`` (field → value) to ``enterprise``, all or nothing.

    Raises ``Forbidden`` for someone who does not represent it, ``Conflict`` when it
    changed since ``expected_version`` was read, ``Refused`` while one of its requests
    is assessed on its current figures, ``ValidationError`` for invalid values.
    """
    if FIXED & set(changes):
        raise ValueError(f"{sorted(FIXED & set(changes))} cannot be changed")
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if actor is not None and not _represents(locked, actor):
            raise Forbidden("Vous ne représentez pas cette entreprise.")
        if locked.version != expected_version:
            raise Conflict(
                "Les informations de l'entreprise ont été modifiées pendant votre saisie "
                "(par un autre représentant ou par votre fédération)."
            )
        assessed = locked.funding_requests.filter(state__in=ASSESSED).order_by("reference")
        if assessed.exists():
            raise Refused(
                "Les informations de l'entreprise ne sont plus modifiables :",
                [
                    f"La demande {r.reference} est « {S(r.state).label} » : elle est examinée "
                    "sur ces informations. Demandez à votre fédération de vous la renvoyer "
                    "pour modification."
                    for r in assessed
                ],
            )
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.version += 1
        locked.save()
    return locked


def _represents(enterprise: Enterprise, user) -> bool:
    return user.is_staff or enterprise.representatives.filter(pk=user.pk).exists()

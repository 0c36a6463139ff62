"""An enterprise's own description, changed by its representatives:
``update_enterprise(enterprise, changes, *, actor, expected_version)``, its partner and
linked enterprises (``set_related_enterprises``) and its figures per closed year
(``set_year_figures``). Each of them recomputes the SME category before it commits, and so
does the administration (``refresh_sme_category``): the stored category is never stale
(docs/rules.md#sme-category).

The figures (headcount, turnover, balance sheet, activity, territory…) decide the SME
category, the eligibility and the grouping key of every request the enterprise makes.
So they can be corrected while its requests are drafts or sent back for changes, and no
longer once a request is being reviewed, is eligible or is with a funder: that request
was assessed on them. Ask the federation to send it back for changes first.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from dossiers.models import Enterprise, EnterpriseYear, RelatedEnterprise, RequestState
from dossiers.workflow import Conflict, Forbidden, Refused

S = RequestState
# A request in one of these states was assessed on the enterprise's figures as they are.
ASSESSED = (S.SUBMITTED, S.IN_REVIEW, S.ELIGIBLE, S.GROUPED, S.SENT)
# Identity: another SIRET is another establishment, hence another enterprise record.
FIXED = frozenset({"siren", "siret"})
FIGURES = ("headcount", "turnover", "balance_sheet")


@dataclass(frozen=True)
class Related:
    name: str
    siren: str
    relation: str  # "partner" or "linked"
    stake: Decimal
    headcount: Decimal
    turnover: Decimal
    balance_sheet: Decimal
    control_without_majority: bool = False
    exempt_investor: bool = False


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
        locked = _lock(enterprise, actor=actor, expected_version=expected_version)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean()
        latest = locked.years.order_by("-year").first()
        if latest is not None and set(FIGURES) & set(changes):
            # The current figures are the latest closed year's: keep both the same.
            for name in FIGURES:
                setattr(latest, name, getattr(locked, name))
            latest.full_clean()
            latest.save()
        locked.version += 1
        locked.save()  # derives the SME category from the figures just written
    return locked


def set_related_enterprises(
    enterprise: Enterprise, related: list[Related], *, actor, expected_version: int
) -> Enterprise:
    """Replace the partner and linked enterprises, all or nothing; each stake must fit."""
    rows = [RelatedEnterprise(enterprise=enterprise, **vars(r)) for r in related]
    errors = {}
    for index, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=["enterprise"])
        except ValidationError as exc:
            errors[f"ligne {index} ({row.name})"] = exc.messages
    if errors:
        raise ValidationError(
            [f"{where} : {' '.join(messages)}" for where, messages in errors.items()]
        )
    with transaction.atomic():
        locked = _lock(enterprise, actor=actor, expected_version=expected_version)
        locked.related_enterprises.all().delete()
        RelatedEnterprise.objects.bulk_create(rows)
        locked.version += 1
        locked.save()
    return locked


def set_year_figures(
    enterprise: Enterprise,
    *,
    year: int,
    headcount: Decimal,
    turnover: Decimal,
    balance_sheet: Decimal,
    actor,
    expected_version: int,
) -> Enterprise:
    """Record one closed year's figures; the latest year's become the current figures."""
    with transaction.atomic():
        locked = _lock(enterprise, actor=actor, expected_version=expected_version)
        row = locked.years.filter(year=year).first() or EnterpriseYear(enterprise=locked, year=year)
        row.headcount, row.turnover, row.balance_sheet = headcount, turnover, balance_sheet
        row.full_clean()
        row.save()
        latest = locked.years.order_by("-year").first()
        for name in FIGURES:
            setattr(locked, name, getattr(latest, name))
        locked.version += 1
        locked.save()
    return locked


def refresh_sme_category(enterprise: Enterprise) -> Enterprise:
    """Recompute and store the category (after a change the enterprise's own save missed,
    such as related rows saved after it by the administration)."""
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        locked.derive_fields()
        locked.save(update_fields=["sme_category"])
    return locked


def _lock(enterprise: Enterprise, *, actor, expected_version: int) -> Enterprise:
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
    return locked


def _represents(enterprise: Enterprise, user) -> bool:
    return user.is_staff or enterprise.representatives.filter(pk=user.pk).exists()

"""The financing plan: uses equal sources to the cent (docs/rules.md#financing-plan)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from dossiers.models import FinancingLine, FundingRequest
from dossiers.validators import validate_amount
from dossiers.workflow import lock_for_edit

K = FinancingLine.Kind
SOURCE_KINDS = (K.OWN_FUNDS, K.GRANT, K.LOAN, K.OTHER_SOURCE)
# Lines per side: a very small business's plan has a handful; a line's position is a small
# integer, and 40 000 lines once made a database error (docs/rules.md#financing-plan-size).
PLAN_MAX_LINES = 100


@dataclass(frozen=True)
class PlanLine:
    kind: str
    label: str
    amount: Decimal


def line_errors(uses: list[PlanLine], sources: list[PlanLine]) -> list[str]:
    errors = []
    for side, a_side, lines, allowed in (
        ("besoin", "un besoin", uses, FinancingLine.USE_KINDS),
        ("ressource", "une ressource", sources, SOURCE_KINDS),
    ):
        if len(lines) > PLAN_MAX_LINES:
            errors.append(
                f"Le plan comporte {len(lines)} lignes de {side}s : au plus {PLAN_MAX_LINES}."
            )
            continue
        for number, line in enumerate(lines, start=1):
            where = f"Ligne {number} des {side}s ({line.label or 'sans libellé'})"
            if line.kind not in allowed:
                errors.append(f"{where} : nature « {line.kind} » impossible pour {a_side}.")
            try:
                validate_amount(line.amount)
            except ValidationError as exc:
                errors.append(f"{where} : {' '.join(exc.messages)}")
    if not uses:
        errors.append("Le plan de financement doit comporter au moins un besoin.")
    return errors


def set_financing_plan(
    request: FundingRequest,
    *,
    actor,
    uses: list[PlanLine],
    sources: list[PlanLine],
    expected_version: int | None = None,
) -> FundingRequest:
    """Replace the whole plan at once and recompute the request's totals.

    An unbalanced plan may be saved while the request is a draft (the SME works on it in
    several sittings); submission refuses it. Invalid lines are refused whole.
    """
    errors = line_errors(uses, sources)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_for_edit(request, actor=actor, expected_version=expected_version)
        locked.financing_lines.all().delete()
        FinancingLine.objects.bulk_create(
            [
                FinancingLine(
                    request=locked,
                    side=side,
                    kind=line.kind,
                    label=line.label,
                    amount=line.amount,
                    position=position,
                )
                for side, lines in (
                    (FinancingLine.Side.USE, uses),
                    (FinancingLine.Side.SOURCE, sources),
                )
                for position, line in enumerate(lines)
            ]
        )
        locked.total_cost = sum((u.amount for u in uses), Decimal(0))
        locked.eligible_cost = sum(
            (u.amount for u in uses if u.kind in FinancingLine.INVESTMENT_KINDS), Decimal(0)
        )
        locked.grant_amount = sum((s.amount for s in sources if s.kind == K.GRANT), Decimal(0))
        locked.loan_amount = sum((s.amount for s in sources if s.kind == K.LOAN), Decimal(0))
        locked.own_funds = sum((s.amount for s in sources if s.kind == K.OWN_FUNDS), Decimal(0))
        locked.total_sources = sum((s.amount for s in sources), Decimal(0))
        locked.version += 1
        locked.save()
    return locked

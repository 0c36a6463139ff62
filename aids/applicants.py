"""What the evaluator knows of a request: built from the request's own data.

The de minimis room left is the sector's ceiling, minus the de minimis aid declared over
the window (dossiers.de_minimis, the same computation the submission guard makes), minus
the grant already in the request's plan: Grappe's collective grants are de minimis aid
(docs/rules.md#aid-evaluation).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import numpy as np
from django.db.models import Q, Sum

from aids.evaluator import Applicant
from aids.matrix import CATEGORY_INDEX, DEP_INDEX, NAF_INDEX, THEME_INDEX, ApplicantArrays
from dossiers.de_minimis import PriorAid, aid_in_window, window_start
from dossiers.guards import DE_MINIMIS_CEILING_KEY
from dossiers.models import (
    DeMinimisAid,
    DeMinimisDeclaration,
    FundingRequest,
    RequestState,
    SchemeParameter,
)

P = SchemeParameter.Key
NOT_ROUTED = (RequestState.WITHDRAWN, RequestState.REJECTED)


def _window_years(on: date) -> int:
    return int(SchemeParameter.value_on(P.DE_MINIMIS_WINDOW_YEARS, on))


def _ceilings(on: date) -> dict[str, Decimal]:
    return {
        sector: SchemeParameter.value_on(key, on) for sector, key in DE_MINIMIS_CEILING_KEY.items()
    }


def applicant_for(request: FundingRequest, on: date) -> Applicant:
    enterprise = request.enterprise
    declaration = DeMinimisDeclaration.objects.filter(request=request).first()
    room = None
    if declaration is not None:
        aids = [PriorAid(a.amount, a.granted_on) for a in declaration.aids.all()]
        received = aid_in_window(aids, on, _window_years(on))
        ceiling = SchemeParameter.value_on(DE_MINIMIS_CEILING_KEY[enterprise.sector], on)
        room = ceiling - received - request.grant_amount
    return Applicant(
        departement=enterprise.departement,
        naf_code=enterprise.naf_code,
        headcount=enterprise.headcount,
        turnover=enterprise.turnover,
        sme_category=enterprise.sme_category,
        creation_date=enterprise.creation_date,
        project_category=request.project_category,
        eligible_cost=request.eligible_cost if request.eligible_cost > 0 else None,
        planned_grant=request.grant_amount,
        de_minimis_room=room,
    )


FIELDS = (
    "pk", "enterprise__departement", "enterprise__naf_code", "enterprise__sme_category",
    "project_category", "enterprise__headcount", "enterprise__turnover",
    "enterprise__creation_date", "eligible_cost", "grant_amount", "enterprise__sector",
)  # fmt: skip


def campaign_blocks(campaign, on: date, *, size: int = 20_000) -> Iterator[ApplicantArrays]:
    """The campaign's live requests as blocks of arrays, read straight from the database."""
    requests = FundingRequest.objects.filter(campaign=campaign).exclude(state__in=NOT_ROUTED)
    start = window_start(on, _window_years(on))
    received = dict(
        DeMinimisAid.objects.filter(
            Q(granted_on__gt=start) & Q(granted_on__lte=on),
            declaration__request__in=requests,
        )
        .values_list("declaration__request_id")
        .annotate(total=Sum("amount"))
        .values_list("declaration__request_id", "total")
    )
    declared = set(
        DeMinimisDeclaration.objects.filter(request__in=requests).values_list(
            "request_id", flat=True
        )
    )
    ceilings = {sector: float(value) for sector, value in _ceilings(on).items()}
    rows = requests.order_by("pk").values_list(*FIELDS).iterator(chunk_size=size)
    block = []
    for row in rows:
        block.append(row)
        if len(block) == size:
            yield _arrays(block, on, received, declared, ceilings)
            block = []
    if block:
        yield _arrays(block, on, received, declared, ceilings)


def _arrays(rows, on: date, received, declared, ceilings) -> ApplicantArrays:
    def ages(created: date) -> int:
        years = on.year - created.year
        return years - 1 if (on.month, on.day) < (created.month, created.day) else years

    column = list(zip(*rows, strict=True))
    pks = column[0]
    grants = np.array(column[9], dtype=float)
    room = np.array(
        [
            ceilings[sector] - float(received.get(pk, 0)) - float(grant)
            if pk in declared
            else np.nan
            for pk, sector, grant in zip(pks, column[10], column[9], strict=True)
        ],
        dtype=float,
    )
    cost = np.array(column[8], dtype=float)
    return ApplicantArrays(
        dep=np.array([DEP_INDEX.get(v, len(DEP_INDEX)) for v in column[1]], dtype=np.intp),
        naf=np.array([NAF_INDEX.get(v, len(NAF_INDEX)) for v in column[2]], dtype=np.intp),
        category=np.array(
            [CATEGORY_INDEX.get(v, len(CATEGORY_INDEX)) for v in column[3]], dtype=np.intp
        ),
        theme=np.array([THEME_INDEX.get(v, len(THEME_INDEX)) for v in column[4]], dtype=np.intp),
        headcount=np.array(column[5], dtype=float),
        turnover=np.array(column[6], dtype=float),
        age=np.array([ages(c) for c in column[7]], dtype=float),
        cost=np.where(cost > 0, cost, np.nan),
        planned=grants,
        room=room,
    )

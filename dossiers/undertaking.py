"""The single undertaking: one enterprise and the enterprises linked to it.

De minimis counts aid per *single undertaking* (Regulation (EU) 2023/2831, art. 2(2)): an
enterprise with those it controls or that control it (majority of voting rights, right to
appoint most of the board, dominant influence by contract or agreement). In Grappe that is
every enterprise sharing a SIREN, plus the enterprises declared "linked" in either direction,
transitively. Per undertaking: one active request per campaign, the grant cap and the de
minimis ceiling across every campaign (docs/rules.md#single-undertaking).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from dossiers.de_minimis import PriorAid, ceiling_problem, window_start
from dossiers.formatting import euros
from dossiers.models import (
    DeMinimisAid,
    Enterprise,
    FundingRequest,
    MissingParameter,
    RelatedEnterprise,
    RequestState,
    SchemeParameter,
)

S = RequestState
P = SchemeParameter.Key
# A request in one of these states no longer asks for anything.
ENDED = (S.WITHDRAWN, S.REJECTED, S.DECLINED)
# Asked for (a draft asks nothing yet) and not yet decided.
PENDING = (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CHANGES, S.ELIGIBLE, S.GROUPED, S.SENT)
CEILING_KEY = {
    Enterprise.Sector.GENERAL: P.DE_MINIMIS_GENERAL,
    Enterprise.Sector.AGRICULTURE: P.DE_MINIMIS_AGRICULTURE,
    Enterprise.Sector.FISHERY: P.DE_MINIMIS_FISHERY,
    Enterprise.Sector.SGEI: P.DE_MINIMIS_SGEI,
}
MAX_DEPTH = 20  # a chain of control longer than this is a data error, not an undertaking


class SecondRequest(Exception):
    """The undertaking already has an active request in this campaign."""


def undertaking_sirens(enterprise: Enterprise) -> set[str]:
    """The SIRENs of ``enterprise``'s single undertaking, itself included."""
    linked = RelatedEnterprise.Relation.LINKED
    found = {enterprise.siren}
    frontier = set(found)
    for _depth in range(MAX_DEPTH):
        if not frontier:
            break
        held = RelatedEnterprise.objects.filter(enterprise__siren__in=frontier, relation=linked)
        holders = RelatedEnterprise.objects.filter(siren__in=frontier, relation=linked)
        neighbours = set(held.values_list("siren", flat=True)) | set(
            holders.values_list("enterprise__siren", flat=True)
        )
        frontier = neighbours - found
        found |= frontier
    return found


def lock_undertaking(enterprise: Enterprise) -> None:
    """Lock the undertaking's enterprise rows until the transaction ends (primary-key order).

    Creating or submitting a request of the undertaking does it first, so two of them at
    once are one after the other and the second counts the first.
    """
    from django.db import connection

    if not connection.in_atomic_block:
        return  # a read-only look (the portals' reasons): nothing to serialise
    list(
        Enterprise.objects.select_for_update()
        .filter(siren__in=undertaking_sirens(enterprise))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def undertaking_requests(enterprise: Enterprise):
    return FundingRequest.objects.filter(enterprise__siren__in=undertaking_sirens(enterprise))


def first_active_request(campaign, enterprise: Enterprise, *, excluding=None):
    """The undertaking's oldest request in ``campaign`` that is not ended, or None."""
    found = (
        undertaking_requests(enterprise)
        .filter(campaign=campaign)
        .exclude(state__in=ENDED)
        .select_related("enterprise")
        .order_by("created_at", "pk")
    )
    if excluding is not None:
        found = found.exclude(pk=getattr(excluding, "pk", excluding))
    return found.first()


def second_request_problem(campaign, enterprise: Enterprise, *, excluding=None) -> str | None:
    first = first_active_request(campaign, enterprise, excluding=excluding)
    if first is None:
        return None
    same = first.enterprise.siren == enterprise.siren
    whose = (
        f"{first.enterprise.name} (SIREN {first.enterprise.siren})"
        if same
        else f"{first.enterprise.name} (SIREN {first.enterprise.siren}), entreprise liée"
    )
    return (
        f"Une seule demande par entreprise unique et par campagne : {whose} a déjà la demande "
        f"{first.reference} (« {S(first.state).label} ») dans la campagne {campaign.reference}. "
        "Complétez-la ou retirez-la d'abord."
    )


@dataclass(frozen=True)
class GrappeGrant:
    request: str
    amount: Decimal
    granted_on: date | None  # None: asked for, not decided yet


def _approval_dates(requests) -> dict[int, date]:
    from dossiers.models import RequestTransition

    dates = {}
    rows = RequestTransition.objects.filter(request__in=requests, transition="approve").values_list(
        "request_id", "at"
    )
    for request_id, at in rows.order_by("at"):
        dates[request_id] = timezone.localdate(at)
    return dates


def grappe_grants(enterprise: Enterprise, *, excluding=None) -> list[GrappeGrant]:
    """Grants the undertaking asked for or was granted through Grappe."""
    requests = undertaking_requests(enterprise).filter(
        state__in=(*PENDING, S.APPROVED), grant_amount__gt=0
    )
    if excluding is not None:
        requests = requests.exclude(pk=getattr(excluding, "pk", excluding))
    requests = list(requests)
    approved_on = _approval_dates([r for r in requests if r.state == S.APPROVED])
    grants = []
    for r in requests:
        if r.state == S.APPROVED:
            amount = min(r.grant_amount, r.approved_amount or r.grant_amount)
            grants.append(GrappeGrant(r.reference, amount, approved_on.get(r.pk)))
        else:
            grants.append(GrappeGrant(r.reference, r.grant_amount, None))
    return grants


def _parameter(key: str, on: date) -> Decimal:
    return SchemeParameter.value_on(key, on)


def undertaking_grant_room(enterprise: Enterprise, *, at: date, excluding_request=None) -> Decimal:
    """What the undertaking may still ask for under the grant cap in force on ``at``.

    Counted: grants pending anywhere in Grappe (whatever their date: they may yet be
    granted) and grants approved within the cap's rolling window. Raises MissingParameter
    when the table has no cap or window for ``at``.
    """
    cap = _parameter(P.GRANT_CAP, at)
    years = int(_parameter(P.GRANT_CAP_WINDOW_YEARS, at))
    start = window_start(at, years)
    used = sum(
        (
            g.amount
            for g in grappe_grants(enterprise, excluding=excluding_request)
            if g.granted_on is None or start < g.granted_on <= at
        ),
        Decimal(0),
    )
    return max(cap - used, Decimal(0))


def grant_cap_problem(request: FundingRequest, *, at: date) -> str | None:
    try:
        room = undertaking_grant_room(request.enterprise, at=at, excluding_request=request)
        cap = _parameter(P.GRANT_CAP, at)
    except MissingParameter as exc:
        return str(exc)
    if request.grant_amount <= room:
        return None
    others = [g.request for g in grappe_grants(request.enterprise, excluding=request)]
    return (
        f"Plafond de subvention par entreprise unique ({euros(cap)}) : l'entreprise et ses "
        f"entreprises liées ont déjà {euros(cap - room)} demandés ou accordés "
        f"({', '.join(others)}) ; il reste {euros(room)}, "
        f"{euros(request.grant_amount)} sont demandés."
    )


def declared_aids(enterprise: Enterprise) -> list[PriorAid]:
    """The aids declared in any of the undertaking's declarations, each counted once."""
    rows = DeMinimisAid.objects.filter(
        declaration__request__enterprise__siren__in=undertaking_sirens(enterprise)
    ).values_list("granting_body", "granted_on", "amount")
    unique = {(body.strip().lower(), on, amount) for body, on, amount in rows}
    return [PriorAid(amount, on) for _body, on, amount in unique]


def check_de_minimis(request: FundingRequest, *, grant_date: date) -> list[str]:
    """Why the request's grant, granted on ``grant_date``, would break the de minimis rule.

    The ceiling and the window are those in force on the grant date (the legal act's
    date); the aids are the undertaking's declared ones plus what it asked for or was
    granted through Grappe, other requests than this one.
    """
    declaration = getattr(request, "de_minimis", None)
    if declaration is None:
        return [
            "La déclaration des aides de minimis reçues ces 3 dernières années manque : "
            "elle est obligatoire pour déposer."
        ]
    if declaration.no_aid_received and declaration.aids.exists():
        return ["La déclaration de minimis dit « aucune aide » mais en liste : corrigez-la."]
    sector = request.enterprise.sector
    try:
        years = int(_parameter(P.DE_MINIMIS_WINDOW_YEARS, grant_date))
        ceiling = _parameter(CEILING_KEY[sector], grant_date)
    except MissingParameter as exc:
        return [str(exc)]
    aids = declared_aids(request.enterprise) + [
        PriorAid(g.amount, g.granted_on or grant_date)
        for g in grappe_grants(request.enterprise, excluding=request)
    ]
    problem = ceiling_problem(
        aids=aids,
        new_aid=request.grant_amount,
        grant_date=grant_date,
        years=years,
        ceiling=ceiling,
    )
    return [problem] if problem else []

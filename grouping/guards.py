"""Why a bundle transition is refused, in plain words.

A guard returns the list of problems that stop a transition (empty: it may proceed). The
bundle services run it before doing the transition, and the portals can show the same
list next to a disabled button. Amounts are re-read from the dated parameter table for
the bundle's funder on the day of the action: a rule may have changed since the run.
"""

from datetime import date
from decimal import Decimal

from dossiers.formatting import euros, euros_from_cents
from dossiers.guards import document_problems
from dossiers.models import MissingParameter, RequestState, SchemeParameter
from grouping.engine import Candidate, TerritoryLevel, TradeLevel, candidate_key
from grouping.models import Bundle, BundleMember, GroupingPolicy
from grouping.models.policy import lender_figures

P = SchemeParameter.Key


def _who(member: BundleMember) -> str:
    request = member.request
    return f"{request.reference} ({request.enterprise.name})"


def _policy(bundle: Bundle) -> GroupingPolicy | None:
    return GroupingPolicy.objects.filter(campaign_id=bundle.campaign_id).first()


def _member_key(bundle: Bundle, member: BundleMember) -> list[str]:
    enterprise = member.request.enterprise
    candidate = Candidate(
        request_id=member.request_id,
        naf_section=enterprise.naf_section,
        naf_code=enterprise.naf_code,
        nafa_code=enterprise.nafa_code or None,
        departement=enterprise.departement,
        region=enterprise.region,
        loan=0,
        grant=0,
    )
    step = (TradeLevel(bundle.trade_level), TerritoryLevel(bundle.territory_level))
    return list(candidate_key(step, candidate))


def funder_problems(bundle: Bundle) -> list[str]:
    if not bundle.campaign.funders.filter(pk=bundle.funder_id).exists():
        return [
            f"{bundle.funder.name} ne fait plus partie des financeurs de la campagne "
            f"{bundle.campaign.reference}."
        ]
    return []


def state_problems(members: list[BundleMember], expected: str) -> list[str]:
    problems = []
    for member in members:
        state = member.request.state
        if state != expected:
            problems.append(
                f"La demande {_who(member)} est « {RequestState(state).label} » et non "
                f"« {RequestState(expected).label} » : retirez-la du dossier ou dissolvez-le."
            )
    return problems


def seal_problems(bundle: Bundle, members: list[BundleMember], on: date) -> list[str]:
    """Does the bundle still make a collective file the funder takes (docs/rules.md#grant-cap,
    docs/rules.md#lender-minimum, docs/rules.md#collective-integrity)?"""
    policy = _policy(bundle)
    least = policy.min_members if policy else 2
    most = policy.max_members if policy else None
    problems = funder_problems(bundle)
    count = len(members)
    if count < least:
        problems.append(f"Le dossier compte {count} membre(s) : il en faut au moins {least}.")
    if most is not None and count > most:
        problems.append(
            f"Le dossier compte {count} membres : les règles de la campagne en permettent "
            f"{most} au plus."
        )
    try:
        figures = lender_figures(bundle.funder, on)
    except MissingParameter as missing:
        return [*problems, str(missing)]
    loan_total = sum(round(m.loan * 100) for m in members)
    if loan_total < figures[P.LENDER_MINIMUM]:
        problems.append(
            f"Prêts cumulés {euros_from_cents(loan_total)} : moins que le minimum de "
            f"{bundle.funder.name} par dossier collectif "
            f"({euros_from_cents(figures[P.LENDER_MINIMUM])})."
        )
    ceiling = figures[P.LENDER_MAXIMUM]
    if ceiling is not None and loan_total > ceiling:
        problems.append(
            f"Prêts cumulés {euros_from_cents(loan_total)} : plus que le maximum de "
            f"{bundle.funder.name} par dossier collectif ({euros_from_cents(ceiling)})."
        )
    problems += state_problems(members, RequestState.ELIGIBLE)
    key = list(bundle.key_codes)
    for member in members:
        request = member.request
        loan, grant = round(member.loan * 100), round(member.grant * 100)
        if (request.loan_amount, request.grant_amount) != (member.loan, member.grant):
            problems.append(
                f"La demande {_who(member)} a changé de montants depuis la proposition "
                f"(prêt {euros(request.loan_amount)}, subvention {euros(request.grant_amount)}) "
                ": relancez le regroupement."
            )
        if not figures[P.LOAN_MIN] <= loan <= figures[P.LOAN_MAX]:
            problems.append(
                f"{_who(member)} : prêt {euros_from_cents(loan)} hors de la fourchette du "
                f"produit ({euros_from_cents(figures[P.LOAN_MIN])} à "
                f"{euros_from_cents(figures[P.LOAN_MAX])})."
            )
        if grant > figures[P.GRANT_CAP]:
            problems.append(
                f"{_who(member)} : subvention {euros_from_cents(grant)} au-dessus du plafond "
                f"par membre ({euros_from_cents(figures[P.GRANT_CAP])})."
            )
        if _member_key(bundle, member) != key:
            problems.append(
                f"{_who(member)} : son activité ou son territoire ne correspond plus à la clé "
                f"du dossier ({bundle.key_description})."
            )
    return problems


def submission_problems(bundle: Bundle, members: list[BundleMember], on: date) -> list[str]:
    """Every member's document set complete and in date (docs/rules.md#collective-integrity)."""
    problems = funder_problems(bundle) + state_problems(members, RequestState.GROUPED)
    if len(members) < 2:
        problems.append("Un dossier collectif réunit au moins 2 membres.")
    for member in members:
        problems += [f"{_who(member)} : {p}" for p in document_problems(member.request, on)]
    return problems


def decision_problems(
    member: BundleMember, *, approved: bool, amount: Decimal | None, reason: str
) -> list[str]:
    if approved:
        if amount is None or amount <= 0:
            return ["Le montant accordé doit être positif."]
        if amount > member.asked:
            return [
                f"Montant accordé {euros(amount)} supérieur au montant demandé "
                f"{euros(member.asked)} (prêt et subvention)."
            ]
        return []
    if not reason.strip():
        return ["Un motif est obligatoire pour un refus."]
    return []

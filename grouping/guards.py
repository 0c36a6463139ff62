"""Why a bundle transition is refused, in plain words.

A guard returns the list of problems that stop a transition (empty: it may proceed). The
bundle services run it before doing the transition, and the portals can show the same
list next to a disabled button. Amounts are re-read from the dated parameter table for
the bundle's funder on the day of the action: a rule may have changed since the run.
"""

from datetime import date
from decimal import Decimal

from dossiers.eligibility.rules import lender_products, product_filter_problems
from dossiers.formatting import euros, euros_from_cents
from dossiers.guards import document_problems
from dossiers.models import Instrument, MissingParameter, RequestState, SchemeParameter
from grouping.engine import Candidate, TerritoryLevel, TradeLevel, candidate_key
from grouping.models import Bundle, BundleMember, GroupingPolicy
from grouping.models.policy import grant_figures, kind_of_funder, lender_figures

P = SchemeParameter.Key


def _who(member: BundleMember) -> str:
    request = member.request
    return f"{request.reference} ({request.enterprise.name})"


def _policy(bundle: Bundle) -> GroupingPolicy | None:
    return GroupingPolicy.objects.filter(campaign_id=bundle.campaign_id, kind=bundle.kind).first()


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
    key = list(candidate_key(step, candidate))
    if len(bundle.key_codes) > len(key):  # the key also names the project category
        key.append(member.request.project_category)
    return key


def funder_problems(bundle: Bundle) -> list[str]:
    if not bundle.campaign.funders.filter(pk=bundle.funder_id).exists():
        return [
            f"{bundle.funder.name} ne fait plus partie des financeurs de la campagne "
            f"{bundle.campaign.reference}."
        ]
    return []


def state_problems(members: list[BundleMember], expected: tuple[str, ...]) -> list[str]:
    problems = []
    shown = " ou ".join(f"« {RequestState(state).label} »" for state in expected)
    for member in members:
        state = member.request.state
        if state not in expected:
            problems.append(
                f"La demande {_who(member)} est « {RequestState(state).label} » et non "
                f"{shown} : retirez-la du dossier ou dissolvez-le."
            )
    return problems


# Where a member's request may stand while its line is in a sealed collective: eligible
# (its other line still waits), grouped, or sent (its other line is at its funder).
LINE_HOLDING_STATES = (RequestState.ELIGIBLE, RequestState.GROUPED, RequestState.SENT)


def collective_problems(bundle: Bundle, members: list[BundleMember], on: date) -> list[str]:
    """Every rule the collective's funder sets, checked on ``on`` (docs/rules.md): run at
    grouping (the engine applies the same numbers), at seal, at submission, after a
    withdrawal and before each decision. Empty: the collective is one its funder takes."""
    policy = _policy(bundle)
    least = policy.min_members if policy else 2
    most = policy.max_members if policy else None
    problems = funder_problems(bundle)
    if kind_of_funder(bundle.funder) != bundle.kind:
        problems.append(
            f"{bundle.funder.name} ne reçoit pas de "
            f"{'subventions' if bundle.kind == Instrument.GRANT else 'prêts'}."
        )
    count = len(members)
    if count < least:
        problems.append(f"Le dossier compte {count} membre(s) : il en faut au moins {least}.")
    if most is not None and count > most:
        problems.append(
            f"Le dossier compte {count} membres : les règles de la campagne en permettent "
            f"{most} au plus."
        )
    try:
        if bundle.kind == Instrument.GRANT:
            problems += _grant_problems(bundle, members, on)
        else:
            problems += _loan_problems(bundle, members, on)
    except MissingParameter as missing:
        problems.append(str(missing))
    key = list(bundle.key_codes)
    for member in members:
        request = member.request
        if request.asked(member.line) != member.asked:
            problems.append(
                f"La demande {_who(member)} a changé de montant depuis la proposition "
                f"({Instrument(member.line).label.lower()} {euros(request.asked(member.line))}"
                ") : relancez le regroupement."
            )
        if _member_key(bundle, member) != key:
            problems.append(
                f"{_who(member)} : son activité ou son territoire ne correspond plus à la clé "
                f"du dossier ({bundle.key_description})."
            )
    return problems


def _loan_problems(bundle: Bundle, members: list[BundleMember], on: date) -> list[str]:
    """A lender bundle: the lender's minimum and maximum, the loan band per member
    (docs/rules.md#lender-minimum)."""
    problems = []
    figures = lender_figures(bundle.funder, on)
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
    products = lender_products(bundle.funder, on)
    for member in members:
        for product in products:  # age, staff, NAF exclusions, insolvency
            problems += [
                f"{_who(member)} : {problem}"
                for problem in product_filter_problems(member.request, product, on=on)
            ]
        loan = round(member.loan * 100)
        if not figures[P.LOAN_MIN] <= loan <= figures[P.LOAN_MAX]:
            problems.append(
                f"{_who(member)} : prêt {euros_from_cents(loan)} hors de la fourchette du "
                f"produit ({euros_from_cents(figures[P.LOAN_MIN])} à "
                f"{euros_from_cents(figures[P.LOAN_MAX])})."
            )
    return problems


def _grant_problems(bundle: Bundle, members: list[BundleMember], on: date) -> list[str]:
    """A grant collective: the cap per undertaking, the aid rate, the operation's total
    minimum and maximum (docs/rules.md#grant-cap)."""
    problems = []
    figures = grant_figures(bundle.funder, on)
    rate = SchemeParameter.value_on(P.GRANT_AID_RATE, on, funder=bundle.funder)
    total = sum(round(m.grant * 100) for m in members)
    least, most = figures[P.OPERATION_MINIMUM], figures[P.OPERATION_MAXIMUM]
    if least is not None and total < least:
        problems.append(
            f"Subventions cumulées {euros_from_cents(total)} : moins que le minimum de "
            f"l'opération collective ({euros_from_cents(least)})."
        )
    if most is not None and total > most:
        problems.append(
            f"Subventions cumulées {euros_from_cents(total)} : plus que le maximum de "
            f"l'opération collective ({euros_from_cents(most)})."
        )
    for member in members:
        grant = round(member.grant * 100)
        if grant > figures[P.GRANT_CAP]:
            problems.append(
                f"{_who(member)} : subvention {euros_from_cents(grant)} au-dessus du plafond "
                f"par entreprise ({euros_from_cents(figures[P.GRANT_CAP])})."
            )
        ceiling = (member.request.eligible_cost * rate).quantize(Decimal("0.01"))
        if member.grant > ceiling:
            problems.append(
                f"{_who(member)} : subvention {euros(member.grant)} au-dessus du taux d'aide "
                f"({rate:.0%} de {euros(member.request.eligible_cost)} éligibles, soit "
                f"{euros(ceiling)})."
            )
    return problems


def seal_problems(bundle: Bundle, members: list[BundleMember], on: date) -> list[str]:
    """A draft becomes a collective application: every funder rule, and each member's
    request eligible (docs/rules.md#collective-integrity)."""
    return collective_problems(bundle, members, on) + state_problems(
        members, (RequestState.ELIGIBLE,)
    )


def submission_problems(bundle: Bundle, members: list[BundleMember], on: date) -> list[str]:
    """Every funder rule again (a member may have left since the seal), and every
    member's document set complete and in date (docs/rules.md#collective-integrity)."""
    problems = collective_problems(bundle, members, on)
    problems += state_problems(members, LINE_HOLDING_STATES)
    if len(members) < 2:
        problems.append("Un dossier collectif réunit au moins 2 membres.")
    for member in members:
        problems += [f"{_who(member)} : {p}" for p in document_problems(member.request, on)]
    return problems

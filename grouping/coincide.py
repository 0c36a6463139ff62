"""Grant collectives that coincide with lender bundles: one set of members, two applications.

A request asking for both a grant and a loan has its grant line in a grant collective and
its loan line in a lender bundle, each grouped by its own rules. Where the members of a
lender bundle can also form a grant collective that meets the grant programme's rules, the
grant run proposes exactly that set first (docs/rules.md#two-collectives): the federation
then presents the same members to the managing authority and to the bank. The remaining
grant lines are grouped by the engine as usual.

A lender bundle's members form a valid grant collective when every one of them has a free
grant line in the run, their number lies within the grant rules' members min/max, each
grant fits the programme's cap, their total the operation's minimum and maximum, and the
lender bundle's key is one of the grant rules' ladder steps (the collective's declared key).
"""

from dossiers.models import Instrument
from grouping.engine import Candidate, Policy, ProposedBundle, TerritoryLevel, TradeLevel
from grouping.models import Bundle, BundleMember, BundleState, GroupingPolicy

# Lender bundles whose members still form one application (not dissolved, not closed).
LIVE = (
    BundleState.DRAFT,
    BundleState.SEALED,
    BundleState.READY,
    BundleState.SUBMITTED,
    BundleState.DECIDED,
)


def twin_proposals(
    campaign, rules: GroupingPolicy, policy: Policy, candidates: list[Candidate], *, dry_run: bool
) -> tuple[list[tuple[ProposedBundle, int]], list[Candidate]]:
    """(proposals each with the id of the lender bundle it coincides with, the candidates
    left for the engine). Deterministic: lender bundles in primary-key order."""
    free = {candidate.request_id: candidate for candidate in candidates}
    steps = {
        (trade.value, territory.value): level
        for level, (trade, territory) in enumerate(policy.ladder)
    }
    lenders = (
        Bundle.objects.filter(campaign=campaign, kind=Instrument.LOAN, state__in=LIVE)
        .order_by("pk")
        .values_list("pk", "trade_level", "territory_level", "key_codes")
    )
    members: dict[int, list[int]] = {}
    for bundle_id, request_id in (
        BundleMember.objects.filter(
            bundle__campaign=campaign,
            bundle__kind=Instrument.LOAN,
            bundle__state__in=LIVE,
            active=True,
        )
        .order_by("bundle_id", "request_id")
        .values_list("bundle_id", "request_id")
    ):
        members.setdefault(bundle_id, []).append(request_id)
    taken: set[int] = set()
    twins: list[tuple[ProposedBundle, int]] = []
    for bundle_id, trade, territory, key in lenders:
        level = steps.get((trade, territory))
        ids = members.get(bundle_id, [])
        if level is None or not ids or any(pk not in free or pk in taken for pk in ids):
            continue
        if len(key) != _key_length(trade, territory) + int(rules.by_category):
            continue  # one key names a project category and the other does not
        grants = [free[pk].loan for pk in ids]  # the packed amount is the grant line
        total = sum(grants)
        if not (
            policy.min_members <= len(ids) <= policy.max_members
            and all(policy.loan_min <= grant <= policy.loan_max for grant in grants)
            and total >= policy.lender_minimum
            and (policy.lender_maximum is None or total <= policy.lender_maximum)
        ):
            continue
        taken.update(ids)
        proposal = ProposedBundle(
            key=tuple(key), level=level, member_ids=tuple(ids), loan_total=total, grant_total=0
        )
        twins.append((proposal, bundle_id))
    left = [candidate for candidate in candidates if candidate.request_id not in taken]
    return twins, left


def _key_length(trade: str, territory: str) -> int:
    return int(TradeLevel(trade) is not TradeLevel.NONE) + int(
        TerritoryLevel(territory) is not TerritoryLevel.NATIONAL
    )

"""``group()`` and ``upper_bound()``: the ladder walk around the per-group packing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import attrgetter

from .absorb import absorb_leftovers
from .keys import Atom, Key, LadderPlan
from .packing import Item, PackParams, group_bound, pack
from .text import (
    DescribeKey,
    describe_key_codes,
    leftover_code,
    leftover_reason,
    rejection_reason,
)
from .types import (
    Bounds,
    Candidate,
    GroupingResult,
    Policy,
    ProposedBundle,
    Unplaced,
    UnplacedCode,
)


def pack_params(policy: Policy) -> PackParams:
    return PackParams(
        m=policy.min_members,
        M=policy.max_members,
        L=policy.lender_minimum,
        U=policy.lender_maximum,
        target_members=policy.target_members,
        target_loan=policy.target_loan,
    )


def screen(
    candidates: Sequence[Candidate], policy: Policy, plan: LadderPlan
) -> tuple[list[Unplaced], dict[Atom, list[Item]]]:
    """Reject individually ineligible candidates; sort the others into atoms."""
    ids = list(map(attrgetter("request_id"), candidates))
    if len(set(ids)) != len(ids):
        seen: set[int] = set()
        duplicate = next(i for i in ids if i in seen or seen.add(i))
        raise ValueError(f"request_id {duplicate} appears more than once")

    low, high, cap = policy.loan_min, policy.loan_max, policy.grant_cap
    ceiling = policy.lender_maximum if policy.lender_maximum is not None else high
    atom_of = plan.atom_getter()
    atoms: dict[Atom, list[Item]] = defaultdict(list)
    rejected: list[Candidate] = []
    for candidate in candidates:
        loan = candidate.loan
        grant = candidate.grant
        if loan < low or loan > high or loan > ceiling or grant > cap:
            rejected.append(candidate)
        else:
            atoms[atom_of(candidate)].append((loan, candidate.request_id, grant))

    unplaced = []
    for candidate in rejected:
        if candidate.loan < low or candidate.loan > high:
            code = UnplacedCode.LOAN_OUT_OF_BAND
        elif candidate.loan > ceiling:
            code = UnplacedCode.LOAN_ABOVE_LENDER_MAXIMUM
        else:
            code = UnplacedCode.GRANT_ABOVE_CAP
        reason = rejection_reason(code, candidate.loan, candidate.grant, policy)
        unplaced.append(Unplaced(candidate.request_id, code, reason))
    return unplaced, atoms


def groups_at(level_keys: dict[Atom, Key], atoms: dict[Atom, list[Item]]) -> dict[Key, list]:
    groups: dict[Key, list[Item]] = {}
    for atom, items in atoms.items():
        key = level_keys[atom]
        if key in groups:
            groups[key].extend(items)
        else:
            groups[key] = list(items)
    return groups


def group(
    candidates: Sequence[Candidate],
    policy: Policy,
    *,
    describe_key: DescribeKey | None = None,
) -> GroupingResult:
    """Group candidates into lender-ready bundles following ``policy``'s ladder.

    Deterministic: the result depends only on the set of candidates, not their order.
    Bundles are sorted by (level, key, member ids), unplaced requests by id.
    """
    describe = describe_key or describe_key_codes
    q = pack_params(policy)
    plan = LadderPlan(policy.ladder)
    unplaced, atoms = screen(candidates, policy, plan)
    keys, parents = plan.step_keys(atoms)
    last = len(policy.ladder) - 1

    bins: list[list] = []  # [level, key, members, loan total]
    origin: dict[int, Key] = {}
    leftovers: dict[Key, list[Item]] = {}
    pool = groups_at(keys[0], atoms)
    del atoms
    for level in range(last + 1):
        wider: dict[Key, list[Item]] = defaultdict(list)
        for key, items in pool.items():
            items.sort(reverse=True)
            packed, rest = pack(items, q)
            for members, loan_total in packed:
                bins.append([level, key, members, loan_total])
            if not rest:
                continue
            if level == 0 and last > 0:
                origin.update(dict.fromkeys([item[1] for item in rest], key))
            if level < last:
                wider[parents[level][key]].extend(rest)
            else:
                leftovers[key] = rest
        pool = wider

    if leftovers:
        per_group = _bundles_per_group(leftovers, bins, parents, last)
        absorb_leftovers(bins, leftovers, origin, parents, q)
        unplaced += _explain_leftovers(leftovers, per_group, policy, describe)

    bundles = [
        ProposedBundle(
            key=key,
            level=level,
            member_ids=tuple(sorted([item[1] for item in members])),
            loan_total=loan_total,
            grant_total=sum([item[2] for item in members]),
        )
        for level, key, members, loan_total in bins
    ]
    bundles.sort(key=attrgetter("level", "key", "member_ids"))
    unplaced.sort(key=attrgetter("request_id"))
    return GroupingResult(bundles=bundles, unplaced=unplaced)


def _bundles_per_group(
    leftovers: dict[Key, list[Item]], bins: list[list], parents: list[dict[Key, Key]], last: int
) -> dict[Key, int]:
    """Number of bundles already made in each widest group that has leftovers."""
    counts = dict.fromkeys(leftovers, 0)
    for level, key, _, _ in bins:
        for index in range(level, last):
            key = parents[index][key]
        if key in counts:
            counts[key] += 1
    return counts


def _explain_leftovers(
    leftovers: dict[Key, list[Item]],
    bundles_per_group: dict[Key, int],
    policy: Policy,
    describe: DescribeKey,
) -> list[Unplaced]:
    trade, territory = policy.ladder[-1]
    unplaced = []
    for key, items in leftovers.items():
        if not items:
            continue
        count, loan_total = len(items), sum(item[0] for item in items)
        code = leftover_code(count, loan_total, policy)
        reason = leftover_reason(
            code,
            place=describe(trade, territory, key),
            count=count,
            loan_total=loan_total,
            bundles_here=bundles_per_group[key],
            policy=policy,
        )
        unplaced.extend(Unplaced(item[1], code, reason) for item in items)
    return unplaced


def upper_bound(candidates: Iterable[Candidate], policy: Policy) -> Bounds:
    """Upper bounds on the requests any valid grouping can place (see packing.py).

    Every bundle made at steps 0..i lies inside one step-i group, so the sum of the
    step-i group bounds bounds all placements up to step i.
    """
    q = pack_params(policy)
    plan = LadderPlan(policy.ladder)
    _, atoms = screen(list(candidates), policy, plan)
    keys, _ = plan.step_keys(atoms)
    per_level = []
    for level_keys in keys:
        total = 0
        for items in groups_at(level_keys, atoms).values():
            loans = sorted([item[0] for item in items], reverse=True)
            total += group_bound(loans, q)
        per_level.append(total)
    return Bounds(total=per_level[-1], finest=per_level[0], per_level=tuple(per_level))

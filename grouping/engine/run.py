"""``group()`` and ``upper_bound()``: the ladder walk around the per-group packing."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from .keys import Atom, Key, LadderPlan
from .ladder import ladder_pass, settle
from .packing import Item, PackParams, group_bound, sort_items
from .text import (
    DescribeKey,
    FormatCents,
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

_item_of = attrgetter("loan", "request_id", "grant")
_loan_of = itemgetter(0)
_id_of = itemgetter(1)
_grant_of = itemgetter(2)
_row_order = itemgetter(0, 1, 2)


def pack_params(policy: Policy) -> PackParams:
    return PackParams(
        min_members=policy.min_members,
        max_members=policy.max_members,
        lender_minimum=policy.lender_minimum,
        lender_maximum=policy.lender_maximum,
        target_members=policy.target_members,
        target_loan=policy.target_loan,
    )


@dataclass(slots=True)
class Prepared:
    """Eligible candidates sorted into step-0 groups, plus everything keyed on them."""

    refused: list[Item]  # outside the loan band or above the grant cap
    groups: dict[Key, list[Item]]  # step-0 key -> items, loan descending
    parents: list[dict[Key, Key]]  # step i key -> step i+1 key


def prepare(candidates: Sequence[Candidate], policy: Policy, *, screen: bool = True) -> Prepared:
    """Group candidates by step-0 key, sort each group and reject ineligible requests.

    This is the only pass over every candidate, so it leans on C-level ``map`` and
    ``attrgetter``; eligibility is checked per sorted group (out-of-band loans sit at
    the ends), not per candidate. With ``screen=False`` the groups are left unsorted
    and the loan band unchecked: the caller runs ``screen_group`` on each group just
    before packing it, while its items are in the processor cache.
    """
    items = list(map(_item_of, candidates))
    if len(set(map(_id_of, items))) != len(items):
        seen: set[int] = set()
        duplicate = next(i for i in map(_id_of, items) if i in seen or seen.add(i))
        raise ValueError(f"request_id {duplicate} appears more than once")

    plan = LadderPlan(policy.ladder)
    atoms: dict[Atom, list[Item]] = defaultdict(list)
    refused: list[Item] = []
    cap = policy.grant_cap
    for atom, item in zip(map(plan.atom_getter(), candidates), items, strict=True):
        if item[2] > cap:
            refused.append(item)
        else:
            atoms[atom].append(item)
    del items
    keys, parents = plan.step_keys(atoms)
    groups = groups_at(keys[0], atoms)
    del atoms

    if screen:
        for key, group_items in groups.items():
            groups[key] = screen_group(group_items, policy, refused)
    return Prepared(refused, {key: items for key, items in groups.items() if items}, parents)


def screen_group(items: list[Item], policy: Policy, refused: list[Item]) -> list[Item]:
    """Sort a step-0 group (loan descending) and move out-of-band loans to ``refused``."""
    sort_items(items)
    eligible, out_of_band = _split_eligible(items, policy)
    refused += out_of_band
    return eligible


def rejections(refused: list[Item], policy: Policy, format_cents: FormatCents) -> list[Unplaced]:
    rejected: list[Unplaced] = []
    reasons: dict[tuple[int, int], tuple[UnplacedCode, str]] = {}
    for loan, request_id, grant in refused:
        if (loan, grant) not in reasons:
            reasons[loan, grant] = _rejection(loan, grant, policy, format_cents)
        rejected.append(Unplaced(request_id, *reasons[loan, grant]))
    return rejected


def _split_eligible(items: list[Item], policy: Policy) -> tuple[list[Item], list[Item]]:
    """(eligible, out of band) for one group sorted by loan, descending."""
    high = policy.loan_max
    if policy.lender_maximum is not None:
        high = min(high, policy.lender_maximum)
    start, end = 0, len(items)
    while start < end and items[start][0] > high:
        start += 1
    while end > start and items[end - 1][0] < policy.loan_min:
        end -= 1
    refused = items[:start] + items[end:]
    return (items[start:end] if refused else items), refused


def _rejection(
    loan: int, grant: int, policy: Policy, format_cents: FormatCents
) -> tuple[UnplacedCode, str]:
    if policy.line == "grant" and loan > policy.loan_max:
        code = UnplacedCode.GRANT_ABOVE_CAP  # the packed amount is the grant itself
    elif loan < policy.loan_min or loan > policy.loan_max:
        code = UnplacedCode.LOAN_OUT_OF_BAND
    elif policy.lender_maximum is not None and loan > policy.lender_maximum:
        code = UnplacedCode.LOAN_ABOVE_LENDER_MAXIMUM
    else:
        code = UnplacedCode.GRANT_ABOVE_CAP
    return code, rejection_reason(code, loan, grant, policy, format_cents=format_cents)


def groups_at(level_keys: dict[Atom, Key], atoms: dict[Atom, list[Item]]) -> dict[Key, list]:
    groups: dict[Key, list[Item]] = {}
    for atom, items in atoms.items():
        key = level_keys[atom]
        if key in groups:
            groups[key].extend(items)
        else:
            groups[key] = items
    return groups


def group(
    candidates: Iterable[Candidate],
    policy: Policy,
    *,
    format_cents: FormatCents,
    describe_key: DescribeKey | None = None,
) -> GroupingResult:
    """Group candidates into lender-ready bundles following ``policy``'s ladder.

    ``format_cents`` writes the amounts of the reasons given for unplaced requests;
    ``describe_key`` names a group in them (default: its raw codes).

    Deterministic: the result depends only on the set of candidates, not their order.
    Bundles are sorted by (level, key, member ids), unplaced requests by id.
    """
    if not isinstance(candidates, Sequence):
        candidates = list(candidates)  # read twice below: an iterator would run dry
    with _gc_paused():
        return _group(candidates, policy, describe_key or describe_key_codes, format_cents)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small tuples.

    The engine creates no reference cycles; without this, CPython's generational
    collector rescans the growing heap many times (about a quarter of the run time
    for a million candidates). The previous state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _group(
    candidates: Sequence[Candidate],
    policy: Policy,
    describe: DescribeKey,
    format_cents: FormatCents,
) -> GroupingResult:
    q = pack_params(policy)
    prepared = prepare(candidates, policy, screen=False)
    parents = prepared.parents
    refused = prepared.refused

    def screen(items: list[Item]) -> list[Item]:
        return screen_group(items, policy, refused)

    bins, leftovers, origin = ladder_pass(prepared.groups, parents, q, screen=screen)
    bundles_here = settle(bins, leftovers, origin, parents, q)
    unplaced = rejections(refused, policy, format_cents)
    unplaced += _explain_leftovers(leftovers, bundles_here, policy, describe, format_cents)

    # Sort plain tuples, then build the objects: bundles of one key are disjoint, so
    # their smallest member ids order them like their member id tuples.
    rows = [
        (bin_[0], bin_[1], *bin_[4:6], bin_[3])
        if len(bin_) > 4
        else (
            bin_[0],
            bin_[1],
            tuple(sorted(map(_id_of, bin_[2]))),
            sum(map(_grant_of, bin_[2])),
            bin_[3],
        )
        for bin_ in bins
    ]
    del bins
    rows.sort(key=_row_order)
    bundles = [
        ProposedBundle(key, level, member_ids, loan_total, grant_total)
        for level, key, member_ids, grant_total, loan_total in rows
    ]
    unplaced.sort(key=attrgetter("request_id"))
    return GroupingResult(bundles=bundles, unplaced=unplaced)


def _explain_leftovers(
    leftovers: dict[Key, list[Item]],
    bundles_per_group: dict[Key, int],
    policy: Policy,
    describe: DescribeKey,
    format_cents: FormatCents,
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
            bundles_here=bundles_per_group.get(key, 0),
            policy=policy,
            format_cents=format_cents,
        )
        unplaced.extend(Unplaced(item[1], code, reason) for item in items)
    return unplaced


def upper_bound(candidates: Iterable[Candidate], policy: Policy) -> Bounds:
    """Upper bounds on the requests any valid grouping can place (see packing.py).

    Every bundle made at steps 0..i lies inside one step-i group, so the sum of the
    step-i group bounds bounds all placements up to step i.
    """
    q = pack_params(policy)
    with _gc_paused():
        prepared = prepare(list(candidates), policy)
        groups = {key: list(map(_loan_of, items)) for key, items in prepared.groups.items()}
        del prepared.groups
        per_level = []
        for level in range(len(policy.ladder)):
            if level:
                wider: dict[Key, list[int]] = defaultdict(list)
                for key, loans in groups.items():
                    wider[prepared.parents[level - 1][key]].extend(loans)
                groups = wider
            per_level.append(
                sum(group_bound(loans, q, presorted=level == 0) for loans in groups.values())
            )
    return Bounds(total=per_level[-1], finest=per_level[0], per_level=tuple(per_level))

"""The walk up the ladder, and a second opinion for groups it leaves short.

``ladder_pass`` packs every step-0 group, hands the leftovers of each group to its
step-1 group, and so on up to the widest step. Narrow first is what the federation
wants, but it is greedy: when the member cap binds, bundles made at a narrow step can
use up the large loans that the small leftovers of other keys needed at a wider step.

``settle`` therefore looks again at every widest group that still has leftovers and
places fewer requests than its upper bound. It packs the whole group at once to learn
which requests a high-count packing uses, walks the ladder again with those requests
only (the others wait at the widest step), and keeps whichever outcome is better in
the engine's order: more requests placed, then more at step 0, then at step 1...
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from operator import itemgetter

from .absorb import Bin, absorb_leftovers, widest_keys
from .keys import Key
from .narrow import narrow_bundles
from .packing import Item, PackParams, group_bound, pack, sort_items

_loan_of = itemgetter(0)
_id_of = itemgetter(1)
_grant_of = itemgetter(2)


def ladder_pass(
    pool: dict[Key, list[Item]],
    parents: list[dict[Key, Key]],
    q: PackParams,
    *,
    screen: Callable[[list[Item]], list[Item]] | None = None,
) -> tuple[list[Bin], dict[Key, list[Item]], dict[int, Key]]:
    """Pack step by step. ``pool`` maps step-0 keys to items sorted descending, or to
    unsorted items that ``screen`` sorts and filters just before packing.

    Returns the bundles, the leftovers per widest key and the step-0 key of every
    request that left step 0 unbundled. A bundle is ``[level, key, members, loan
    total, sorted member ids, grant total]``; code that changes the members drops the
    last two (``del bundle[4:]``) and they are recomputed at the end.
    """
    last = len(parents)
    bins: list[Bin] = []
    origin: dict[int, Key] = {}
    leftovers: dict[Key, list[Item]] = {}
    for level in range(last + 1):
        wider: dict[Key, list[Item]] = defaultdict(list)
        for key, items in pool.items():
            if level:
                sort_items(items)
            elif screen is not None:
                items = screen(items)
            packed, rest = pack(items, q)
            for members, loan_total in packed:
                # member ids and grants are read now, while the group is in cache
                bins.append(
                    [
                        level,
                        key,
                        members,
                        loan_total,
                        tuple(sorted(map(_id_of, members))),
                        sum(map(_grant_of, members)),
                    ]
                )
            if not rest:
                continue
            if level == 0 and last > 0:
                origin.update(dict.fromkeys([item[1] for item in rest], key))
            if level < last:
                wider[parents[level][key]].extend(rest)
            else:
                leftovers[key] = rest
        pool = wider
    return bins, leftovers, origin


def settle(
    bins: list[Bin],
    leftovers: dict[Key, list[Item]],
    origin: dict[int, Key],
    parents: list[dict[Key, Key]],
    q: PackParams,
) -> dict[Key, int]:
    """Place what can still be placed; returns the bundle count of each widest group
    that keeps leftovers (for the reasons given to the officer)."""
    if not leftovers:
        return {}
    absorb_leftovers(bins, leftovers, origin, parents, q)
    short = {top for top, items in leftovers.items() if items}
    if not short:
        return {}
    last = len(parents)
    widest = widest_keys(parents)
    per_group: dict[Key, list[Bin]] = {top: [] for top in short}
    for bin_ in bins:
        top = widest[bin_[0]][bin_[1]] if bin_[0] < last else bin_[1]
        if top in per_group:
            per_group[top].append(bin_)
    replaced = False
    for top in sorted(short):
        better = _second_opinion(top, per_group[top], leftovers[top], origin, parents, q)
        if better is not None:
            new_bins, rest = better
            for bin_ in per_group[top]:
                bin_[0] = -1
            bins.extend(new_bins)
            per_group[top] = new_bins
            leftovers[top] = rest
            replaced = True
    if replaced:
        bins[:] = [bin_ for bin_ in bins if bin_[0] >= 0]
    return {top: len(per_group[top]) for top in short if leftovers[top]}


def _counts(bins: list[Bin], levels: int) -> tuple[int, ...]:
    per_level = [0] * levels
    for bin_ in bins:
        per_level[bin_[0]] += len(bin_[2])
    return (sum(per_level), *per_level)


def _second_opinion(
    top: Key,
    group_bins: list[Bin],
    left: list[Item],
    origin: dict[int, Key],
    parents: list[dict[Key, Key]],
    q: PackParams,
) -> tuple[list[Bin], list[Item]] | None:
    last = len(parents)
    placed = sum(len(bin_[2]) for bin_ in group_bins)
    items = left + [item for bin_ in group_bins for item in bin_[2]]
    items.sort(reverse=True)
    if placed >= group_bound(list(map(_loan_of, items)), q):
        return None
    packed, rest = pack(items, q)
    if sum(len(members) for members, _ in packed) <= placed:
        return None

    first_key: dict[int, Key] = {}
    for bin_ in group_bins:
        if bin_[0] == 0:
            first_key.update(dict.fromkeys([item[1] for item in bin_[2]], bin_[1]))
    for item in items:
        if item[1] not in first_key:
            first_key[item[1]] = origin[item[1]] if last else top
    chosen: dict[Key, list[Item]] = defaultdict(list)
    for members, _ in packed:
        for item in members:
            chosen[first_key[item[1]]].append(item)
    for group_items in chosen.values():
        group_items.sort(reverse=True)

    options = [(_counts(group_bins, last + 1), None)]
    # (a) the ladder again, with the requests a high-count packing uses
    new_bins, new_left, _ = ladder_pass(chosen, parents, q)
    waiting = sorted(new_left.get(top, []) + rest, reverse=True)
    if waiting:
        remaining = {top: waiting}
        absorb_leftovers(new_bins, remaining, first_key, parents, q)
        waiting = remaining[top]
    options.append((_counts(new_bins, last + 1), (new_bins, waiting)))
    # (b) the high-count packing itself, each bundle at the narrowest step it allows
    flat = [
        [*_narrowest_step(members, first_key, parents), members, total] for members, total in packed
    ]
    narrow_bundles(flat, first_key, parents, q)
    options.append((_counts(flat, last + 1), (flat, rest)))
    return max(options, key=lambda option: option[0])[1]


def _narrowest_step(
    members: list[Item], first_key: dict[int, Key], parents: list[dict[Key, Key]]
) -> tuple[int, Key]:
    keys = {first_key[item[1]] for item in members}
    level = 0
    while len(keys) > 1:
        keys = {parents[level][key] for key in keys}
        level += 1
    return level, keys.pop()

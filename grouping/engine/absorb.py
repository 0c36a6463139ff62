"""Last step: requests still left over join existing bundles that have room.

After the widest ladder step, a request can stay out only because its group's
leftovers cannot form a bundle of their own. It may still join a bundle already made
in the same widest group if that bundle has fewer than ``max_members`` members (and
stays under the lender maximum). Placing it comes first (every request that can be
placed is placed); among the bundles it can join, the engine prefers, in order:

1. a bundle that already sits at a step where the request shares its key, at the
   narrowest such step: nobody changes level;
2. otherwise a bundle that must widen to take it: the one at the widest current step
   (its members lose the least fine placement), then the smallest one, then the
   narrowest step where the two meet.

A bundle widened this way moves to the step where its members and the newcomer share
a key, and later newcomers of that key join it without further cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from .keys import Key
from .packing import Item, PackParams, pack

# A bundle in the making: [level, key, members, loan total] and, until its members
# change, [..., sorted member ids, grant total] (see ladder.py).
Bin = list


class _Queue:
    """Bundles indexed under one key, smallest first; full or moved ones are skipped."""

    __slots__ = ("bins", "level", "start")

    def __init__(self, level: int) -> None:
        self.level = level
        self.bins: list[Bin] = []
        self.start = 0

    def first_fit(self, loan: int, q: PackParams) -> Bin | None:
        bins = self.bins
        while self.start < len(bins) and (
            bins[self.start][0] != self.level or len(bins[self.start][2]) >= q.max_members
        ):
            self.start += 1  # full or moved away: never usable here again
        for index in range(self.start, min(len(bins), self.start + 64)):
            bin_ = bins[index]
            if bin_[0] != self.level or len(bin_[2]) >= q.max_members:
                continue
            if q.lender_maximum is None or bin_[3] + loan <= q.lender_maximum:
                return bin_
        return None


class _Index:
    """Where a leftover may go: bundles by (level, key) and by the wider keys they reach."""

    def __init__(self, chain) -> None:
        self.chain = chain
        self.same: dict[tuple[int, Key], _Queue] = {}
        self.wider: dict[tuple[int, int, Key], _Queue] = {}  # (bin level, meeting level, key)

    def register(self, bin_: Bin) -> None:
        level, keys = bin_[0], self.chain(bin_[1], bin_[0])
        self.same.setdefault((level, keys[0]), _Queue(level)).bins.append(bin_)
        for offset, key in enumerate(keys[1:], start=1):
            self.wider.setdefault((level, level + offset, key), _Queue(level)).bins.append(bin_)


def absorb_leftovers(
    bins: list[Bin],
    leftovers: dict[Key, list[Item]],
    origin: dict[int, Key],
    parents: list[dict[Key, Key]],
    q: PackParams,
) -> None:
    """Move leftovers (per widest key) into bundles; updates both in place."""
    last = len(parents)
    widest = widest_keys(parents)

    def chain(key: Key, level: int) -> list[Key]:
        keys = [key]
        for index in range(level, last):
            key = parents[index][key]
            keys.append(key)
        return keys

    per_group: dict[Key, list[Bin]] = {top: [] for top in leftovers}
    for bin_ in bins:
        level = bin_[0]
        top = widest[level][bin_[1]] if level < last else bin_[1]
        if top in per_group:
            per_group[top].append(bin_)

    for top in sorted(leftovers):
        group_bins = per_group[top]
        if not group_bins:
            continue
        # smallest first; the first member's id breaks ties (bundles are disjoint)
        group_bins.sort(key=lambda b: (len(b[2]), b[0], b[1], b[2][0][1]))
        index = _Index(chain)
        for bin_ in group_bins:
            if len(bin_[2]) < q.max_members:
                index.register(bin_)
        items = leftovers[top]
        chains = {item[1]: chain(origin[item[1]], 0) if last else [top] for item in items}
        items = _join(items, index, chains, last, origin, q, widen=False)
        if last and items:
            new_bins = _steal(items, group_bins, chains, chain, last, origin, q)
            bins.extend(new_bins)
            group_bins.extend(new_bins)
            for bin_ in new_bins:
                if len(bin_[2]) < q.max_members:
                    index.register(bin_)
            placed = {item[1] for bin_ in new_bins for item in bin_[2]}
            items = [item for item in items if item[1] not in placed]
        if items:
            items = _join(items, index, chains, last, origin, q, widen=True)
        if items:
            items, created = _repack(items, group_bins, chains, chain, last, origin, q)
            bins.extend(created)
        leftovers[top] = items
    bins[:] = [bin_ for bin_ in bins if bin_[0] >= 0]


def _join(
    items: list[Item],
    index: _Index,
    chains: dict[int, list[Key]],
    last: int,
    origin: dict[int, Key],
    q: PackParams,
    *,
    widen: bool,
) -> list[Item]:
    """Leftovers join bundles with room; ``widen`` allows moving a bundle up the ladder."""
    remaining: list[Item] = []
    for item in items:
        loan = item[0]
        keys = chains[item[1]]
        target, level = _choose(keys, loan, index.same, index.wider, last, q, widen=widen)
        if target is None:
            remaining.append(item)
            continue
        del target[4:]  # cached ids and grant total are stale
        target[2].append(item)
        target[3] += loan
        if level != target[0]:
            _remember(target, origin)
            target[0], target[1] = level, keys[level]
            index.register(target)
    return remaining


def _steal(
    items: list[Item],
    group_bins: list[Bin],
    chains: dict[int, list[Key]],
    chain: Callable[[Key, int], list[Key]],
    last: int,
    origin: dict[int, Key],
    q: PackParams,
) -> list[Bin]:
    """New bundles of leftovers completed with members taken from existing bundles.

    A member may be taken when its bundle stays valid without it. Taking from a bundle
    at the new bundle's own step costs nothing; taking from a narrower bundle moves
    that member up the ladder, so at most ``min_members - 1`` such moves are allowed
    per new bundle (joining an existing bundle would move at least ``min_members``).
    Steps are tried from the narrowest.
    """
    new_bins: list[Bin] = []
    remaining = sorted(items, reverse=True)
    for level in range(1, last + 1):
        if not remaining:
            break
        pools: dict[Key, list[Item]] = defaultdict(list)
        for item in remaining:
            pools[chains[item[1]][level]].append(item)
        donors: dict[Key, list[Bin]] = defaultdict(list)
        for bin_ in group_bins:
            if bin_[0] <= level:
                donors[chain(bin_[1], bin_[0])[level - bin_[0]]].append(bin_)
        kept: list[Item] = []
        for key in sorted(pools):
            pool = pools[key]
            while pool:
                made = _steal_one(pool, donors.get(key, []), level, origin, q)
                if made is None:
                    break
                members, total = made
                new_bins.append([level, key, members, total])
                taken = {item[1] for item in members}
                pool = [item for item in pool if item[1] not in taken]
            kept.extend(pool)
        remaining = sorted(kept, reverse=True)
    return new_bins


def _steal_one(
    pool: list[Item], donors: list[Bin], level: int, origin: dict[int, Key], q: PackParams
) -> tuple[list[Item], int] | None:
    chosen = pool[: q.max_members]
    total = sum(item[0] for item in chosen)
    taken: list[tuple[Bin, Item]] = []
    moved = 0
    while total < q.lender_minimum or len(chosen) + len(taken) < q.min_members:
        if len(chosen) + len(taken) >= q.max_members:
            if len(chosen) <= 1:
                break
            total -= chosen.pop()[0]  # make room: the smallest leftover waits
        deficit = q.lender_minimum - total
        best = None
        best_rank = None
        for bin_ in donors:
            if len(bin_[2]) <= q.min_members:
                continue
            for item in bin_[2]:
                loan = item[0]
                if bin_[3] - loan < q.lender_minimum or any(item is other for _, other in taken):
                    continue
                free = bin_[0] == level
                covers = loan >= deficit
                # free first; then one member that covers the deficit, from the widest
                # bundle, the smallest such loan; else the largest loan
                rank = (free, covers, bin_[0], -loan if covers else loan)
                if best_rank is None or rank > best_rank:
                    best, best_rank = (bin_, item), rank
        if best is None:
            break
        if not best_rank[0]:
            moved += 1
            if moved >= q.min_members:
                break
        bin_, item = best
        if bin_[0] == 0:
            origin[item[1]] = bin_[1]
        del bin_[4:]
        bin_[2].remove(item)
        bin_[3] -= item[0]
        taken.append(best)
        total += item[0]
    members = chosen + [item for _, item in taken]
    valid = (
        q.min_members <= len(members) <= q.max_members
        and total >= q.lender_minimum
        and (q.lender_maximum is None or total <= q.lender_maximum)
    )
    if valid:
        return members, total
    for bin_, item in taken:  # undo
        bin_[2].append(item)
        bin_[3] += item[0]
    return None


_REPACK_SIZES = (1, 2, 4, 8, 16, 32, 64)


def _repack(
    items: list[Item],
    group_bins: list[Bin],
    chains: dict[int, list[Key]],
    chain: Callable[[Key, int], list[Key]],
    last: int,
    origin: dict[int, Key],
    q: PackParams,
) -> tuple[list[Item], list[Bin]]:
    """Dissolve a few full bundles and pack their members again with the leftovers.

    When bundles are full (small member cap), leftovers can only be placed by
    reshuffling: a large loan that sits in a bundle of two large loans can instead
    carry a small leftover. The bundles with the largest loans are dissolved first, 1,
    2, 4... at a time, and the new packing is kept only if it places more requests.
    New bundles sit at the narrowest step their members share. Dissolved bundles are
    marked with level -1.
    """
    remaining = sorted(items, reverse=True)
    known = {item[1]: (0, chains[item[1]][0]) for item in remaining}
    created: list[Bin] = []
    while remaining:
        live = [bin_ for bin_ in group_bins if bin_[0] >= 0]
        live.sort(key=lambda b: (-b[3], -b[0], b[1], len(b[2])))
        improved = False
        for size in _REPACK_SIZES:
            chosen = live[:size]
            pool = remaining + [item for bin_ in chosen for item in bin_[2]]
            pool.sort(reverse=True)
            packed, rest = pack(pool, q)
            if sum(len(members) for members, _ in packed) > sum(len(b[2]) for b in chosen):
                for bin_ in chosen:
                    for item in bin_[2]:
                        known[item[1]] = (bin_[0], bin_[1])
                    _remember(bin_, origin)
                    bin_[0] = -1
                for members, total in packed:
                    level, key = _narrowest(members, known, chain, last)
                    group_bins.append([level, key, members, total])
                    created.append(group_bins[-1])
                    for item in members:
                        known[item[1]] = (level, key)
                remaining = rest
                improved = True
                break
            if size >= len(live):
                break
        if not improved:
            break
    return remaining, created


def _narrowest(
    members: list[Item],
    known: dict[int, tuple[int, Key]],
    chain: Callable[[Key, int], list[Key]],
    last: int,
) -> tuple[int, Key]:
    """The narrowest step at which all members share a key."""
    start = max(known[item[1]][0] for item in members)
    chains = []
    for item in members:
        level, key = known[item[1]]
        chains.append(chain(key, level)[start - level :])
    for offset in range(last - start + 1):
        keys = {keys[offset] for keys in chains}
        if len(keys) == 1:
            return start + offset, keys.pop()
    raise AssertionError("members of one widest group always share the widest key")


def _remember(bin_: Bin, origin: dict[int, Key]) -> None:
    """Before a step-0 bundle widens or dissolves, record its members' step-0 key."""
    if bin_[0] == 0:
        origin.update(dict.fromkeys([item[1] for item in bin_[2]], bin_[1]))


def widest_keys(parents: list[dict[Key, Key]]) -> list[dict[Key, Key]]:
    """For each step but the last, the map from a key to its widest-step key."""
    widest: list[dict[Key, Key]] = [{} for _ in parents]
    for level in range(len(parents) - 1, -1, -1):
        if level == len(parents) - 1:
            widest[level] = dict(parents[level])
        else:
            above = widest[level + 1]
            widest[level] = {key: above[parent] for key, parent in parents[level].items()}
    return widest


def _choose(
    keys: list[Key],
    loan: int,
    same: dict[tuple[int, Key], _Queue],
    wider: dict[tuple[int, int, Key], _Queue],
    last: int,
    q: PackParams,
    *,
    widen: bool,
) -> tuple[Bin | None, int]:
    for level in range(last + 1):
        queue = same.get((level, keys[level]))
        if queue is not None:
            bin_ = queue.first_fit(loan, q)
            if bin_ is not None:
                return bin_, level
    if not widen:
        return None, -1
    for bin_level in range(last - 1, -1, -1):
        best: Bin | None = None
        best_level = -1
        for level in range(bin_level + 1, last + 1):
            queue = wider.get((bin_level, level, keys[level]))
            if queue is None:
                continue
            bin_ = queue.first_fit(loan, q)
            if bin_ is not None and (best is None or len(bin_[2]) < len(best[2])):
                best, best_level = bin_, level
        if best is not None:
            return best, best_level
    return None, -1

"""Narrowing swaps: exchange one member between two bundles to bring keys together.

Used on bundles made at the widest step (see ladder.py): the count placed is fixed,
and swapping a member of bundle A for a member of bundle B is kept when both stay
valid and more requests end up at a narrow step (compared step 0 first, then step 1...).
Each bundle's step is the narrowest at which all its members share a key.
"""

from __future__ import annotations

from collections import defaultdict

from .keys import Key
from .packing import Item, PackParams

_BUCKET_SCAN = 64  # bundles looked at per shared key
_ROUNDS = 8


def narrow_bundles(
    bins: list[list],
    first_key: dict[int, Key],
    parents: list[dict[Key, Key]],
    q: PackParams,
) -> None:
    """Improve the steps of ``bins`` ([level, key, members, total]) in place."""
    last = len(parents)
    if not last or len(bins) < 2:
        return
    chains: dict[int, tuple[Key, ...]] = {}
    chain_of_key: dict[Key, tuple[Key, ...]] = {}
    for bin_ in bins:
        for item in bin_[2]:
            key0 = first_key[item[1]]
            chain = chain_of_key.get(key0)
            if chain is None:
                keys = [key0]
                for parent in parents:
                    keys.append(parent[keys[-1]])
                chain = chain_of_key[key0] = tuple(keys)
            chains[item[1]] = chain

    def step(members: list[Item]) -> tuple[int, Key]:
        for level in range(last + 1):
            key = chains[members[0][1]][level]
            if all(chains[item[1]][level] == key for item in members):
                return level, key
        raise AssertionError("a widest group shares its widest key")

    def valid(total: int) -> bool:
        return total >= q.lender_minimum and (q.lender_maximum is None or total <= q.lender_maximum)

    def score(*levels_sizes: tuple[int, int]) -> list[int]:
        counts = [0] * (last + 1)
        for level, size in levels_sizes:
            counts[level] += size
        return counts

    # index[level][key] -> bundles holding a member with that key at that level
    index: list[dict[Key, set[int]]] = [defaultdict(set) for _ in range(last)]

    def register(number: int, present: bool) -> None:
        for item in bins[number][2]:
            for level in range(last):
                bucket = index[level][chains[item[1]][level]]
                if present:
                    bucket.add(number)
                else:
                    bucket.discard(number)

    for number in range(len(bins)):
        register(number, True)

    for _ in range(_ROUNDS):
        improved = False
        order = sorted(range(len(bins)), key=lambda n: -bins[n][0])
        for a in order:
            if bins[a][0] == 0:
                continue
            if _improve(a, bins, chains, index, step, valid, score, register):
                improved = True
        if not improved:
            break


def _improve(a, bins, chains, index, step, valid, score, register) -> bool:
    bin_a = bins[a]
    for x in list(bin_a[2]):
        for level in range(bin_a[0]):
            key = chains[x[1]][level]
            for b in sorted(index[level][key])[:_BUCKET_SCAN]:
                if b == a:
                    continue
                bin_b = bins[b]
                before = score((bin_a[0], len(bin_a[2])), (bin_b[0], len(bin_b[2])))
                for y in bin_b[2]:
                    if chains[y[1]][level] == key:
                        continue  # y already sits with x's key: swapping it away is no use
                    total_a = bin_a[3] - x[0] + y[0]
                    total_b = bin_b[3] - y[0] + x[0]
                    if not (valid(total_a) and valid(total_b)):
                        continue
                    members_a = [item for item in bin_a[2] if item is not x] + [y]
                    members_b = [item for item in bin_b[2] if item is not y] + [x]
                    step_a, step_b = step(members_a), step(members_b)
                    if score((step_a[0], len(members_a)), (step_b[0], len(members_b))) > before:
                        register(a, False)
                        register(b, False)
                        bins[a] = [*step_a, members_a, total_a]
                        bins[b] = [*step_b, members_b, total_b]
                        register(a, True)
                        register(b, True)
                        return True
    return False

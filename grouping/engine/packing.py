"""Packing one key group into bundles: the upper bound, then a greedy that meets it.

A group is a list of items ``(loan, request_id, grant)`` sorted in decreasing order
(``list.sort(reverse=True)``: loan descending, then request id descending, so the order
is total and does not depend on the input order).

Upper bound. If ``p`` requests go into ``k`` bundles, then ``ceil(p / M) <= k`` (member
cap), ``k <= p // m`` (member floor), ``k * L <= sum of min(loan, L)`` over the ``p``
requests (each bundle needs ``L`` and a loan above ``L`` cannot count for more than
``L`` in its bundle) and, with a lender maximum ``U``, ``sum of loans <= k * U``. The
``p`` largest loans give the largest capped sum and the ``p`` smallest the smallest sum,
so a ``p`` for which no ``k`` satisfies these inequalities with those extremes is out
of reach. The bound is the largest ``p`` that passes. It refines the simple
``min(n, M * floor(total / L))`` (which it never exceeds). In the code, ``m``, ``M``, ``L``
and ``U`` are ``PackParams.min_members``, ``max_members``, ``lender_minimum`` and
``lender_maximum``.

Packing. Take the ``p`` largest loans, pick a bundle count ``k`` near the target, and
deal the requests out: first a snake deal (1..k, k..1, ...) that balances both the
member counts and the loan totals, then a longest-processing-time deal (each request to
the bundle with the smallest loan total, with a reservation so every bundle reaches
``m``), then a repair pass that moves or swaps single requests into bundles below the
lender minimum (repair.py). If the ``p`` largest loans cannot all be dealt, a binary
search finds the largest ``p`` that can; if none can, the valid bundles of a failed
deal are kept, and a large-with-small greedy packs what is left of small pools.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from itertools import accumulate, repeat
from operator import itemgetter

from .params import PackParams, valid
from .repair import greedy, repair

Item = tuple[int, int, int]  # (loan, request_id, grant)
_loan_of = itemgetter(0)
_id_of = itemgetter(1)
Packed = tuple[list[Item], int]  # (members, loan total)

_GREEDY_LIMIT = 5_000  # the large-with-small greedy is quadratic: only on small pools


def sort_items(items: list[Item]) -> None:
    """Sort in place, loan descending then request id descending.

    Same order as ``items.sort(reverse=True)``, but two stable sorts on integer keys
    compare plain ints instead of tuples scattered in memory: two to three times
    faster on large groups.
    """
    items.sort(key=_id_of, reverse=True)
    items.sort(key=_loan_of, reverse=True)


def _k_range(p: int, capped_top: int, plain_bottom: int, q: PackParams) -> tuple[int, int]:
    """Bundle counts allowed for ``p`` requests by the counting argument above."""
    k_lo = max(1, -(-p // q.max_members))
    if q.lender_maximum is not None:
        k_lo = max(k_lo, -(-plain_bottom // q.lender_maximum))
    k_hi = p // q.min_members
    if q.lender_minimum > 0:
        k_hi = min(k_hi, capped_top // q.lender_minimum)
    return k_lo, k_hi


class _Prefixes:
    """Prefix sums for the bound, computed lazily (the common case never needs them)."""

    def __init__(self, loans: list[int], q: PackParams) -> None:
        cap = q.lender_minimum if q.lender_minimum > 0 else 0
        self.capped_top = [0, *accumulate(min(w, cap) for w in loans)] if cap else None
        self.plain_bottom = [0, *accumulate(reversed(loans))]

    def k_range(self, p: int, q: PackParams) -> tuple[int, int]:
        capped = self.capped_top[p] if self.capped_top is not None else 0
        return _k_range(p, capped, self.plain_bottom[p], q)


def _full_k_range(loans: list[int], q: PackParams) -> tuple[int, int]:
    total = sum(loans)
    capped = total
    if q.lender_minimum > 0:
        index = 0  # loans above L form a prefix (descending order)
        while index < len(loans) and loans[index] > q.lender_minimum:
            capped -= loans[index] - q.lender_minimum
            index += 1
    return _k_range(len(loans), capped, total, q)


def group_bound(loans: list[int], q: PackParams, *, presorted: bool = True) -> int:
    """Most requests of one group any packing can place.

    ``loans`` must be sorted descending unless ``presorted`` is False; then they are
    sorted only when the whole group cannot be placed (the common case needs no sort).
    """
    n = len(loans)
    if n < q.min_members:
        return 0
    if presorted:
        k_lo, k_hi = _full_k_range(loans, q)
    else:
        total = sum(loans)
        capped = total
        if q.lender_minimum > 0 and max(loans) > q.lender_minimum:
            capped = sum(map(min, loans, repeat(q.lender_minimum)))
        k_lo, k_hi = _k_range(n, capped, total, q)
    if k_lo <= k_hi:
        return n
    if not presorted:
        loans = sorted(loans, reverse=True)
    prefixes = _Prefixes(loans, q)
    for p in range(n - 1, q.min_members - 1, -1):
        k_lo, k_hi = prefixes.k_range(p, q)
        if k_lo <= k_hi:
            return p
    return 0


def _preferred_k(p: int, loan_total: int, k_lo: int, k_hi: int, q: PackParams) -> int:
    wanted = []
    if q.target_members is not None:
        wanted.append((2 * p + q.target_members) // (2 * q.target_members))
    if q.target_loan is not None:
        wanted.append((2 * loan_total + q.target_loan) // (2 * q.target_loan))
    k = max(wanted) if wanted else k_lo
    return min(max(k, k_lo), k_hi)


def pack(items: list[Item], q: PackParams) -> tuple[list[Packed], list[Item]]:
    """Pack one group (sorted descending). Returns (bundles, leftover items)."""
    n = len(items)
    if n < q.min_members:
        return [], items
    loans = list(map(_loan_of, items))
    k_lo, k_hi = _full_k_range(loans, q)
    if k_lo <= k_hi:  # the common case: everybody fits
        packed, failed = _deal(items, loans, n, k_lo, k_hi, q)
        if packed is not None:
            return packed, []
    prefixes = _Prefixes(loans, q)
    bound = group_bound(loans, q)
    if bound == 0:
        return [], items

    def attempt(p: int) -> tuple[list[Packed] | None, list[list[int]]]:
        k_lo, k_hi = prefixes.k_range(p, q)
        if k_lo > k_hi:
            return None, []
        return _deal(items, loans, p, k_lo, k_hi, q)

    best_p, best = 0, None
    failed: list[list[int]] = []
    if bound < n:
        best, failed = attempt(bound)
        best_p = bound if best is not None else 0
    if best is None:
        # Binary search on how many of the largest loans to pack: packing the p
        # largest gets easier as p shrinks (up to the member floor and cap parity).
        low, high = 0, bound - 1
        while low < high:
            p = (low + high + 1) // 2
            while p > low and prefixes.k_range(p, q)[0] > prefixes.k_range(p, q)[1]:
                p -= 1
            if p <= low:
                high = (low + high + 1) // 2 - 1
                continue
            packed, tried = attempt(p)
            if packed is not None:
                best_p, best, low = p, packed, p
            else:
                failed = failed or tried
                high = p - 1
    if best is None:
        # Nothing packs cleanly: keep the valid bundles of a failed attempt.
        kept = [b for b in failed if valid(sum(loans[i] for i in b), len(b), q)]
        used = {i for b in kept for i in b}
        best = _packed(items, loans, kept)
        rest = [i for i in range(n) if i not in used]
    else:
        rest = list(range(best_p, n))
    if len(rest) <= _GREEDY_LIMIT:
        extra, rest = greedy(loans, rest, q)
        best = best + _packed(items, loans, extra)
    return _keep_large_leftovers(best, [items[i] for i in rest], q)


def _keep_large_leftovers(
    packed: list[Packed], rest: list[Item], q: PackParams
) -> tuple[list[Packed], list[Item]]:
    """Swap large members out for small leftovers while bundles stay valid.

    The count placed here does not change, but the requests passed on to the next,
    wider step carry larger loans, which makes them easier to bundle there.
    """
    if not rest or not packed:
        return packed, rest
    pool = sorted(rest)  # ascending
    result: list[Packed] = []
    for members, total in packed:
        members = sorted(members, reverse=True)
        changed = True
        while changed:
            changed = False
            for position, member in enumerate(members):
                need = q.lender_minimum - (
                    total - member[0]
                )  # smallest loan that keeps the bundle valid
                index = bisect_left(pool, (need, -1, -1))
                if index < len(pool) and pool[index] < member:
                    incoming = pool.pop(index)
                    insort(pool, member)
                    members[position] = incoming
                    total += incoming[0] - member[0]
                    members.sort(reverse=True)
                    changed = True
                    break
        result.append((members, total))
    pool.reverse()
    return result, pool


def _packed(items: list[Item], loans: list[int], bins: list[list[int]]) -> list[Packed]:
    return [([items[i] for i in bin_], sum(loans[i] for i in bin_)) for bin_ in bins]


def _deal(
    items: list[Item], loans: list[int], p: int, k_lo: int, k_hi: int, q: PackParams
) -> tuple[list[Packed] | None, list[list[int]]]:
    """Split the ``p`` largest loans into valid bundles, trying a few bundle counts.

    Returns ``(bundles, [])``, or ``(None, best failed attempt as index lists)``.
    """
    loan_total = sum(loans[:p]) if q.target_loan is not None else 0
    k_star = _preferred_k(p, loan_total, k_lo, k_hi, q)
    ks = [k_star, k_star - 1, k_lo]
    if q.lender_maximum is not None:
        ks += [k_star + 1, k_hi]
    tried: list[int] = []
    best: list[list[int]] = []
    best_valid = -1
    for k in ks:
        if not (k_lo <= k <= k_hi) or k in tried:
            continue
        tried.append(k)
        snake = _snake(items, loans, p, k, q)
        if snake is not None:
            return snake, []
        for cap in dict.fromkeys((min(q.max_members, -(-p // k)), q.max_members)):
            bins = _lpt(loans, p, k, cap, q)
            if bins is None:
                continue
            sums = [sum(loans[i] for i in b) for b in bins]
            if repair(loans, bins, sums, q):
                return _packed(items, loans, bins), []
            good = sum(valid(s, len(b), q) for s, b in zip(sums, bins, strict=True))
            if good > best_valid:
                best, best_valid = bins, good
    return None, best


def _snake(
    items: list[Item], loans: list[int], p: int, k: int, q: PackParams
) -> list[Packed] | None:
    """Deal the ``p`` first items as 1..k, k..1, 1..k, ... if every bundle comes out
    valid (member counts differ by one at most). C-speed slices, no per-item loop."""
    period = 2 * k
    totals = [sum(loans[b:p:period]) + sum(loans[period - 1 - b : p : period]) for b in range(k)]
    if min(totals) < q.lender_minimum or (
        q.lender_maximum is not None and max(totals) > q.lender_maximum
    ):
        return None
    return [
        (items[b:p:period] + items[period - 1 - b : p : period], total)
        for b, total in enumerate(totals)
    ]


def _lpt(loans: list[int], p: int, k: int, cap: int, q: PackParams) -> list[list[int]] | None:
    """Each loan, largest first, to the bundle with the smallest total that has room.

    Bundles below ``m`` members are served first once the remaining loans are just
    enough to bring them all to ``m``.
    """
    if k * cap < p or k * q.min_members > p:
        return None
    bins: list[list[int]] = [[] for _ in range(k)]
    short = [(0, b) for b in range(k)]  # bundles with fewer than m members
    roomy: list[tuple[int, int]] = []  # bundles with m..cap-1 members
    missing = k * q.min_members
    for i in range(p):
        loan = loans[i]
        if p - i <= missing or not roomy or (short and short[0] < roomy[0]):
            total, b = heapq.heappop(short)
        else:
            total, b = heapq.heappop(roomy)
        bins[b].append(i)
        size = len(bins[b])
        if size <= q.min_members:
            missing -= 1
        if size < q.min_members:
            heapq.heappush(short, (total + loan, b))
        elif size < cap:
            heapq.heappush(roomy, (total + loan, b))
    return bins

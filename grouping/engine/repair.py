"""Repairs and fallbacks for the packing in packing.py.

``repair`` fixes bundles of a failed deal by moving or swapping single requests;
``greedy`` packs a pool large-with-small when no deal works.
"""

from __future__ import annotations

from .params import PackParams, valid

_REPAIR_BUDGET = 400_000  # rough count of pair checks allowed in one repair pass


def repair(loans: list[int], bins: list[list[int]], sums: list[int], q: PackParams) -> bool:
    """Fix invalid bundles by moving or swapping one request with a valid bundle."""
    k = len(bins)
    for _ in range(k + 1):
        bad = [b for b in range(k) if not valid(sums[b], len(bins[b]), q)]
        if not bad:
            return True
        if len(bad) * k * q.max_members * q.max_members > _REPAIR_BUDGET:
            return False
        if not any(_fix(loans, bins, sums, b, q) for b in bad):
            return False
    return all(valid(sums[b], len(bins[b]), q) for b in range(k))


def _fix(loans: list[int], bins: list[list[int]], sums: list[int], b: int, q: PackParams) -> bool:
    """Make bundle ``b`` valid with one move or swap that keeps its partner valid."""
    sb, members_b = sums[b], bins[b]
    cb = len(members_b)
    best: tuple[int, int, int, int, int] | None = None  # (cost, r, x, y, kind)
    for r, members_r in enumerate(bins):
        if r == b:
            continue
        sr, cr = sums[r], len(members_r)
        if not valid(sr, cr, q):
            continue
        if cr > q.min_members and cb < q.max_members:  # move x from r to b
            for x in members_r:
                w = loans[x]
                if valid(sb + w, cb + 1, q) and valid(sr - w, cr - 1, q):
                    cost = w
                    if best is None or cost < best[0]:
                        best = (cost, r, x, -1, 0)
        if cb > q.min_members and cr < q.max_members:  # move y from b to r
            for y in members_b:
                w = loans[y]
                if valid(sb - w, cb - 1, q) and valid(sr + w, cr + 1, q):
                    cost = w
                    if best is None or cost < best[0]:
                        best = (cost, r, -1, y, 1)
        for x in members_r:  # swap x (in r) with y (in b)
            wx = loans[x]
            for y in members_b:
                delta = wx - loans[y]
                if valid(sb + delta, cb, q) and valid(sr - delta, cr, q):
                    cost = abs(delta)
                    if best is None or cost < best[0]:
                        best = (cost, r, x, y, 2)
    if best is None:
        return False
    _, r, x, y, kind = best
    if kind in (0, 2):
        bins[r].remove(x)
        bins[b].append(x)
        sums[r] -= loans[x]
        sums[b] += loans[x]
    if kind in (1, 2):
        bins[b].remove(y)
        bins[r].append(y)
        sums[b] -= loans[y]
        sums[r] += loans[y]
    return True


def greedy(loans: list[int], pool: list[int], q: PackParams) -> tuple[list[list[int]], list[int]]:
    """Large-with-small greedy: the largest loan, then the smallest ones until the
    bundle reaches the lender minimum; if the member cap stops it short, the smallest
    members give way to the next largest loans. ``pool`` holds indices in decreasing
    loan order."""
    bins: list[list[int]] = []
    pool = list(pool)
    skipped: list[int] = []
    while len(pool) >= q.min_members:
        chosen = _greedy_bundle(loans, pool, q)
        if chosen is None:
            if (
                q.lender_maximum is None
                or sum(loans[i] for i in pool[: q.max_members]) < q.lender_minimum
            ):
                break
            skipped.append(pool.pop(0))  # too large to pair under the lender maximum
            continue
        bins.append(sorted(pool[j] for j in chosen))
        taken = set(chosen)
        pool = [index for j, index in enumerate(pool) if j not in taken]
    return bins, sorted(skipped + pool)


def _greedy_bundle(loans: list[int], pool: list[int], q: PackParams) -> list[int] | None:
    n = len(pool)
    top = 1  # pool[0:top] are taken from the large end
    small: list[int] = []  # positions taken from the small end
    total = loans[pool[0]]
    j = n - 1
    while (
        (total < q.lender_minimum or top + len(small) < q.min_members)
        and top + len(small) < q.max_members
        and j >= top
    ):
        small.append(j)
        total += loans[pool[j]]
        j -= 1
    while total < q.lender_minimum and small and top < n - len(small):
        # swap the smallest member for the next largest loan
        gone = small.pop(0)
        total += loans[pool[top]] - loans[pool[gone]]
        top += 1
    chosen = list(range(top)) + small
    if not valid(total, len(chosen), q):
        return None
    return chosen

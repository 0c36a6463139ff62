"""Quality of the grouping engine: placed requests against bounds and exact optima.

    python benchmarks/grouping_quality.py            # 10 000-request instances + CP-SAT
    python benchmarks/grouping_quality.py --exact-seeds 5

Three tables:

1. 10 000 requests (uniform and Zipf keys) under four policies: placed and placed at
   the finest step against the upper bounds, bundle sizes against the target, for the
   engine and the naive baseline.
2. Member cap 2 (pairs), where the exact optimum is known at any size: the most pairs
   reaching the lender minimum in a group is found by pairing the largest loan with the
   smallest one that completes it (two pointers).
3. Small instances with a member cap of 3 against OR-tools CP-SAT's exact ladder
   optimum (most requests placed, then most at step 0, then step 1...).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.baseline import group_naive  # noqa: E402
from benchmarks.instances import EURO, benchmark_policy, make_instance, small_instance  # noqa: E402
from dossiers.formatting import euros_from_cents  # noqa: E402
from grouping.engine import group as group_with  # noqa: E402
from grouping.engine import upper_bound  # noqa: E402
from grouping.engine.run import prepare  # noqa: E402

POLICIES = {
    "2-12 members, target 6": {},
    "2-3 members, target 3": {"max_members": 3, "target_members": 3},
    "target 60 kEUR, lender max 100 kEUR": {
        "target_members": None,
        "target_loan": 60_000 * EURO,
        "lender_maximum": 100_000 * EURO,
    },
    "pairs (2 members)": {"max_members": 2, "target_members": 2},
}


def group(candidates, policy):
    """The engine, writing amounts as Grappe does."""
    return group_with(candidates, policy, format_cents=euros_from_cents)


def size_report(result, target: int | None) -> str:
    sizes = [len(bundle.member_ids) for bundle in result.bundles]
    if not sizes:
        return "no bundle"
    text = f"mean size {statistics.mean(sizes):.2f}"
    if target:
        near = sum(abs(size - target) <= 1 for size in sizes) / len(sizes)
        text += f", {near:.0%} within 1 of {target}"
    return text


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def table_bounds(size: int, seed: int) -> None:
    print(f"\n## {size:,} requests: placed vs upper bounds\n")
    print("| keys | policy | solver | placed / bound | finest / finest bound | bundles | sizes |")
    print("|---|---|---|---|---|---|---|")
    for keys in ("uniform", "zipf"):
        candidates = make_instance(size, seed=seed, keys=keys)
        for name, changes in POLICIES.items():
            policy = benchmark_policy(**changes)
            bounds = upper_bound(candidates, policy)
            for solver, function in (("engine", group), ("baseline", group_naive)):
                result = function(candidates, policy)
                finest = result.placed_at_level(0)
                print(
                    f"| {keys} | {name} | {solver} | {result.placed:,} / {bounds.total:,} "
                    f"({percent(result.placed, bounds.total)}) | {finest:,} / "
                    f"{bounds.finest:,} ({percent(finest, bounds.finest)}) | "
                    f"{len(result.bundles):,} | "
                    f"{size_report(result, policy.target_members)} |"
                )


def most_pairs(loans: list[int], minimum: int) -> int:
    loans = sorted(loans)
    low, high, pairs = 0, len(loans) - 1, 0
    while low < high:
        if loans[low] + loans[high] >= minimum:
            pairs, low, high = pairs + 1, low + 1, high - 1
        else:
            low += 1
    return 2 * pairs


def table_pairs(size: int, seed: int) -> None:
    print(f"\n## {size:,} requests, member cap 2: against the exact optimum\n")
    print("| keys | solver | placed / exact | finest / exact finest (alone) |")
    print("|---|---|---|---|")
    policy = benchmark_policy(**POLICIES["pairs (2 members)"])
    for keys in ("uniform", "zipf"):
        candidates = make_instance(size, seed=seed, keys=keys)
        prepared = prepare(candidates, policy)
        finest_exact = sum(
            most_pairs([item[0] for item in items], policy.lender_minimum)
            for items in prepared.groups.values()
        )
        widest = prepared.groups
        for parent in prepared.parents:
            merged: dict = {}
            for key, items in widest.items():
                merged.setdefault(parent[key], []).extend(items)
            widest = merged
        total_exact = sum(
            most_pairs([item[0] for item in items], policy.lender_minimum)
            for items in widest.values()
        )
        for solver, function in (("engine", group), ("baseline", group_naive)):
            result = function(candidates, policy)
            finest = result.placed_at_level(0)
            print(
                f"| {keys} | {solver} | {result.placed:,} / {total_exact:,} "
                f"({percent(result.placed, total_exact)}) | {finest:,} / {finest_exact:,} |"
            )


def table_exact(seeds: int, size: int) -> None:
    from benchmarks.exact import ladder_optimum  # ortools: a development dependency

    print(f"\n## {seeds} instances of {size} requests, 2-3 members: against CP-SAT\n")
    policy = benchmark_policy(max_members=3, target_members=3)
    totals = {"engine": [0, 0], "baseline": [0, 0], "exact": [0, 0]}
    proven = 0
    started = time.perf_counter()
    for seed in range(seeds):
        candidates = small_instance(size, seed=seed)
        best = ladder_optimum(candidates, policy, time_limit=20)
        proven += best.proven
        totals["exact"][0] += best.total
        totals["exact"][1] += best.per_level[0]
        for solver, function in (("engine", group), ("baseline", group_naive)):
            result = function(candidates, policy)
            totals[solver][0] += result.placed
            totals[solver][1] += result.placed_at_level(0)
    elapsed = time.perf_counter() - started
    print("| solver | placed | % of exact | placed at finest step | % of exact |")
    print("|---|---|---|---|---|")
    exact_total, exact_finest = totals["exact"]
    for solver, (placed, finest) in totals.items():
        print(
            f"| {solver} | {placed} | {percent(placed, exact_total)} | {finest} | "
            f"{percent(finest, exact_finest)} |"
        )
    print(f"\n{proven}/{seeds} optima proven by CP-SAT ({elapsed:.0f} s in all)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--exact-seeds", type=int, default=20)
    parser.add_argument("--exact-size", type=int, default=30)
    args = parser.parse_args()
    table_bounds(args.size, args.seed)
    table_pairs(args.size, args.seed)
    if args.exact_seeds:
        table_exact(args.exact_seeds, args.exact_size)


if __name__ == "__main__":
    main()

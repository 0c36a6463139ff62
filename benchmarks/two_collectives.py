"""Grouping both kinds of collective in memory: every request has a grant and a loan line.

    python benchmarks/two_collectives.py                     # 1 000 000 requests
    python benchmarks/two_collectives.py --sizes 10000 100000 --runs 3

Each request's loan line is grouped into lender bundles (lender minimum 20 k EUR, product
band 5-50 k EUR) and its grant line into grant collectives (cap 10 k EUR per undertaking,
no operation minimum), as ``grouping.runs`` does: the engine packs one amount per
candidate, the grant line standing where the loan would (``Policy.line``). Generating the
instance is not timed. For each kind the script prints wall and CPU time and checks that
the engine places exactly its upper bound (placed = bound), then the total for both.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.instances import EURO, benchmark_policy, make_instance  # noqa: E402
from dossiers.formatting import euros_from_cents  # noqa: E402
from grouping.engine import group, upper_bound  # noqa: E402


def lines(size: int, seed: int):
    """(loan candidates, grant candidates) of one instance: each carries one amount."""
    candidates = make_instance(size, seed=seed)
    loans = [replace(c, grant=0) for c in candidates]
    grants = [replace(c, loan=c.grant, grant=0) for c in candidates]
    return loans, grants


def grant_policy():
    cap = 10_000 * EURO
    return benchmark_policy(lender_minimum=0, loan_min=1, loan_max=cap, line="grant")


def timed(candidates, policy, runs: int):
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(runs):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = group(candidates, policy, format_cents=euros_from_cents)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best_wall, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(f"{'requests':>10} {'kind':>6} {'bundles':>9} {'placed':>9} {'bound':>9} "
          f"{'wall s':>7} {'cpu s':>7}")  # fmt: skip
    for size in args.sizes:
        loans, grants = lines(size, args.seed)
        total_wall = total_cpu = 0.0
        for kind, candidates, policy in (
            ("loan", loans, benchmark_policy()),
            ("grant", grants, grant_policy()),
        ):
            result, wall, cpu = timed(candidates, policy, args.runs)
            bound = upper_bound(candidates, policy).total
            total_wall += wall
            total_cpu += cpu
            print(
                f"{size:>10} {kind:>6} {len(result.bundles):>9} {result.placed:>9} "
                f"{bound:>9} {wall:>7.2f} {cpu:>7.2f}"
            )
            assert result.placed == bound, f"{kind}: placed {result.placed} < bound {bound}"
            del result
        print(
            f"{size:>10} {'both':>6} {'':>9} {'':>9} {'':>9} {total_wall:>7.2f} {total_cpu:>7.2f}"
        )
        del loans, grants


if __name__ == "__main__":
    main()

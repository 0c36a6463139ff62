"""Speed and memory of the grouping engine, side by side with the naive baseline.

    python benchmarks/grouping_speed.py                  # 10 000 and 1 000 000 requests
    python benchmarks/grouping_speed.py --sizes 10000 --runs 5

Instances are seeded (see instances.py). Generating the candidates is not timed. For
each run the script prints wall time and CPU time (the machine may be shared: CPU time
is the steadier figure), the best of the runs, and the process's peak resident memory
before and after grouping.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.baseline import group_naive  # noqa: E402
from benchmarks.instances import benchmark_policy, make_instance  # noqa: E402
from dossiers.formatting import euros_from_cents  # noqa: E402
from grouping.engine import group as group_with  # noqa: E402
from grouping.engine import upper_bound  # noqa: E402


def group(candidates, policy):
    """The engine, writing amounts as Grappe does."""
    return group_with(candidates, policy, format_cents=euros_from_cents)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(function, *args, runs: int):
    walls, cpus, result = [], [], None
    for _ in range(runs):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, walls, cpus


def seconds(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{min(values):.2f} (median {statistics.median(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--keys", nargs="+", default=["uniform", "zipf"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    policy = benchmark_policy()
    print(
        f"policy: ladder of {len(policy.ladder)} steps, {policy.min_members}-"
        f"{policy.max_members} members, target {policy.target_members}, "
        f"lender minimum {policy.lender_minimum // 100} EUR"
    )
    for size in args.sizes:
        for keys in args.keys:
            candidates = make_instance(size, seed=args.seed, keys=keys)
            gc.collect()
            rss_before, peak_before = current_rss_mb(), peak_rss_mb()
            result, walls, cpus = timed(group, candidates, policy, runs=args.runs)
            peak_after = peak_rss_mb()
            bounds, bound_walls, _ = timed(upper_bound, candidates, policy, runs=1)
            naive, naive_walls, naive_cpus = timed(group_naive, candidates, policy, runs=1)
            print(f"\n{size:,} requests, {keys} keys")
            print(f"  engine   wall {seconds(walls)} s, cpu {seconds(cpus)} s")
            print(f"  baseline wall {seconds(naive_walls)} s, cpu {seconds(naive_cpus)} s")
            print(f"  upper_bound wall {seconds(bound_walls)} s")
            print(
                f"  memory: RSS {rss_before:.0f} MB with the candidates loaded, peak "
                f"{max(peak_after, peak_before):.0f} MB after grouping "
                f"(+{max(0.0, peak_after - rss_before):.0f} MB for the engine)"
            )
            print(
                f"  placed {result.placed:,} / bound {bounds.total:,} (baseline "
                f"{naive.placed:,}); finest step {result.placed_at_level(0):,} / bound "
                f"{bounds.finest:,} (baseline {naive.placed_at_level(0):,}); "
                f"{len(result.bundles):,} bundles (baseline {len(naive.bundles):,})"
            )
            del candidates, result, naive


if __name__ == "__main__":
    main()

"""Routing in memory: one request against 2 000 schemes, and 1 000 000 requests.

    python benchmarks/aids_routing.py
    python benchmarks/aids_routing.py --schemes 2000 --requests 1000000

No database: the synthetic catalogue (benchmarks/aids_catalogue.py) is parsed and
compiled as the application does (aids.schemes.parse_row, aids.matrix.CompiledCatalogue),
then

1. *one request*: ``aids.routing.route`` (the matrix for every scheme, the evaluator's
   words for the schemes left) for 1 000 random requests, one at a time: median, P95, max;
2. *a campaign*: 1 000 000 random requests as arrays in blocks of 20 000, counted per
   scheme (``CompiledCatalogue.counts``), the work of the campaign job without the reading.

Budgets: one request ≤ 20 ms; the campaign job (benchmarks/aids_costs_postgres.py
measures it end to end) ≤ 10 min.
"""

import argparse
import os
import random
import statistics
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from time import perf_counter, process_time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemes", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django

    django.setup()
    import numpy as np
    from aids_catalogue import synthetic_catalogue

    from aids.evaluator import Applicant
    from aids.matrix import (
        CATEGORY_INDEX,
        DEPARTEMENTS,
        NAF_CODES,
        ApplicantArrays,
        CompiledCatalogue,
    )
    from aids.routing import route
    from aids.schemes import THEMES, parse_row

    on = date.today()
    rows = synthetic_catalogue(args.schemes, on=on)
    started = perf_counter()
    schemes = [parse_row(row)[0] for row in rows]
    parsed = perf_counter() - started
    started = perf_counter()
    compiled = CompiledCatalogue(schemes, on)
    compiled_in = perf_counter() - started
    print(
        f"{args.schemes} schemes: parsed in {parsed * 1000:.0f} ms, "
        f"compiled in {compiled_in * 1000:.0f} ms"
    )

    rng = random.Random(7)

    def applicant() -> Applicant:
        return Applicant(
            departement=rng.choice(DEPARTEMENTS),
            naf_code=rng.choice(NAF_CODES),
            headcount=Decimal(rng.randint(0, 40)),
            turnover=Decimal(rng.randint(20_000, 3_000_000)),
            sme_category=rng.choice(["micro", "micro", "small"]),
            creation_date=on - timedelta(days=rng.randint(100, 8000)),
            project_category=rng.choice(THEMES),
            eligible_cost=Decimal(rng.randint(2_000, 40_000)),
            planned_grant=Decimal(rng.choice([0, 0, 5_000, 10_000])),
            de_minimis_room=rng.choice([None, Decimal(300_000), Decimal(rng.randint(0, 300_000))]),
        )

    people = [applicant() for _ in range(1000)]
    route(people[0], compiled)  # warm-up
    times, cpus, shown = [], [], []
    for person in people:
        started, cpu = perf_counter(), process_time()
        verdicts = route(person, compiled)
        times.append(perf_counter() - started)
        cpus.append(process_time() - cpu)
        shown.append(len(verdicts))
    for label, values in (("wall", sorted(times)), ("CPU", sorted(cpus))):
        print(
            f"one request vs {args.schemes} schemes ({label}): "
            f"median {statistics.median(values) * 1000:.2f} ms, "
            f"P95 {values[949] * 1000:.2f} ms, max {values[-1] * 1000:.2f} ms"
        )
    print(f"{statistics.mean(shown):.1f} schemes shown on average; budget 20 ms")

    n = args.requests
    block = 20_000
    nrng = np.random.default_rng(7)
    started, cpu = perf_counter(), process_time()
    eligible_total = unknown_total = 0
    for offset in range(0, n, block):
        size = min(block, n - offset)
        arrays = ApplicantArrays(
            dep=nrng.integers(0, len(DEPARTEMENTS), size),
            naf=nrng.integers(0, len(NAF_CODES), size),
            category=nrng.integers(0, len(CATEGORY_INDEX), size),
            theme=nrng.integers(0, len(THEMES), size),
            headcount=nrng.integers(0, 40, size).astype(float),
            turnover=nrng.integers(20_000, 3_000_000, size).astype(float),
            age=nrng.integers(0, 20, size).astype(float),
            cost=nrng.integers(2_000, 40_000, size).astype(float),
            planned=nrng.choice([0.0, 0.0, 5_000.0, 10_000.0], size),
            room=nrng.choice([np.nan, 300_000.0, 12_000.0], size),
        )
        eligible, unknown = compiled.counts([arrays])
        eligible_total += int(eligible.sum())
        unknown_total += int(unknown.sum())
    wall, cpu = perf_counter() - started, process_time() - cpu
    print(
        f"{n} requests vs {args.schemes} schemes counted in {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"({eligible_total / n:.1f} eligible and {unknown_total / n:.1f} to confirm per request)"
    )


if __name__ == "__main__":
    main()

"""Run every benchmark in turn (`make bench`); each prints its own figures.

The PostgreSQL ones (grouping end to end, worker throughput, builds from the database)
need the local PostgreSQL and Redis; see docs/performance.md for each command on its own.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ["grouping_speed.py"],
    ["grouping_quality.py"],
    ["exports_speed.py"],
    ["exports_build.py"],
    ["grouping_postgres.py"],
    ["workers_throughput.py"],
    ["aids_routing.py"],
    ["aids_costs_postgres.py"],
    ["upload_rss.py"],
    ["timerules_deadlines.py"],
    ["timerules_purge.py"],
]


def main() -> int:
    failures = 0
    for script, *args in SCRIPTS:
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        failures += subprocess.call([sys.executable, str(HERE / script), *args]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

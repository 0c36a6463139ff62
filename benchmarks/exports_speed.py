"""Speed and memory of the collective-file exports, against bare ReportLab / openpyxl.

    python benchmarks/exports_speed.py                      # 50 and 5 000 members, 100 000 rows
    python benchmarks/exports_speed.py --sizes 50 --rows 20000   # a quick run
    python benchmarks/exports_speed.py --xlsx-only          # the 100 000-row sheet alone

For each bundle size: the PDF dossier, the XLSX annex and the ZIP package (from the
rendered PDF and XLSX), each timed for Grappe and for the bare script of the same content
(``exports_bare.py``) in the same run, runs interleaved and the best kept, with the ratio
Grappe / bare and the time per member. Before the bundles, one streamed XLSX sheet of N
member rows: rows per second and peak memory growth (peak RSS over the RSS before the run;
the input rows are generated lazily, their cost is in both figures). Grappe writes it with
its streaming writer (``exports/xlsx_stream.py``), the bare script with openpyxl's
write-only mode. Times are CPU seconds of this process (``time.process_time``), which
other processes on a shared machine disturb far less than wall-clock time.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.exports_bare import bare_pdf, bare_rows_xlsx, bare_xlsx, bare_zip  # noqa: E402
from benchmarks.memory import reset_peak, status  # noqa: E402
from exports.package import render_package  # noqa: E402
from exports.pdf_dossier import render_dossier_pdf  # noqa: E402
from exports.snapshot import MemberSnapshot  # noqa: E402
from exports.xlsx_annex import MEMBER_COLUMNS, render_annex_xlsx, render_rows_xlsx  # noqa: E402
from tests.exports.sample import BUILD_DATE, sample_documents, sample_dossier, sample_member  # noqa: E402


def _run(function: Callable[[], Any]) -> tuple[float, int, Any]:
    gc.collect()
    reset_peak()
    before = status("VmRSS")
    # CPU time of this process: a shared machine's other load barely moves it.
    start = time.process_time()
    result = function()
    elapsed = time.process_time() - start
    return elapsed, max(status("VmHWM") - before, 0), result


def compare(
    grappe: Callable[[], Any], bare: Callable[[], Any], repeat: int = 1
) -> tuple[float, int, Any, float, int]:
    """Grappe's and the bare script's best time and peak RSS growth, runs interleaved.

    Alternating the two and keeping each one's best run spreads the noise of a shared
    machine over both sides. Returns (grappe s, grappe peak, grappe result, bare s, bare peak).
    """
    g_best = b_best = float("inf")
    g_peak = b_peak = 0
    result = None
    for _ in range(repeat):
        elapsed, peak, result = _run(grappe)
        g_best, g_peak = min(g_best, elapsed), max(g_peak, peak)
        elapsed, peak, _ = _run(bare)
        b_best, b_peak = min(b_best, elapsed), max(b_peak, peak)
    return g_best, g_peak, result, b_best, b_peak


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def bundle(size: int, repeat: int) -> list[str]:
    snapshot = sample_dossier(size)
    documents = sample_documents(snapshot)
    lines = []
    g_pdf, g_pdf_mem, pdf, b_pdf, b_pdf_mem = compare(
        lambda: render_dossier_pdf(snapshot), lambda: bare_pdf(snapshot), repeat
    )
    g_xlsx, _, xlsx, b_xlsx, _ = compare(
        lambda: render_annex_xlsx(snapshot), lambda: bare_xlsx(snapshot), repeat
    )
    g_zip, _, package, b_zip, _ = compare(
        lambda: render_package(snapshot, documents, dossier_pdf=pdf, annex_xlsx=xlsx),
        lambda: bare_zip(snapshot, documents, pdf, xlsx, BUILD_DATE),
        repeat,
    )
    for name, grappe, bare, extra in (
        (
            "PDF",
            g_pdf,
            b_pdf,
            f"{len(pdf) / 1e6:.1f} MB, peak +{mb(g_pdf_mem)} (bare +{mb(b_pdf_mem)})",
        ),
        ("XLSX", g_xlsx, b_xlsx, f"{len(xlsx) / 1e6:.1f} MB"),
        ("ZIP", g_zip, b_zip, f"{len(package) / 1e6:.1f} MB"),
    ):
        lines.append(
            f"| {size} | {name} | {grappe:.2f} s | {bare:.2f} s | {grappe / bare:.2f}× "
            f"| {grappe / size * 1000:.1f} ms | {extra} |"
        )
    total = g_pdf + g_xlsx + g_zip
    lines.append(
        f"| {size} | all | {total:.2f} s | {b_pdf + b_xlsx + b_zip:.2f} s "
        f"| {total / (b_pdf + b_xlsx + b_zip):.2f}× | {total / size * 1000:.1f} ms | |"
    )
    return lines


def lazy_members(count: int) -> Iterator[tuple[int, MemberSnapshot]]:
    """``count`` distinct members (own reference, name and SIRET) from a pool of 1 000."""
    pool = [sample_member(i) for i in range(1000)]
    for index in range(count):
        base = pool[index % 1000]
        yield (
            index + 1,
            dataclasses.replace(
                base,
                request_reference=f"DEM-2026-{index + 1:06d}",
                company_name=f"{base.company_name} #{index}",
                siret=f"{base.siren}{index % 100000:05d}",
            ),
        )


def rows(count: int) -> list[str]:
    g_time, g_mem, g_bytes, b_time, b_mem = compare(
        lambda: render_rows_xlsx("Membres", MEMBER_COLUMNS, lazy_members(count), day=BUILD_DATE),
        lambda: bare_rows_xlsx(lazy_members(count)),
    )
    return [
        f"| Grappe | {count} | {g_time:.1f} s | {count / g_time:,.0f} | +{mb(g_mem)} "
        f"| {len(g_bytes) / 1e6:.1f} MB |",
        f"| bare openpyxl | {count} | {b_time:.1f} s | {count / b_time:,.0f} | +{mb(b_mem)} | |",
        f"Grappe / bare: {g_time / b_time:.2f}×",
    ]


def load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,5000", help="bundle sizes, comma-separated")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the streamed XLSX")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measure below 1 000 members (best kept)"
    )
    parser.add_argument(
        "--xlsx-only", action="store_true", help="only the streamed XLSX sheet, no bundles"
    )
    args = parser.parse_args()
    if args.xlsx_only:
        args.sizes = ""
    print(f"load average at start: {load()} (cores: {os.cpu_count()})")
    if args.rows:
        # First, while the process is fresh: memory freed by the bundles would stay in
        # the RSS and hide the streamed sheet's own growth.
        print(f"Streamed XLSX, one sheet of {len(MEMBER_COLUMNS)} columns:")
        print("| writer | rows | CPU time | rows/s | peak memory growth | output |")
        print("|---|---:|---:|---:|---:|---:|")
        for line in rows(args.rows):
            print(line, flush=True)
        print()
    sizes = [int(value) for value in args.sizes.split(",") if value.strip()]
    if sizes:
        print("| members | document | Grappe | bare | ratio | Grappe per member | output |")
        print("|---:|---|---:|---:|---:|---:|---|")
    for size in sizes:
        for line in bundle(size, args.repeat if size < 1000 else 1):
            print(line, flush=True)
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()

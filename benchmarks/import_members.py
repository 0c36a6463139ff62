"""A federation's 100 000-member sheet: the dry run, the confirm, the same file again.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/grappe_bench_import \
        python benchmarks/import_members.py [--rows 100000] [--format xlsx|ods|csv]

The database named in DATABASE_URL is dropped and created again (never point it at the
application's). The sheet is generated with the messy shapes of a real member list: two
title rows, SIRETs as numbers (1 in 3 as spaced text), APE codes in three spellings,
amounts as numbers or « 1 234,56 € » text, dates as dates or dd/mm/yyyy text, a blank line
every 1 000 rows, 1 % of rows with a wrong SIRET key, an e-mail on one row in two, a totals
row. Printed: wall time and the process's peak memory growth of each step. Budgets: dry run
≤ 60 s, confirm ≤ 120 s on PostgreSQL, peak memory growth ≤ 200 MB.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from memory import reset_peak, status  # noqa: E402

MB = 1024 * 1024


def make_sheet(path: Path, rows: int, fmt: str) -> None:
    from openpyxl import Workbook
    from stdnum import luhn

    rng = random.Random(2026)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Adhérents")
    sheet.append(["Fédération des métiers de bouche — adhérents"])
    sheet.append(["Extraction au 01/12/2026"])
    sheet.append(
        [
            "N° SIRET",
            "Raison sociale",
            "Forme juridique",
            "Date de création",
            "Code APE",
            "Code postal",
            "Effectif",
            "Chiffre d'affaires (€)",
            "Total bilan",
            "Courriel",
        ]
    )
    forms = ["SARL", "SAS", "EURL", "SASU", "EI"]
    codes = ["1071C", "10.71C", "10 71 C", "5610A", "56.10C", "4724Z"]
    for n in range(rows):
        body = f"{10_000_000 + n:08d}"
        siren = body + luhn.calc_check_digit(body)
        siret = siren + "0001" + luhn.calc_check_digit(siren + "0001")
        if rng.random() < 0.01:
            siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)
        cell = int(siret) if n % 3 else f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
        created = date(1990, 1, 1) + timedelta(days=rng.randrange(12000))
        turnover = rng.randrange(30_000, 1_500_000)
        sheet.append([
            cell, f"Entreprise {n}", forms[n % 5],
            created if n % 2 else created.strftime("%d/%m/%Y"),
            codes[n % 6], f"{rng.choice([23, 87, 19, 75, 69, 33]):02d}000",
            rng.randrange(0, 10), turnover if n % 2 else f"{turnover:,} €".replace(",", " "),
            rng.randrange(10_000, 800_000), f"contact{n}@example.org" if n % 2 else None,
        ])  # fmt: skip
        if n % 1000 == 999:
            sheet.append([])
    sheet.append(["Total", None, None, None, None, None, None, None, None, None])
    xlsx = path.with_suffix(".xlsx")
    book.save(xlsx)
    if fmt != "xlsx":
        import subprocess

        target = {"ods": "ods:calc8", "csv": "csv:Text - txt - csv (StarCalc):59,34,76"}[fmt]
        subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir",
                        str(path.parent), str(xlsx)], check=True, capture_output=True)  # fmt: skip


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def step(label: str, work):
    reset_peak()
    before = status("VmRSS")
    start, cpu_start = perf_counter(), time.process_time()
    result = work()
    seconds = perf_counter() - start
    growth = (status("VmHWM") - before) / MB
    cpu = time.process_time() - cpu_start
    print(
        f"{label:<32} {seconds:7.1f} s wall {cpu:7.1f} s CPU   peak memory growth {growth:5.0f} MB"
        f"   load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["xlsx", "ods", "csv"], default="xlsx")
    parser.add_argument("--invitations", action="store_true", help="also time the e-mails")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this benchmark may drop.")
    recreate_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    os.environ.setdefault("PRIVATE_STORAGE_ROOT", tempfile.mkdtemp(prefix="bench-import-"))
    # No worker: the invitation job stays queued and is measured as its own step.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    step("migrate", lambda: call_command("migrate", verbosity=0))
    from accounts.models import Organisation
    from dossiers.models import Campaign
    from intake.apply import confirm_import
    from intake.preview import preview_import
    from intake.services import receive_sheet

    federation = Organisation.objects.create(kind="federation", name="Fédération bench")
    campaign = Campaign.objects.create(
        federation=federation, reference="BENCH-IMPORT", name="Bench", programme="FEDER",
        opens_on=date.today() - timedelta(days=1), deadline=date.today() + timedelta(days=60),
    )  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="bench-sheet-"))
    sheet = workdir / f"adherents.{args.format}"
    step(
        f"generate {args.rows} rows ({args.format})",
        lambda: make_sheet(sheet, args.rows, args.format),
    )
    print(f"file size {sheet.stat().st_size / MB:.1f} MB")
    data = sheet.read_bytes()

    def dry_run():
        imp = receive_sheet(campaign=campaign, name=sheet.name, data=data, actor=None)
        return preview_import(imp)

    first = step("dry run (preview)", dry_run)
    print("  counts", first.counts)
    applied = step(
        "confirm (PostgreSQL)",
        lambda: confirm_import(first, actor=None, expected_sha256=first.snapshot_sha256),
    )
    print("  applied", applied)
    if args.invitations:
        from intake.invitations import invite_imported

        sent = step("invitations (job, dummy mail)", lambda: invite_imported(first))
        print("  sent", sent)
    again = step("same file again: dry run", dry_run)
    print("  counts", again.counts)
    step(
        "same file again: confirm",
        lambda: confirm_import(again, actor=None, expected_sha256=again.snapshot_sha256),
    )


if __name__ == "__main__":
    main()

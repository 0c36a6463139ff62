"""End to end on PostgreSQL: a campaign's 1 000 000 eligible requests read, grouped, written.

    python benchmarks/grouping_postgres.py                  # 1 000 000 requests
    python benchmarks/grouping_postgres.py --size 100000 --reseed

Uses its own database (``grappe_bench`` on 127.0.0.1, created and migrated if missing; see
``--database-url``), never the application's. The requests are seeded once with COPY,
straight in the eligible state (enterprises with real NAF sub-classes and départements,
drawn Zipf-like as in real campaigns; loans 5–25 k€ skewed small, 2 % individually
ineligible), each with a grant line and a loan line. Each measured run groups both kinds, each
kind ``grouping.runs.run_grouping`` in a fresh process (loan lines into lender bundles, then
grant lines into grant collectives coinciding with them where they can):

1. *first*: no previous proposal (the grouping tables are emptied first);
2. *again*: the same rules again: every draft is proposed again unchanged and kept;
3. *changed*: a smaller target size (5 members instead of 6): most drafts are replaced.

Printed per run: the phases (read, group, write) as the run records them, the wall time
including the commit, the CPU time of the Python process and of its PostgreSQL backend,
the process's peak memory and the load average. Budget: ≤ 90 s for both kinds (≤ 60 s
for loans alone) and < 1 GB for 1 000 000 requests. On a shared machine,
``nice -n -20 python benchmarks/grouping_postgres.py`` (as root, PostgreSQL local) runs
each measured process and its backend at raised priority.
"""

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/grappe_bench"
CAMPAIGN = "BENCH-GROUPING"
BUDGET_SECONDS = 90  # both kinds together
KINDS = ("loan", "grant")
BUDGET_MB = 1024
LADDER = [["subclass", "departement"], ["subclass", "region"], ["division", "region"]]
LADDER_TAIL = [["section", "national"]]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reseed", action="store_true", help="Drop and seed the requests again.")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=KINDS, default="loan", help=argparse.SUPPRESS)
    return parser.parse_args()


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Seeding with COPY ------------------------------------------------------------------


def _zipf(count: int, exponent: float, rng: random.Random) -> list[float]:
    weights = [1 / rank**exponent for rank in range(1, count + 1)]
    rng.shuffle(weights)
    return list(accumulate(weights))


class Rows:
    """COPY rows for a model from per-row values plus the fields' defaults."""

    def __init__(self, model, **constant) -> None:
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.constant = {}
        for field in self.fields:
            if field.attname in constant:
                self.constant[field.attname] = constant[field.attname]
            elif field.has_default():
                self.constant[field.attname] = field.get_default()
            elif field.null:
                self.constant[field.attname] = None
        self.columns = ["id"] + [f.column for f in self.fields]

    def row(self, pk: int, **values) -> tuple:
        merged = self.constant | values
        return (pk, *(merged[f.attname] for f in self.fields))


def _copy(model, rows: Rows, produce) -> None:
    from django.db import connection

    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in rows.columns)}) "
        "FROM STDIN"
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            for row in produce:
                copy.write_row(row)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "  # noqa: S608
            f"(SELECT max(id) FROM {quote(model._meta.db_table)}))"
        )


def ensure_policy(campaign, *, target_members: int = 6) -> None:
    """The benchmark's rules for each kind: 2 to 12 members, about 6, widening three times;
    the grant collectives coincide with the lender bundles where they can."""
    from accounts.models import Organisation
    from grouping.models import GroupingPolicy

    programme, _ = Organisation.objects.get_or_create(
        name="Autorité de gestion du banc d'essai",
        defaults={"kind": "funder", "funder_kind": "eu_programme"},
    )
    campaign.funders.add(programme)
    for kind, funder in (
        ("loan", campaign.funders.exclude(funder_kind="eu_programme").get()),
        ("grant", programme),
    ):
        GroupingPolicy.objects.update_or_create(
            campaign=campaign,
            kind=kind,
            defaults={
                "trade_level": LADDER[0][0],
                "territory_level": LADDER[0][1],
                "widening": LADDER[1:] + LADDER_TAIL,
                "min_members": 2,
                "max_members": 12,
                "target_members": target_members,
                "funder": funder,
            },
        )


def seed(size: int, seed_value: int):
    from django.db import connection, transaction

    from accounts.models import Organisation
    from dossiers.models import Campaign, Enterprise, FundingRequest
    from dossiers.nomenclature import departements, naf_codes

    rng = random.Random(seed_value)
    codes = sorted(naf_codes().values(), key=lambda n: n.code)
    deps = sorted(departements().values(), key=lambda d: d.code)
    naf_weights = _zipf(len(codes), 1.1, rng)
    dep_weights = _zipf(len(deps), 1.0, rng)
    today = date.today()
    now = datetime.now(UTC)

    with transaction.atomic():
        federation, _ = Organisation.objects.get_or_create(
            name="Fédération du banc d'essai", defaults={"kind": "federation"}
        )
        funder, _ = Organisation.objects.get_or_create(
            name="Banque du banc d'essai", defaults={"kind": "funder", "funder_kind": "bank"}
        )
        campaign = Campaign.objects.create(
            federation=federation,
            reference=CAMPAIGN,
            name="Banc d'essai du regroupement",
            programme="FEDER — transition numérique des TPE",
            opens_on=today - timedelta(days=30),
            deadline=today + timedelta(days=60),
        )
        campaign.funders.set([funder])
        ensure_policy(campaign)
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_enterprise")
            first_enterprise = cursor.fetchone()[0] + 1
            cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_fundingrequest")
            first_request = cursor.fetchone()[0] + 1

        drawn_codes = rng.choices(codes, cum_weights=naf_weights, k=size)
        drawn_deps = rng.choices(deps, cum_weights=dep_weights, k=size)
        enterprises = Rows(
            Enterprise,
            legal_form="SARL",
            creation_date=date(2015, 3, 1),
            address="",
            postal_code="",
            city="",
            headcount=Decimal(4),
            turnover=Decimal(450000),
            balance_sheet=Decimal(300000),
            sme_category="micro",
        )

        def enterprise_rows():
            for index, (naf, dep) in enumerate(zip(drawn_codes, drawn_deps, strict=True)):
                artisan = index % 5 == 0
                yield enterprises.row(
                    first_enterprise + index,
                    name=f"Entreprise {index}",
                    siren=f"{900_000_000 + index:09d}"[-9:],
                    siret=f"9{first_enterprise + index:013d}",
                    naf_code=naf.code,
                    nafa_code=naf.code + "A" if artisan else "",
                    naf_section=naf.section,
                    naf_division=naf.division,
                    naf_group=naf.group,
                    naf_class=naf.class_code,
                    departement=dep.code,
                    region=dep.region,
                )

        _copy(Enterprise, enterprises, enterprise_rows())

        requests = Rows(
            FundingRequest,
            campaign_id=campaign.pk,
            state="eligible",
            project_category="website",
            project_title="Site vitrine",
            project_description="",
            mandate_signed_by="",
            decision_reason="",
            created_at=now,
            updated_at=now,
        )
        beta, uniform, chance = rng.betavariate, rng.uniform, rng.random

        def request_rows():
            for index in range(size):
                loan = Decimal(5_000 + round(200 * beta(1.5, 4.0)) * 100)
                grant = Decimal(round(uniform(20, 100)) * 100)
                if chance() < 0.02:
                    loan, grant = (Decimal(60_000), grant) if chance() < 0.5 else (loan, 12_000)
                own = (loan + grant) / 10
                cost = loan + grant + own
                yield requests.row(
                    first_request + index,
                    reference=f"DEM-BANC-{index:07d}",
                    enterprise_id=first_enterprise + index,
                    loan_amount=loan,
                    grant_amount=grant,
                    own_funds=own,
                    total_cost=cost,
                    eligible_cost=cost,
                    total_sources=cost,
                )

        _copy(FundingRequest, requests, request_rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_enterprise")
        cursor.execute("ANALYZE dossiers_fundingrequest")
    return campaign


def drop_seed() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE grouping_unplacedrequest, grouping_bundlemember, grouping_bundletransition,"
            " grouping_bundle, grouping_groupingrun, grouping_groupingpolicy,"
            " dossiers_fundingrequest, dossiers_campaign_funders, dossiers_campaign,"
            " dossiers_enterprise CASCADE"
        )


def empty_grouping_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE grouping_unplacedrequest, grouping_bundlemember, grouping_bundletransition,"
            " grouping_bundle, grouping_groupingrun CASCADE"
        )
        cursor.execute("VACUUM ANALYZE grouping_bundlemember")


# --- Measuring --------------------------------------------------------------------------


def _backend_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a PostgreSQL backend on this machine, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(kind: str) -> dict:
    """One run in this (fresh) process; prints its figures as JSON.

    Besides wall time, the CPU time of this process and of its PostgreSQL backend: on a
    shared machine the wall time depends on the neighbours, the CPU time much less.
    """
    from django.db import connection

    from dossiers.models import Campaign
    from grouping.models import BundleMember, UnplacedRequest
    from grouping.runs import run_grouping

    campaign = Campaign.objects.get(reference=CAMPAIGN)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    local = Path(f"/proc/{backend}").exists()  # PostgreSQL on this machine
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    if local and ours < 0:
        # Started with `nice -n -20`: the backend serving this run gets the same priority
        # (it is this connection's own process and ends with it).
        with contextlib.suppress(PermissionError):
            os.setpriority(os.PRIO_PROCESS, backend, ours)
    backend_before = _backend_cpu_seconds(backend) if local else 0.0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    python_before = usage.ru_utime + usage.ru_stime
    started = perf_counter()
    result = run_grouping(campaign, actor=None, kind=kind)
    wall = perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    run = result.run
    figures = {
        "eligible": run.eligible_count,
        "placed": run.placed_count,
        "unplaced": run.unplaced_count,
        "bundles": run.bundle_count,
        "kept": run.kept_count,
        "twins": result.twins,
        "superseded": run.superseded_count,
        **run.timings,
        "wall": round(wall, 3),
        "python_cpu": round(usage.ru_utime + usage.ru_stime - python_before, 1),
        "postgres_cpu": round(_backend_cpu_seconds(backend) - backend_before, 1) if local else None,
        "peak_mb": round(usage.ru_maxrss / 1024),
        "load": round(os.getloadavg()[0], 1),
    }
    drafts = BundleMember.objects.filter(
        bundle__campaign=campaign, bundle__state="draft", bundle__kind=kind
    )
    assert drafts.filter(active=True).count() == run.placed_count
    assert UnplacedRequest.objects.filter(run=run).count() == run.unplaced_count
    return figures


def main() -> int:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    if args.measure:
        print(json.dumps(measure(args.kind)))
        return 0

    from django.core.management import call_command

    from dossiers.models import Campaign, FundingRequest

    call_command("migrate", verbosity=0)
    campaign = Campaign.objects.filter(reference=CAMPAIGN).first()
    if campaign is not None and (
        args.reseed or FundingRequest.objects.filter(campaign=campaign).count() != args.size
    ):
        drop_seed()
        campaign = None
    if campaign is None:
        clock = perf_counter()
        campaign = seed(args.size, args.seed)
        print(f"seeded {args.size:,} eligible requests with COPY in {perf_counter() - clock:.1f} s")
    ensure_policy(campaign)
    empty_grouping_tables()

    command = [sys.executable, __file__, "--measure", "--database-url", args.database_url]
    print(
        f"{'run':<8}{'kind':<6}{'read':>6}{'group':>7}{'write':>7}{'wall':>7}{'cpu py':>8}"
        f"{'cpu pg':>8}{'peak MB':>9}{'load':>6}  result"
    )
    worst = {"wall": 0.0, "peak_mb": 0, "cpu": 0.0}
    for label in ("first", "again", "changed"):
        if label == "changed":
            ensure_policy(campaign, target_members=5)
        both = {"wall": 0.0, "peak_mb": 0, "cpu": 0.0}
        for kind in KINDS:
            output = subprocess.run(
                [*command, "--kind", kind], capture_output=True, text=True, cwd=ROOT
            )
            if output.returncode:
                sys.stderr.write(output.stderr)
                return output.returncode
            f = json.loads(output.stdout.strip().splitlines()[-1])
            print(
                f"{label:<8}{kind:<6}{f['read']:>6.1f}{f['group']:>7.1f}{f['write']:>7.1f}"
                f"{f['wall']:>7.1f}{f['python_cpu']:>8.1f}{f['postgres_cpu'] or 0:>8.1f}"
                f"{f['peak_mb']:>9}{f['load']:>6.1f}  {f['eligible']:,} eligible, "
                f"{f['placed']:,} placed in {f['bundles']:,} collectives, "
                f"{f['unplaced']:,} unplaced"
                + (f", {f['twins']:,} coinciding" if f["twins"] else "")
                + (f", {f['kept']:,} drafts kept" if f["kept"] else "")
                + (f", {f['superseded']:,} replaced" if f["superseded"] else "")
            )
            f["cpu"] = f["python_cpu"] + (f["postgres_cpu"] or 0)
            both = {
                "wall": both["wall"] + f["wall"],
                "cpu": both["cpu"] + f["cpu"],
                "peak_mb": max(both["peak_mb"], f["peak_mb"]),
            }
        print(f"{label:<8}{'both':<6}{'':>20}{both['wall']:>7.1f}")
        worst = {key: max(worst[key], both[key]) for key in worst}
    within = worst["wall"] <= BUDGET_SECONDS and worst["peak_mb"] < BUDGET_MB
    print(
        f"budget {BUDGET_SECONDS} s and {BUDGET_MB} MB for 1,000,000 requests: "
        + ("met" if within else "NOT MET")
        + f" (slowest run of both kinds {worst['wall']:.1f} s wall, {worst['cpu']:.1f} s of CPU"
        " in Python "
        f"and PostgreSQL together; peak {worst['peak_mb']} MB; load {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs)"
    )
    return 0 if within or args.size < 1_000_000 else 1


if __name__ == "__main__":
    sys.exit(main())

"""End-to-end document builds from the database: sealed bundles of 50 and 5 000 members.

    python benchmarks/exports_build.py                      # PostgreSQL, 50 and 5 000 members
    python benchmarks/exports_build.py --sizes 50 --database-url sqlite:////tmp/bench.sqlite3

Uses its own database (``grappe_bench_exports`` on 127.0.0.1, or the SQLite file given),
dropped and migrated again at each run, and its own private storage (a temporary
directory). Each bundle is seeded with bulk inserts: enterprises, requests (grouped), two
uses and three sources each, a quote, a de minimis declaration (a prior aid for one
member in three), five supporting documents with their files in storage, the bundle
(sealed), its members and its seal row.

Then the real service, ``exports.build.build_bundle_documents``: snapshot from the
database, PDF, XLSX, the package streaming every document from storage, the three files
stored, the record, the content checked again under the bundle's lock, sealed → ready.
Printed per bundle: wall-clock and CPU time, CPU time per member, SQL queries, each
phase's CPU time (from the progress callback: this process's CPU seconds, which other
load on a shared machine disturbs far less than wall-clock time; the database server's
own time is not in them), the peak memory growth, and a second call on the unchanged
bundle (the record is reused: snapshot and fingerprint only).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.memory import reset_peak, status  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/grappe_bench_exports"
SEALED_ON = date(2026, 11, 23)
DOCUMENT_KINDS = ("kbis", "manager_id", "rib", "statutes", "tax_return")
DEPARTEMENTS = ("23", "87", "19", "24", "33", "40", "47", "64", "16", "17", "79", "86")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 5000])
    parser.add_argument(
        "--document-kb",
        type=int,
        default=0,
        help="size of each supporting document, incompressible (default: 1.2 kB of text)",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_EXPORTS_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args()


def fresh_database(url: str) -> None:
    if url.startswith("sqlite"):
        with contextlib.suppress(FileNotFoundError):
            Path(url.split(":///", 1)[1]).unlink()
        return
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


DOCUMENT_KB = 0  # --document-kb


def document_bytes(reference: str, kind: str) -> bytes:
    header = f"%PDF-1.4\n% {kind} — {reference}\n".encode()
    if not DOCUMENT_KB:
        return header * 40  # about 1.2 kB
    # A scan's weight: noise, which deflate cannot shrink (as a JPEG inside a PDF).
    return header + os.urandom(DOCUMENT_KB * 1024)


def seed(size: int):
    """A sealed bundle of ``size`` members, written with bulk inserts."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from accounts.models import Organisation
    from dossiers.demo import valid_siren, valid_siret
    from dossiers.models import (
        Campaign,
        DeMinimisAid,
        DeMinimisDeclaration,
        Enterprise,
        FinancingLine,
        FundingRequest,
        StoredFile,
        SupplierQuote,
        SupportingDocument,
    )
    from dossiers.nomenclature import departements, naf_codes
    from grouping.models import Bundle, BundleMember, BundleTransition

    federation = Organisation.objects.create(
        kind="federation",
        name=f"Fédération des boulangers ({size})",
        siren=valid_siren(size),
        address="12, place Bonnyaud, 23000 Guéret",
    )
    funder = Organisation.objects.create(
        kind="funder", funder_kind="bank", name=f"Banque coopérative ({size})"
    )
    campaign = Campaign.objects.create(
        federation=federation,
        reference=f"BENCH-{size}",
        name="Transition numérique des boulangeries",
        programme="FEDER — transition numérique des TPE",
        opens_on=SEALED_ON - timedelta(days=60),
        deadline=SEALED_ON + timedelta(days=30),
    )
    campaign.funders.add(funder)
    naf = naf_codes()["10.71C"]
    enterprises = []
    for i in range(size):
        departement = departements()[DEPARTEMENTS[i % len(DEPARTEMENTS)]]
        siren = valid_siren(size * 100_000 + i)
        enterprises.append(
            Enterprise(
                name=f"Boulangerie n° {i + 1}",
                siren=siren,
                siret=valid_siret(siren),
                legal_form=("SARL", "SAS", "EI", "EURL")[i % 4],
                creation_date=date(2008 + i % 15, 1 + i % 12, 1 + i % 28),
                address=f"{i + 1} rue du Four",
                postal_code=f"{departement.code}000",
                city="Guéret",
                naf_code=naf.code,
                naf_section=naf.section,
                naf_division=naf.division,
                naf_group=naf.group,
                naf_class=naf.class_code,
                departement=departement.code,
                region=departement.region,
                headcount=Decimal(1 + i % 9),
                turnover=Decimal("450000.00"),
                balance_sheet=Decimal("300000.00"),
                sme_category="micro",
            )
        )
    Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    submitted = timezone.make_aware(timezone.datetime(2026, 10, 1, 10, 0))
    requests = []
    for i, enterprise in enumerate(enterprises):
        loan = Decimal(8000 + (i * 37) % 12000)
        grant = Decimal(4000 + (i * 53) % 6000)
        own = Decimal(2000 + (i * 11) % 3000)
        cost = loan + grant + own
        requests.append(
            FundingRequest(
                reference=f"BEN{size}-{i + 1:06d}",
                campaign=campaign,
                enterprise=enterprise,
                state="grouped",
                project_category="online_shop",
                project_title="Boutique en ligne et click-and-collect",
                project_description="Site marchand, paiement en ligne, formation de l'équipe.",
                activity_confirmed=True,
                mandate_signed_by="Claire Martin, gérante",
                mandate_signed_on=SEALED_ON - timedelta(days=20),
                total_cost=cost,
                eligible_cost=cost,
                grant_amount=grant,
                loan_amount=loan,
                own_funds=own,
                total_sources=cost,
                submitted_at=submitted,
            )
        )
    FundingRequest.objects.bulk_create(requests, batch_size=1000)
    lines, quotes, declarations, files, documents = [], [], [], [], []
    for request in requests:
        cost = request.total_cost
        lines += [
            FinancingLine(request=request, side="use", kind="intangible", position=0,
                          label="Site et boutique en ligne", amount=cost - Decimal(1500)),
            FinancingLine(request=request, side="use", kind="tangible", position=1,
                          label="Matériel informatique", amount=Decimal(1500)),
            FinancingLine(request=request, side="source", kind="grant", position=0,
                          label="Subvention FEDER", amount=request.grant_amount),
            FinancingLine(request=request, side="source", kind="loan", position=1,
                          label="Prêt bancaire", amount=request.loan_amount),
            FinancingLine(request=request, side="source", kind="own_funds", position=2,
                          label="Apport", amount=request.own_funds),
        ]  # fmt: skip
        quotes.append(
            SupplierQuote(
                request=request,
                supplier_name="Atelier Web Creusois",
                quote_date=SEALED_ON - timedelta(days=40),
                amount_excl_vat=cost,
                description="Boutique en ligne",
            )
        )
        declarations.append(
            DeMinimisDeclaration(
                request=request, declared_by="Claire Martin", declared_on=SEALED_ON - timedelta(20)
            )
        )
        for kind in DOCUMENT_KINDS:
            data = document_bytes(request.reference, kind)
            name = default_storage.save(f"uploads/bench/{request.reference}-{kind}.pdf",
                                        ContentFile(data))  # fmt: skip
            stored = StoredFile(
                file=name,
                original_name=f"{kind}.pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            files.append(stored)
            documents.append(
                SupportingDocument(
                    request=request,
                    kind=kind,
                    stored_file=stored,
                    issued_on=SEALED_ON - timedelta(days=30),
                )
            )
    FinancingLine.objects.bulk_create(lines, batch_size=5000)
    SupplierQuote.objects.bulk_create(quotes, batch_size=5000)
    DeMinimisDeclaration.objects.bulk_create(declarations, batch_size=5000)
    DeMinimisAid.objects.bulk_create(
        [
            DeMinimisAid(
                declaration=declaration,
                granting_body="Région Nouvelle-Aquitaine",
                regulation="Règlement (UE) 2023/2831",
                granted_on=SEALED_ON - timedelta(days=400),
                amount=Decimal("4500.00"),
            )
            for declaration in declarations[::3]
        ],
        batch_size=5000,
    )
    StoredFile.objects.bulk_create(files, batch_size=5000)
    SupportingDocument.objects.bulk_create(documents, batch_size=5000)
    bundle = Bundle.objects.create(
        campaign=campaign,
        funder=funder,
        reference=f"BENCH-{size:06d}",
        state="sealed",
        trade_level="subclass",
        territory_level="region",
        key_codes=["10.71C", "75"],
        key_description="Boulangerie et boulangerie-pâtisserie (NAF 10.71C), Nouvelle-Aquitaine",
        member_count=size,
        loan_total=sum(r.loan_amount for r in requests),
        grant_total=sum(r.grant_amount for r in requests),
        cost_total=sum(r.total_cost for r in requests),
        own_funds_total=sum(r.own_funds for r in requests),
    )
    BundleMember.objects.bulk_create(
        [
            BundleMember(bundle=bundle, request=r, grant=r.grant_amount, loan=r.loan_amount)
            for r in requests
        ],
        batch_size=5000,
    )
    BundleTransition.objects.create(
        bundle=bundle,
        transition="seal",
        from_state="draft",
        to_state="sealed",
        at=timezone.make_aware(timezone.datetime(2026, 11, 23, 10, 0)),
    )
    return bundle


def measure(bundle) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exports.build import build_bundle_documents

    marks: dict[int, float] = {}

    def progress(done: int, total: int) -> None:
        marks.setdefault(done, time.process_time())

    size = bundle.member_count
    reset_peak()
    before = status("VmRSS")
    start, cpu_start = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        build = build_bundle_documents(bundle, progress=progress)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = max(status("VmHWM") - before, 0)
    bundle.refresh_from_db()
    assert bundle.state == "ready", bundle.state
    rebuild = time.process_time()
    with CaptureQueriesContext(connection) as again:
        assert build_bundle_documents(bundle) == build
    rebuild = time.process_time() - rebuild
    # CPU seconds of this process per phase: the steadier figure on a shared machine.
    # Steps (exports.build.progress_total): snapshot 1, PDF size + 2, XLSX size + 3,
    # package 2 * size + 3, record 2 * size + 4.
    points = [cpu_start, marks[1], marks[size + 2], marks[size + 3], marks[2 * size + 3]]
    points.append(marks[2 * size + 4])
    phases = [b - a for a, b in zip(points, points[1:], strict=False)]
    phases.append(cpu_start + cpu - marks[2 * size + 4])
    return {
        "size": size,
        "wall": wall,
        "cpu": cpu,
        "queries": len(queries),
        "phases": phases,
        "peak": peak,
        "rebuild": rebuild,
        "rebuild_queries": len(again),
        "package": build.package_size,
    }


def main() -> None:
    global DOCUMENT_KB
    args = parse_args()
    DOCUMENT_KB = args.document_kb
    fresh_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="grappe-bench-exports-") as tmp:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="grappe.settings",
            DATABASE_URL=args.database_url,
            PRIVATE_STORAGE_ROOT=str(Path(tmp) / "files"),
            LOG_LEVEL="WARNING",
        )
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0)
        load, cores = os.getloadavg()[0], os.cpu_count()
        print(f"database: {connection.vendor}; load average at start: {load:.1f} ({cores} cores)")
        print(
            "| members | wall | CPU | CPU per member | queries | snapshot | PDF | XLSX "
            "| package | store + record | ready check | peak memory | rebuild (reuse) |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in args.sizes:
            seeded = time.perf_counter()
            bundle = seed(size)
            seeded = time.perf_counter() - seeded
            r = measure(bundle)
            phases = " | ".join(f"{p:.2f} s" for p in r["phases"])
            print(
                f"| {size} | {r['wall']:.1f} s | {r['cpu']:.1f} s "
                f"| {r['cpu'] / size * 1000:.1f} ms | {r['queries']} | {phases} "
                f"| +{r['peak'] / 1e6:.0f} MB | {r['rebuild']:.2f} s, "
                f"{r['rebuild_queries']} queries |",
                flush=True,
            )
            print(f"  (seeded in {seeded:.1f} s; package {r['package'] / 1e6:.1f} MB)", flush=True)
        print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""Purging 100 000 requests on PostgreSQL: time and peak memory.

    python benchmarks/timerules_purge.py                     # 100 000 requests
    python benchmarks/timerules_purge.py --size 10000 --database-url postgresql://…/db

Seeds, in its own database (created and migrated if missing, never the application's),
``--size`` closed requests due for purge: each with its history (3 rows), a financing
plan (2 lines), a de minimis declaration, one request in ten with a stored document on
disk and a notification job with its e-mail record, one in five approved (an aid record
is written). Then measures ``timerules.retention.purge_due``: wall time and the growth
of the process's peak resident memory. Budget: ≤ 10 min, memory flat (one batch).
"""

import argparse
import os
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.memory import reset_peak, status  # noqa: E402

CAMPAIGN = "BENCH-PURGE"
BUDGET_SECONDS = 600
CHUNK = 5000


def setup(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def seed(count: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from accounts.models import Organisation, User
    from dossiers.models import (
        Campaign,
        DeMinimisDeclaration,
        Enterprise,
        FinancingLine,
        FundingRequest,
        RequestTransition,
        StoredFile,
        SupportingDocument,
    )
    from timerules.models import RetentionSchedule
    from workers.models import Job, JobState, Notification

    federation, _ = Organisation.objects.get_or_create(
        name="Fédération du banc d'essai (purge)", defaults={"kind": Organisation.Kind.FEDERATION}
    )
    campaign, _ = Campaign.objects.get_or_create(
        reference=CAMPAIGN,
        defaults={
            "federation": federation,
            "name": "Banc d'essai de la purge",
            "programme": "Banc",
            "opens_on": date(2020, 1, 1),
            "deadline": date(2020, 12, 31),
        },
    )
    officer, _ = User.objects.get_or_create(
        username="bench-purge-officer",
        defaults={
            "email": "officer@bench.example",
            "role": User.Role.FEDERATION_OFFICER,
            "organisation": federation,
        },
    )
    transition_type = ContentType.objects.get_for_model(RequestTransition)
    today = timezone.localdate()
    long_ago = timezone.now() - timedelta(days=6 * 365)
    made = FundingRequest.objects.filter(campaign=campaign).count()
    last = (
        FundingRequest.objects.filter(campaign=campaign)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    offset = int(last[3:]) + 1 - made if last else 0  # topping up after an interrupted run
    while made < count:
        size = min(CHUNK, count - made)
        enterprises = Enterprise.objects.bulk_create(
            Enterprise(
                name=f"Entreprise {offset + made + n}",
                siren=f"{offset + made + n:09d}",
                siret=f"{offset + made + n:09d}00010",
                legal_form="ei",
                creation_date=date(2010, 1, 1),
                address=f"{n} rue du Banc",
                postal_code="23000",
                city="Guéret",
                naf_code="10.71C",
                naf_division="10",
                naf_group="10.7",
                naf_class="10.71",
                departement="23",
                headcount=1,
                turnover=50000,
                balance_sheet=20000,
            )
            for n in range(size)
        )
        requests = FundingRequest.objects.bulk_create(
            FundingRequest(
                reference=f"BP-{offset + made + n:08d}",
                campaign=campaign,
                enterprise=enterprises[n],
                state="approved" if n % 5 == 0 else "withdrawn",
                project_category="website",
                project_title=f"Projet de {enterprises[n].name}",
                grant_amount=Decimal("5000"),
                approved_amount=Decimal("5000") if n % 5 == 0 else None,
                created_at=long_ago,
            )
            for n in range(size)
        )
        history = []
        for n, request in enumerate(requests):
            final = (
                ("approve", "sent", "approved")
                if n % 5 == 0
                else ("withdraw", "submitted", "withdrawn")
            )
            history += [
                RequestTransition(
                    request=request,
                    transition="submit",
                    from_state="draft",
                    to_state="submitted",
                    at=long_ago,
                ),
                RequestTransition(
                    request=request,
                    transition="start_review",
                    from_state="submitted",
                    to_state="in_review",
                    at=long_ago,
                ),
                RequestTransition(
                    request=request,
                    transition=final[0],
                    from_state=final[1],
                    to_state=final[2],
                    at=long_ago,
                ),
            ]
        history = RequestTransition.objects.bulk_create(history)
        FinancingLine.objects.bulk_create(
            FinancingLine(request=r, side=side, kind=kind, label="Ligne", amount=Decimal("5000"))
            for r in requests
            for side, kind in (("use", "intangible"), ("source", "grant"))
        )
        DeMinimisDeclaration.objects.bulk_create(
            DeMinimisDeclaration(
                request=r, declared_by="Gérant", declared_on=date(2020, 3, 1), no_aid_received=True
            )
            for r in requests
        )
        some = requests[::10]
        files = []
        for request in some:
            name = default_storage.save(
                f"bench-purge/{request.reference}.pdf",
                ContentFile(b"%PDF-1.4 " + request.reference.encode()),
            )
            files.append(
                StoredFile(
                    file=name,
                    original_name="kbis.pdf",
                    content_type="application/pdf",
                    size=20,
                    sha256="0" * 64,
                )
            )
        files = StoredFile.objects.bulk_create(files)
        SupportingDocument.objects.bulk_create(
            SupportingDocument(request=r, kind="kbis", stored_file=f, issued_on=date(2020, 2, 1))
            for r, f in zip(some, files, strict=True)
        )
        jobs = Job.objects.bulk_create(
            Job(
                kind="notify_transition",
                key=f"bench:{log.pk}",
                state=JobState.DONE,
                target_type=transition_type,
                target_id=log.pk,
            )
            for log in history[2::30]
        )
        Notification.objects.bulk_create(
            Notification(
                key=f"transition:{job.target_id}",
                recipient=officer,
                job=job,
                transition_id=job.target_id,
                subject="Grappe : demande mise à jour",
            )
            for job in jobs
        )
        RetentionSchedule.objects.bulk_create(
            RetentionSchedule(request=r, archive_on=today - timedelta(days=400), purge_on=today)
            for r in requests
        )
        made += size
        print(f"  seeded {made:,}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/grappe_bench_purge"
        ),
    )
    args = parser.parse_args()
    setup(args.database_url)
    started = perf_counter()
    seed(args.size)
    print(f"seeded {args.size:,} requests in {perf_counter() - started:.0f} s (not measured)")

    from django.db import connection
    from django.utils import timezone

    from timerules import retention
    from timerules.models import Tombstone

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    reset_peak()
    before = status("VmRSS")
    started = perf_counter()
    purged = retention.purge_due(
        today=timezone.localdate(),
        progress=lambda done: (
            print(f"  purged {done:,} ({perf_counter() - started:.0f} s)", flush=True)
            if done % 10000 == 0
            else None
        ),
    )
    seconds = perf_counter() - started
    growth = (status("VmHWM") - before) / 2**20
    print(
        f"purged {purged:,} requests in {seconds:.0f} s ({seconds / max(purged, 1) * 1000:.1f} ms "
        f"each), peak memory growth {growth:.0f} MB; tombstones: {Tombstone.objects.count():,}"
    )
    ok = seconds <= BUDGET_SECONDS
    print(f"{'within' if ok else 'OVER'} the budget of {BUDGET_SECONDS} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

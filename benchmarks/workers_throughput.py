"""Worker throughput: bundle document builds, and notices, per minute with 1 and 2 workers.

    python benchmarks/workers_throughput.py                       # both, 1 then 2 workers
    python benchmarks/workers_throughput.py --only builds --bundles 40 --members 25
    python benchmarks/workers_throughput.py --only notices --notices 1000 --workers 1 2 4

Uses its own database (``grappe_bench_workers`` on 127.0.0.1, dropped, created and
migrated at every run; see ``--database-url``) and its own redis-server on a free port.
Worker processes are real ``celery worker -P solo`` processes on both queues, one task at
a time each, heartbeat thread on. Each round times from the first message published to the
last job of the round reading done.

builds: ``--bundles`` sealed bundles of ``--members`` complete requests each (plans,
quotes, de minimis declarations, mandates, five supporting documents of ``--document-kb``
of scan-like noise) are made once through the real services, outside the timing; each
round puts them back to sealed (``rewind``) and queues one ``build_documents`` job per
bundle: snapshot, PDF dossier, XLSX annex, ZIP package with every member's documents,
three files stored, the build record, sealed → ready. ``--repeat`` rounds per worker
count; the median and the best are printed.

notices: ``--notices`` ``notify_transition`` jobs of a submitted request (claim the row,
load the history row, find the two people to tell, record and send each e-mail through
the locmem backend, finish the row).
"""

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/grappe_bench_workers"
CAMPAIGN = "BENCH-WORKERS"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["builds", "notices"])
    parser.add_argument("--bundles", type=int, default=16, help="builds per round")
    parser.add_argument("--members", type=int, default=20, help="members per bundle")
    parser.add_argument("--document-kb", type=int, default=200, help="size of each document")
    parser.add_argument("--notices", type=int, default=400, help="notice jobs per round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per worker count")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_WORKERS_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args()


def fresh_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = sql.Identifier(url.rsplit("/", 1)[1])
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def in_process(eager: bool) -> None:
    """Run this process's own tasks in process (seeding) or publish them to Redis."""
    from workers.celery_app import app

    app.conf.task_always_eager = eager


def scanned_pdf(size_kb: int):
    """Supporting documents the size of a scan: a PDF page holding ``size_kb`` KB of
    noise (incompressible, as a scanned JPEG is), different for every document."""
    import io
    import random

    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    noise = random.Random(2026)
    side = max(int((size_kb * 1024) ** 0.5), 8)

    def make(text: str = "Grappe") -> bytes:
        image = Image.frombytes("L", (side, side), noise.randbytes(side * side))
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, invariant=1)
        pdf.drawString(72, 800, text)
        pdf.drawImage(ImageReader(image), 72, 72, width=450, height=450)
        pdf.save()
        return buffer.getvalue()

    return make


def seal_bundles(count: int, members: int, document_kb: int) -> list[int]:
    """``count`` sealed bundles of ``members`` complete requests, made by the services."""
    from tests import factories
    from tests.exports.bundles import sealed_bundle

    factories.tiny_pdf = scanned_pdf(document_kb)  # the five documents of every member
    in_process(True)  # the members' notices of the sealing go out here, not in a round
    try:
        return [sealed_bundle(members).bundle.pk for _ in range(count)]
    finally:
        in_process(False)


def rewind(bundle_ids: list[int]) -> None:
    """Put built bundles back to sealed, as if never built, so that every round does the
    same whole builds. A benchmark-only shortcut: the application never deletes a build
    record or a transition (both are append-only there)."""
    from django.core.files.storage import default_storage

    from exports.build import STORAGE_DIR
    from exports.models import DocumentBuild
    from grouping.models import Bundle, BundleTransition

    DocumentBuild.objects.filter(bundle_id__in=bundle_ids).delete()
    BundleTransition.objects.filter(bundle_id__in=bundle_ids, transition="mark_ready").delete()
    Bundle.objects.filter(pk__in=bundle_ids).update(state="sealed")
    shutil.rmtree(default_storage.path(STORAGE_DIR), ignore_errors=True)


def unsent_jobs(kind: str, model, pks: list[int]) -> list:
    """Queued job rows of ``kind`` on ``model`` rows ``pks``, their messages not yet sent
    (``workers.jobs.enqueue_job`` would send each one as its transaction commits)."""
    from django.contrib.contenttypes.models import ContentType

    from workers.models import Job

    target_type = ContentType.objects.get_for_model(model)
    label = model._meta.label_lower
    return Job.objects.bulk_create(
        Job(kind=kind, key=f"{kind}:{label}:{pk}", target_type=target_type, target_id=pk)
        for pk in pks
    )


def build_jobs(bundle_ids: list[int]) -> list:
    """One build job per (sealed) bundle, queued but not yet sent."""
    from grouping.models import Bundle
    from workers.models import Job

    rewind(bundle_ids)
    return unsent_jobs(Job.Kind.BUILD_DOCUMENTS, Bundle, bundle_ids)


def notice_jobs(count: int) -> list:
    """``count`` submissions, each with its notice job queued but not yet sent."""
    from dossiers.models import FundingRequest, RequestTransition
    from tests.factories import CampaignFactory, UserFactory, make_request
    from workers.models import Job

    request = FundingRequest.objects.filter(campaign__reference=CAMPAIGN).first()
    if request is None:  # first round
        campaign = CampaignFactory(reference=CAMPAIGN)
        UserFactory(officer=True, organisation=campaign.federation, username="bench-officer")
        in_process(True)
        try:
            request = make_request(campaign=campaign, complete=False)
        finally:
            in_process(False)
    submitted = {"transition": "submit", "from_state": "draft", "to_state": "submitted"}
    logs = RequestTransition.objects.bulk_create(
        RequestTransition(request=request, **submitted) for _ in range(count)
    )
    return unsent_jobs(Job.Kind.NOTIFY_TRANSITION, RequestTransition, [log.pk for log in logs])


def check_builds(jobs: list, members: int) -> str:
    from exports.models import DocumentBuild
    from grouping.models import Bundle

    ids = [job.target_id for job in jobs]
    built = DocumentBuild.objects.filter(bundle_id__in=ids, member_count=members)
    ready = Bundle.objects.filter(pk__in=ids, state="ready").count()
    if built.count() != len(ids) or ready != len(ids):
        raise SystemExit(f"{built.count()} builds, {ready} ready bundles for {len(ids)} jobs")
    sizes = [b.pdf_size + b.xlsx_size + b.package_size for b in built]
    return f"all built and ready, {sum(sizes) / len(sizes) / 1e6:.1f} MB of files per bundle"


def check_notices(jobs: list) -> str:
    from workers.models import Notification

    ids = [job.target_id for job in jobs]
    sent = Notification.objects.filter(transition_id__in=ids, sent_at__isnull=False).count()
    if sent != 2 * len(ids):
        raise SystemExit(f"{sent} e-mail(s) sent for {len(ids)} notice jobs")
    return f"{sent} e-mails sent"


def one_round(jobs: list, processes: int, env: dict, directory: Path) -> float:
    from tests.workers.processes import Worker, wait_for
    from workers.jobs import dispatch
    from workers.models import Job, JobState

    ids = [job.pk for job in jobs]
    pending = Job.objects.filter(pk__in=ids, state__in=[JobState.QUEUED, JobState.RUNNING])
    workers = [Worker(f"bench{processes}-{n}", env, directory) for n in range(processes)]
    try:
        for worker in workers:
            worker.start()
        started = time.perf_counter()
        for job in jobs:
            dispatch(job)
        wait_for(
            lambda: not pending.exists(),
            timeout=1800,
            what="every job of the round to finish",
            context=workers[0].tail,
        )
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.stop()
    failed = Job.objects.filter(pk__in=ids, state=JobState.FAILED)
    if failed.exists():
        raise SystemExit(f"{failed.count()} job(s) failed: {failed.first().error}")
    return elapsed


def measure(title: str, make_jobs, check, args, env: dict, directory: Path) -> None:
    """``--repeat`` rounds per worker count; the median and the best round are printed."""
    print(f"\n{title}")
    print(f"{'worker processes':>16} {'median s':>9} {'per minute':>10} {'best':>6}  load  check")
    for processes in args.workers:
        rounds, detail = [], ""
        for _ in range(args.repeat):
            jobs = make_jobs()
            rounds.append(one_round(jobs, processes, env, directory))
            detail = check(jobs)
        median = statistics.median(rounds)
        print(
            f"{processes:>16} {median:>9.1f} {len(jobs) / median * 60:>10.1f} "
            f"{len(jobs) / min(rounds) * 60:>6.1f}  {os.getloadavg()[0]:>4.1f}  {detail}"
        )


def main() -> None:
    args = parse_args()
    fresh_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="grappe-bench-workers-") as tmp:
        directory = Path(tmp)
        from tests.workers.processes import RedisServer

        redis = RedisServer(directory)
        redis.start()
        try:
            os.environ.update(
                DJANGO_SETTINGS_MODULE="grappe.settings",
                DATABASE_URL=args.database_url,
                REDIS_URL=redis.url,
                CELERY_TASK_ALWAYS_EAGER="0",
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                PRIVATE_STORAGE_ROOT=str(directory / "files"),
            )
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0)
            # The seeding's in-process tasks would log every one of them here.
            logging.getLogger("celery").setLevel(logging.WARNING)
            env = dict(os.environ)
            print("machine load (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
            print(f"{os.cpu_count()} CPUs; each worker process runs one task at a time")
            if args.only in (None, "builds"):
                seeded = time.perf_counter()
                bundles = seal_bundles(args.bundles, args.members, args.document_kb)
                print(
                    f"\n{args.bundles} sealed bundles of {args.members} members, five "
                    f"{args.document_kb} KB documents each, made in "
                    f"{time.perf_counter() - seeded:.0f} s"
                )
                measure(
                    f"Document builds: {args.bundles} per round, {args.repeat} rounds",
                    lambda: build_jobs(bundles),
                    lambda jobs: check_builds(jobs, args.members),
                    args, env, directory,
                )  # fmt: skip
            if args.only in (None, "notices"):
                measure(
                    f"Notices: {args.notices} notify_transition jobs per round",
                    lambda: notice_jobs(args.notices),
                    check_notices, args, env, directory,
                )  # fmt: skip
        finally:
            redis.stop()


if __name__ == "__main__":
    main()

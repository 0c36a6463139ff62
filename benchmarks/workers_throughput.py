"""Worker throughput: background jobs per minute with 1 and 2 worker processes.

    python benchmarks/workers_throughput.py              # 400 jobs per round
    python benchmarks/workers_throughput.py --jobs 1000 --workers 1 2 4

Uses its own database (``grappe_bench_workers`` on 127.0.0.1, created and migrated if
missing; see ``--database-url``) and its own redis-server on a free port. Each round
queues N real ``jobs.notify_transition`` jobs (a submitted request: claim the row, load
the history row, find the two people to tell, record and send each e-mail through the
locmem backend, finish the row), starts the worker processes (``celery worker -P solo``,
one task at a time each, heartbeat thread on), sends the jobs and measures from the first
message published to the last job reading done.
"""

import argparse
import os
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
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_WORKERS_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args()


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def queue_jobs(count: int) -> list:
    """``count`` submissions, each with its notice job queued but not yet sent."""
    from django.contrib.contenttypes.models import ContentType

    from dossiers.models import FundingRequest, RequestTransition
    from tests.factories import CampaignFactory, UserFactory, make_request
    from workers.models import Job, Notification

    Notification.objects.all().delete()
    Job.objects.all().delete()
    RequestTransition.objects.all().delete()
    request = FundingRequest.objects.filter(campaign__reference=CAMPAIGN).first()
    if request is None:  # first run on this database
        campaign = CampaignFactory(reference=CAMPAIGN)
        UserFactory(officer=True, organisation=campaign.federation, username="bench-officer")
        request = make_request(campaign=campaign, complete=False)
    submitted = {"transition": "submit", "from_state": "draft", "to_state": "submitted"}
    logs = RequestTransition.objects.bulk_create(
        RequestTransition(request=request, **submitted) for _ in range(count)
    )
    target_type = ContentType.objects.get_for_model(RequestTransition)
    return Job.objects.bulk_create(
        Job(
            kind=Job.Kind.NOTIFY_TRANSITION,
            key=f"notify_transition:dossiers.requesttransition:{log.pk}",
            target_type=target_type,
            target_id=log.pk,
        )
        for log in logs
    )


def one_round(processes: int, count: int, env: dict, directory: Path) -> float:
    from tests.workers.processes import Worker, wait_for
    from workers.jobs import dispatch
    from workers.models import Job, JobState, Notification

    jobs = queue_jobs(count)
    workers = [Worker(f"bench{processes}-{n}", env, directory) for n in range(processes)]
    try:
        for worker in workers:
            worker.start()
        started = time.perf_counter()
        for job in jobs:
            dispatch(job)
        wait_for(
            lambda: not Job.objects.filter(state__in=[JobState.QUEUED, JobState.RUNNING]).exists(),
            timeout=600,
            what="every job to finish",
            context=workers[0].tail,
        )
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.stop()
    failed = Job.objects.filter(state=JobState.FAILED).count()
    sent = Notification.objects.filter(sent_at__isnull=False).count()
    if failed or sent != 2 * count:
        raise SystemExit(f"{failed} job(s) failed, {sent} e-mail(s) sent for {count} jobs")
    return elapsed


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
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
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                PRIVATE_STORAGE_ROOT=str(directory / "files"),
            )
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0)
            print(f"{args.jobs} notice jobs per round, each worker process runs one at a time")
            print("machine load (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
            print(f"{'worker processes':>16} {'seconds':>8} {'jobs/min':>9}")
            for processes in args.workers:
                elapsed = one_round(processes, args.jobs, dict(os.environ), directory)
                print(f"{processes:>16} {elapsed:>8.1f} {args.jobs / elapsed * 60:>9.0f}")
        finally:
            redis.stop()


if __name__ == "__main__":
    main()

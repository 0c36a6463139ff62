"""Deadlines of 1 000 000 requests: the arithmetic alone, then end to end on PostgreSQL.

    python benchmarks/timerules_deadlines.py --memory-only          # arithmetic, 1 000 000
    python benchmarks/timerules_deadlines.py --database-url postgresql://…/grappe_bench_time

The histories are drawn at random: submitted, reviewed, then 0 to 4 "needs changes"
round trips (the last one pending one time in five), over 2025–2027 so that periods cross
month ends, 29 February and public holidays. The rule mixes calendar days, working days
and months, pause and reset. End to end: the requests and their history rows are seeded
once with COPY in their own database (created and migrated if missing, never the
application's), then ``timerules.deadlines.recompute_campaign`` reads every history row,
computes and writes every deadline. Budget: ≤ 60 s for 1 000 000 requests.
"""

import argparse
import io
import os
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.memory import reset_peak, status  # noqa: E402

CAMPAIGN = "BENCH-DEADLINES"
BUDGET_SECONDS = 60
RULES = [  # (amount, unit, on_changes)
    (2, "months", "pause"),
    (30, "business_days", "pause"),
    (45, "calendar_days", "reset"),
]
STATE = {
    "submit": "submitted",
    "start_review": "in_review",
    "request_changes": "needs_changes",
    "resubmit": "submitted",
}


def histories(count: int, seed: int):
    """(request number, [(day, transition, state), ...]) for ``count`` requests."""
    rng = random.Random(seed)
    origin = date(2025, 1, 1)
    for number in range(count):
        day = origin + timedelta(days=rng.randrange(900))
        events = [(day, "submit")]
        day += timedelta(days=rng.randrange(1, 5))
        events.append((day, "start_review"))
        rounds = rng.choice((0, 0, 1, 1, 2, 3, 4))
        pending = rounds and rng.random() < 0.2
        for index in range(rounds):
            day += timedelta(days=rng.randrange(2, 20))
            events.append((day, "request_changes"))
            if pending and index == rounds - 1:
                break
            day += timedelta(days=rng.randrange(1, 15))
            events.append((day, "resubmit"))
            day += timedelta(days=rng.randrange(0, 3))
            events.append((day, "start_review"))
        yield number, [(d, name, STATE[name]) for d, name in events]


def memory_only(count: int, seed: int) -> float:
    from timerules import clock

    states = frozenset(STATE.values())
    clock._business_days()  # the working-day table is built once per process
    data = [events for _number, events in histories(count, seed)]
    reset_peak()
    started = perf_counter()
    for index, events in enumerate(data):
        amount, unit, on_changes = RULES[index % len(RULES)]
        clock.compute(
            events,
            start_event="submit",
            running_states=states,
            amount=amount,
            unit=unit,
            on_changes=on_changes,
        )
    seconds = perf_counter() - started
    each = seconds / count * 1e6
    print(f"arithmetic: {count:,} deadlines in {seconds:.1f} s ({each:.1f} µs each)")
    return seconds


# --- End to end on PostgreSQL -----------------------------------------------------------------


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


def seed(count: int, seed_value: int):
    """The campaign, one enterprise and ``count`` requests with their history, by COPY."""
    from django.db import connection

    from accounts.models import Organisation
    from dossiers.models import Campaign, Enterprise, FundingRequest
    from timerules.models import DeadlineRule, RequestDeadline

    campaign = Campaign.objects.filter(reference=CAMPAIGN).first()
    if campaign and campaign.funding_requests.count() == count:
        return campaign
    if campaign:
        RequestDeadline.objects.filter(request__campaign=campaign).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM dossiers_requesttransition t USING dossiers_fundingrequest r "
                "WHERE t.request_id = r.id AND r.campaign_id = %s",
                [campaign.pk],
            )
        FundingRequest.objects.filter(campaign=campaign).delete()
        campaign.delete()
    federation, _ = Organisation.objects.get_or_create(
        name="Fédération du banc d'essai", defaults={"kind": Organisation.Kind.FEDERATION}
    )
    campaign = Campaign.objects.create(
        federation=federation,
        reference=CAMPAIGN,
        name="Banc d'essai des délais",
        programme="Banc d'essai",
        opens_on=date(2025, 1, 1),
        deadline=date(2027, 12, 31),
    )
    enterprise = Enterprise.objects.filter(siren="000000018").first() or Enterprise.objects.create(
        name="Entreprise du banc d'essai", siren="000000018", siret="00000001800014",
        legal_form="sarl", creation_date=date(2015, 1, 1), address="1 rue du Banc",
        postal_code="23000", city="Guéret", naf_code="10.71C", departement="23",
        headcount=3, turnover=100000, balance_sheet=100000,
    )  # fmt: skip
    amount, unit, on_changes = RULES[0]
    DeadlineRule.objects.create(
        campaign=campaign, stage="instruction", start_event="submit", amount=amount,
        unit=unit, on_changes=on_changes, action="remind",
    )  # fmt: skip
    now = datetime.now(UTC).isoformat()
    requests, history = io.StringIO(), io.StringIO()
    for number, events in histories(count, seed_value):
        state = events[-1][2]
        requests.write(
            f"BD-{number:09d}\t{campaign.pk}\t{enterprise.pk}\t{state}\t1\twebsite\tSite\t\t"
            f"f\t\t0\t0\t0\t0\t0\t0\t\t{now}\t{now}\n"
        )
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY dossiers_fundingrequest (reference, campaign_id, enterprise_id, state, "
            "version, project_category, project_title, project_description, "
            "activity_confirmed, mandate_signed_by, total_cost, eligible_cost, grant_amount, "
            "loan_amount, own_funds, total_sources, decision_reason, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            copy.write(requests.getvalue())
        ids = dict(FundingRequest.objects.filter(campaign=campaign).values_list("reference", "pk"))
        for number, events in histories(count, seed_value):
            pk = ids[f"BD-{number:09d}"]
            previous = "draft"
            for day, name, state in events:
                at = f"{day.isoformat()}T09:00:00+00:00"
                history.write(f"{pk}\t{name}\t\t{at}\t{previous}\t{state}\n")
                previous = state
        with cursor.copy(
            "COPY dossiers_requesttransition (request_id, transition, note, at, from_state, "
            "to_state) FROM STDIN"
        ) as copy:
            copy.write(history.getvalue())
        cursor.execute("ANALYZE dossiers_fundingrequest; ANALYZE dossiers_requesttransition")
    return campaign


def end_to_end(count: int, seed_value: int, url: str) -> float:
    setup(url)
    started = perf_counter()
    campaign = seed(count, seed_value)
    print(f"seeded {count:,} requests in {perf_counter() - started:.0f} s (not measured)")
    from timerules.deadlines import recompute_campaign

    reset_peak()
    before = status("VmRSS")
    started = perf_counter()
    written = recompute_campaign(campaign.pk)
    seconds = perf_counter() - started
    growth = (status("VmHWM") - before) / 2**20
    print(
        f"end to end: {written:,} deadlines read, computed and written in {seconds:.1f} s "
        f"(peak memory growth {growth:.0f} MB)"
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/grappe_bench_time"
        ),
    )
    args = parser.parse_args()
    worst = memory_only(args.size, args.seed)
    if not args.memory_only:
        worst = max(worst, end_to_end(args.size, args.seed, args.database_url))
    verdict = "within" if worst <= BUDGET_SECONDS else "OVER"
    print(f"{verdict} the budget of {BUDGET_SECONDS} s")
    return 0 if worst <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

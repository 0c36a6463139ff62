"""Running the grouping of a campaign: read, group, write — whole or not at all.

``run_grouping`` reads the campaign's eligible requests that no active bundle holds (one
query returning plain tuples, amounts already in cents), hands them to the in-memory
engine, then writes the proposed bundles (state draft) and their memberships with
COPY on PostgreSQL (``bulk_create`` elsewhere), with the run record and the reasons of
every request left out.

Decisions:
- A run **replaces the campaign's previous draft bundles**: they were proposals, held
  nothing for real (their requests stay eligible), and a campaign may be regrouped many
  times while its rules are tuned. The run groups their requests again with the others;
  a previous draft the run proposes again unchanged (same step, key, funder, members
  and totals) is kept with its reference, the others are deleted with their memberships
  (not kept as dissolved rows: that would add a million membership rows per rerun).
  References come from a sequence and are never reused. A run never touches a sealed or
  later bundle: their requests are grouped, not eligible.
- A dry run writes no bundle and replaces nothing; it reads the requests the drafts hold
  as free, so it shows what a real run would do. It is recorded (with its unplaced
  requests) like a real run.
- Atomic: the run row is written first (status running, visible while it works); the
  bundles, memberships, unplaced reasons and the run's "done" status are written in one
  transaction. A failure rolls all of that back and marks the run failed.
- Runs of one campaign are serialised by a lock on the campaign row. A request that
  joined another active bundle meanwhile makes the database refuse the membership
  (one active bundle per request): the run fails with a ``Conflict``.
- Deterministic: the engine's result depends only on the set of requests.
- Fast at a million requests: one query read through a server-side cursor (no model
  instances, amounts cast to cents in SQL), memberships written with COPY and not checked
  row by row against their foreign keys (see ``BundleMember``).
"""

import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from time import perf_counter

from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Exists, F, OuterRef
from django.db.models.functions import Cast, Round
from django.utils import timezone

from dossiers.models import Campaign, FundingRequest, MissingParameter, RequestState
from dossiers.workflow import Conflict, Forbidden, Refused
from grouping import permissions
from grouping.engine import (
    Candidate,
    GroupingResult,
    Policy,
    ProposedBundle,
    Unplaced,
    group,
    level_label,
)
from grouping.labels import describe_key
from grouping.models import (
    Bundle,
    BundleMember,
    BundleState,
    BundleTransition,
    GroupingPolicy,
    GroupingRun,
    UnplacedRequest,
)
from grouping.models.policy import ladder_problems

ONE_ACTIVE_BUNDLE = "bundle_member_one_active_bundle_per_request"
BATCH_SIZE = 2_000  # bulk_create batches where COPY is not available
READ_CHUNK = 20_000
DELETE_BATCH = 5_000  # ids per DELETE (SQLite limits the parameters of one statement)


@dataclass(frozen=True, slots=True)
class BundleSummary:
    """One proposed bundle as the command, the portals and the API show it."""

    reference: str | None  # None on a dry run
    key: tuple[str, ...]
    description: str
    level: int
    level_label: str
    member_ids: tuple[int, ...]
    loan_total: Decimal
    grant_total: Decimal


@dataclass(frozen=True)
class RunResult:
    run: GroupingRun
    policy: Policy
    proposed: GroupingResult
    references: tuple[str, ...]  # one per proposed bundle, in order; empty on a dry run

    @property
    def unplaced(self) -> list[Unplaced]:
        return self.proposed.unplaced

    def bundles(self) -> Iterator[BundleSummary]:
        for index, bundle in enumerate(self.proposed.bundles):
            trade, territory = self.policy.ladder[bundle.level]
            yield BundleSummary(
                reference=self.references[index] if self.references else None,
                key=bundle.key,
                description=describe_key(trade, territory, bundle.key),
                level=bundle.level,
                level_label=level_label(trade, territory),
                member_ids=bundle.member_ids,
                loan_total=_euros(bundle.loan_total),
                grant_total=_euros(bundle.grant_total),
            )


def _euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _decimal_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class _DecimalTexts(dict):
    """``texts[cents]``: the amount as COPY text, computed once per distinct amount."""

    def __missing__(self, cents: int) -> str:
        self[cents] = text = _decimal_text(cents)
        return text


def _policy_snapshot(row: GroupingPolicy, policy: Policy, on: date) -> dict:
    return {
        "amounts": "cents",
        "on": on.isoformat(),
        "funder": {"id": row.funder_id, "name": row.funder.name},
        "ladder": [[trade.value, territory.value] for trade, territory in policy.ladder],
        "min_members": policy.min_members,
        "max_members": policy.max_members,
        "target_members": policy.target_members,
        "target_loan": policy.target_loan,
        "lender_minimum": policy.lender_minimum,
        "lender_maximum": policy.lender_maximum,
        "grant_cap": policy.grant_cap,
        "loan_min": policy.loan_min,
        "loan_max": policy.loan_max,
    }


def _engine_policy(campaign: Campaign, on: date) -> tuple[GroupingPolicy, Policy]:
    refused = "Regroupement impossible :"
    row = GroupingPolicy.objects.select_related("funder").filter(campaign=campaign).first()
    if row is None:
        raise Refused(
            refused,
            [
                f"La campagne {campaign.reference} n'a pas de règles de regroupement : "
                "la fédération doit les saisir."
            ],
        )
    problems = ladder_problems(row.ladder)
    if not campaign.funders.filter(pk=row.funder_id).exists():
        problems.append(
            f"{row.funder.name} ne fait pas partie des financeurs de la campagne "
            f"{campaign.reference}."
        )
    if problems:
        raise Refused(refused, problems)
    try:
        return row, row.to_engine_policy(on)
    except MissingParameter as missing:
        raise Refused(refused, [str(missing)]) from missing
    except ValueError as invalid:
        raise Refused(refused, [f"Règles de regroupement incohérentes ({invalid})."]) from invalid


def run_grouping(
    campaign: Campaign, *, actor, dry_run: bool = False, on: date | None = None
) -> RunResult:
    """Group the campaign's free eligible requests into draft bundles (see module doc)."""
    on = on or timezone.localdate()
    if actor is not None and not permissions.may_run_grouping(campaign, actor):
        raise Forbidden("Vous n'avez pas le droit de regrouper les demandes de cette campagne.")
    row, policy = _engine_policy(campaign, on)
    run = GroupingRun.objects.create(
        campaign=campaign,
        actor=actor,
        dry_run=dry_run,
        on=on,
        policy=_policy_snapshot(row, policy, on),
    )
    started = perf_counter()
    try:
        with transaction.atomic(), _gc_paused():
            result = _run(run, campaign, row, policy, actor=actor)
    except Exception as error:
        GroupingRun.objects.filter(pk=run.pk).update(
            status=GroupingRun.Status.FAILED,
            error=str(error)[:4000],
            finished_at=timezone.now(),
            duration=timedelta(seconds=perf_counter() - started),
        )
        run.refresh_from_db()
        if _second_active_bundle(error):
            raise Conflict(
                "Des demandes sont entrées dans un autre dossier collectif pendant le "
                "regroupement : rien n'a été enregistré, relancez-le."
            ) from error
        raise
    return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic collector off while millions of acyclic tuples are made (a third faster)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _second_active_bundle(error: Exception) -> bool:
    """Did the database refuse a request already held by another active bundle?"""
    text = str(error)
    sqlite_text = f"UNIQUE constraint failed: {BundleMember._meta.db_table}.request_id"
    return isinstance(error, IntegrityError) and (
        ONE_ACTIVE_BUNDLE in text or text.endswith(sqlite_text)
    )


def _run(run: GroupingRun, campaign, row: GroupingPolicy, policy: Policy, *, actor) -> RunResult:
    clock = perf_counter()
    timings = {}
    if not run.dry_run:
        # Serialises the runs of one campaign ("no key": requests may still reference it)
        # and makes a concurrent seal of one of its drafts wait for the run.
        list(
            Campaign.objects.select_for_update(no_key=True).filter(pk=campaign.pk).values_list("pk")
        )
        list(_drafts(campaign).select_for_update().values_list("pk"))
    candidates, amounts = _read_candidates(campaign, free_drafts=True)
    timings["read"] = perf_counter() - clock

    mark = perf_counter()
    proposed = group(candidates, policy, describe_key=describe_key)
    eligible = len(candidates)
    del candidates
    timings["group"] = perf_counter() - mark

    mark = perf_counter()
    references: tuple[str, ...] = ()
    if not run.dry_run:
        references, run.kept_count, run.superseded_count = _replace_drafts(
            run, campaign, row.funder_id, policy, proposed, amounts
        )
    del amounts
    _write_unplaced(run, proposed.unplaced)
    timings["write"] = perf_counter() - mark

    run.eligible_count = eligible
    run.placed_count = proposed.placed
    run.unplaced_count = len(proposed.unplaced)
    run.bundle_count = len(proposed.bundles)
    run.timings = {phase: round(seconds, 3) for phase, seconds in timings.items()}
    run.status = GroupingRun.Status.DONE
    run.finished_at = timezone.now()
    run.duration = run.finished_at - run.started_at
    run.save()
    return RunResult(run=run, policy=policy, proposed=proposed, references=references)


# --- Reading ----------------------------------------------------------------------------


def _cents(field: str):
    return Cast(Round(F(field) * 100), BigIntegerField())


def eligible_rows(campaign: Campaign, *, free_drafts: bool = False):
    """The campaign's eligible requests no active bundle holds, as plain tuples:
    (id, naf_section, naf_code, nafa_code, departement, region, loan, grant, cost,
    own funds), amounts in cents. ``free_drafts`` counts draft bundles' requests as free.
    """
    held = BundleMember.objects.filter(request=OuterRef("pk"), active=True)
    if free_drafts:
        held = held.exclude(bundle__state=BundleState.DRAFT)
    return (
        FundingRequest.objects.filter(campaign=campaign, state=RequestState.ELIGIBLE)
        .filter(~Exists(held))
        .order_by()
        .values_list(
            "pk",
            "enterprise__naf_section",
            "enterprise__naf_code",
            "enterprise__nafa_code",
            "enterprise__departement",
            "enterprise__region",
            _cents("loan_amount"),
            _cents("grant_amount"),
            _cents("total_cost"),
            _cents("own_funds"),
        )
    )


def _fetch(sql: str, params) -> Iterator[list[tuple]]:
    """Rows in batches: a server-side cursor on PostgreSQL, plain fetchmany elsewhere."""
    with connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with connection.cursor() as setting:
                # For this transaction only: hash the enterprises in memory, skip JIT.
                setting.execute("SET LOCAL work_mem = '256MB'")
                setting.execute("SET LOCAL jit = off")
            cursor = connection.connection.cursor(name="grouping_eligible_requests")
        else:
            cursor = connection.cursor()
        with cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(READ_CHUNK):
                yield batch


def _read_candidates(
    campaign: Campaign, *, free_drafts: bool
) -> tuple[list[Candidate], dict[int, tuple[int, int, int, int]]]:
    """Engine candidates, and each request's (loan, grant, cost, own funds) in cents."""
    strings: dict[str, str] = {}
    same = strings.setdefault  # one string object per distinct code, not one per row
    candidates = []
    amounts = {}
    sql, params = eligible_rows(campaign, free_drafts=free_drafts).query.sql_with_params()
    for batch in _fetch(sql, params):
        for pk, section, naf, nafa, departement, region, loan, grant, cost, own in batch:
            candidates.append(
                Candidate(
                    request_id=pk,
                    naf_section=same(section, section),
                    naf_code=same(naf, naf),
                    nafa_code=same(nafa, nafa) if nafa else None,
                    departement=same(departement, departement),
                    region=same(region, region),
                    loan=loan,
                    grant=grant,
                )
            )
            amounts[pk] = (loan, grant, cost, own)
    return candidates, amounts


# --- Writing ----------------------------------------------------------------------------


def _drafts(campaign: Campaign):
    return Bundle.objects.filter(campaign=campaign, state=BundleState.DRAFT)


Signature = tuple  # (funder, trade, territory, step, key, member ids, loan, grant)


def _signature(funder_id: int, policy: Policy, bundle: ProposedBundle) -> Signature:
    trade, territory = policy.ladder[bundle.level]
    return (
        funder_id,
        trade.value,
        territory.value,
        bundle.level,
        tuple(bundle.key),
        bundle.member_ids,
        bundle.loan_total,
        bundle.grant_total,
    )


def _draft_signatures(campaign: Campaign) -> dict[Signature, tuple[int, str]]:
    """The campaign's draft bundles by what they propose: signature -> (id, reference)."""
    members: dict[int, list[int]] = defaultdict(list)
    sql, params = (
        BundleMember.objects.filter(active=True, bundle__in=_drafts(campaign))
        .order_by("bundle_id", "request_id")
        .values_list("bundle_id", "request_id")
        .query.sql_with_params()
    )
    for batch in _fetch(sql, params):
        for bundle_id, request_id in batch:
            members[bundle_id].append(request_id)
    drafts = {}
    for pk, reference, funder_id, trade, territory, level, key, loan, grant in _drafts(
        campaign
    ).values_list(
        "pk",
        "reference",
        "funder_id",
        "trade_level",
        "territory_level",
        "ladder_level",
        "key_codes",
        _cents("loan_total"),
        _cents("grant_total"),
    ):
        ids = tuple(members.pop(pk, ()))
        signature = (funder_id, trade, territory, level, tuple(key), ids, loan, grant)
        drafts[signature] = (pk, reference)
    return drafts


def _delete_bundles(ids: list[int]) -> None:
    """Delete draft bundles and what hangs on them (plain SQL: the ORM's cascade would
    load every row first)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(ids), DELETE_BATCH):
            batch = ids[start : start + DELETE_BATCH]
            marks = ", ".join(["%s"] * len(batch))
            for model, column in (
                (BundleMember, "bundle_id"),
                (BundleTransition, "bundle_id"),
                (Bundle, "id"),
            ):
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                    f"WHERE {column} IN ({marks})",
                    batch,
                )


def _replace_drafts(
    run: GroupingRun,
    campaign: Campaign,
    funder_id: int,
    policy: Policy,
    proposed: GroupingResult,
    amounts: dict[int, tuple[int, int, int, int]],
) -> tuple[tuple[str, ...], int, int]:
    """Keep the drafts proposed again unchanged, delete the others, write the new ones.

    Returns the references of the proposed bundles (in order), and how many previous
    drafts were kept and deleted.
    """
    previous = _draft_signatures(campaign)
    references: list[str | None] = []
    fresh: list[int] = []
    for index, bundle in enumerate(proposed.bundles):
        found = previous.pop(_signature(funder_id, policy, bundle), None)
        references.append(found[1] if found else None)
        if found is None:
            fresh.append(index)
    kept = len(proposed.bundles) - len(fresh)
    _delete_bundles(sorted(pk for pk, _ in previous.values()))
    written = _write_bundles(
        run, campaign, funder_id, policy, [proposed.bundles[i] for i in fresh], amounts
    )
    for index, reference in zip(fresh, written, strict=True):
        references[index] = reference
    return tuple(references), kept, len(previous)


# COPY's text format: tab-separated, \N for NULL, backslash escapes in text values.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_BATCH = 20_000  # lines per write


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _copy(model, columns: list[str], lines: Iterable[str]) -> None:
    """COPY text-format ``lines`` (each ending in a newline; one item may hold several)
    into ``model``'s table.

    PostgreSQL only (psycopg 3). Columns left out take their database default.
    """
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    )
    with (
        connection.wrap_database_errors,  # psycopg's errors as Django's (IntegrityError…)
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        batch = []
        for line in lines:
            batch.append(line)
            if len(batch) == COPY_BATCH:
                copy.write("".join(batch))
                batch.clear()
        if batch:
            copy.write("".join(batch))


def _reserve_ids(model, count: int) -> list[int]:
    """``count`` primary keys taken from the table's own sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'id')",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _reference(pk: int, year: int) -> str:
    return f"GRP-{year}-{pk:06d}"


def _totals(bundles: list[ProposedBundle], amounts: dict) -> list[tuple[int, int]]:
    """Each proposed bundle's (cost, own funds) in cents."""
    totals = []
    for proposal in bundles:
        cost = own = 0
        for pk in proposal.member_ids:
            _, _, member_cost, member_own = amounts[pk]
            cost += member_cost
            own += member_own
        totals.append((cost, own))
    return totals


def _write_bundles(
    run: GroupingRun,
    campaign: Campaign,
    funder_id: int,
    policy: Policy,
    bundles: list[ProposedBundle],
    amounts: dict[int, tuple[int, int, int, int]],
) -> tuple[str, ...]:
    """Write proposed bundles (draft) and their memberships; return their references."""
    if not bundles:
        return ()
    year = timezone.localdate().year
    if connection.vendor != "postgresql":
        totals = _totals(bundles, amounts)
        return _create_bundles(run, campaign, funder_id, policy, bundles, year, totals, amounts)
    ids = _reserve_ids(Bundle, len(bundles))
    references = tuple(_reference(pk, year) for pk in ids)
    members, totals = _member_lines(bundles, ids, amounts)
    lines = _bundle_lines(run, campaign, funder_id, policy, bundles, ids, references, totals)
    _copy(Bundle, BUNDLE_COLUMNS, lines)
    _copy(BundleMember, MEMBER_COLUMNS, members)
    return references


BUNDLE_COLUMNS = [
    "id", "campaign_id", "funder_id", "run_id", "reference", "state", "outcome",
    "trade_level", "territory_level", "key_codes", "key_description", "ladder_level",
    "member_count", "loan_total", "grant_total", "cost_total", "own_funds_total",
    "created_at",
]  # fmt: skip
MEMBER_COLUMNS = ["bundle_id", "request_id", "grant", "loan"]  # the rest: database defaults


def _member_lines(
    bundles: list[ProposedBundle], ids: list[int], amounts: dict
) -> tuple[list[str], list[tuple[int, int]]]:
    """COPY lines of the memberships (one string per bundle) and each bundle's (cost, own
    funds), in one pass over the members."""
    text = _DecimalTexts()
    chunks, totals = [], []
    for bundle_id, proposal in zip(ids, bundles, strict=True):
        cost = own = 0
        lines = []
        for pk in proposal.member_ids:
            loan, grant, member_cost, member_own = amounts[pk]
            cost += member_cost
            own += member_own
            lines.append(f"{bundle_id}\t{pk}\t{text[grant]}\t{text[loan]}\n")
        chunks.append("".join(lines))
        totals.append((cost, own))
    return chunks, totals


def _bundle_lines(run, campaign, funder_id, policy, bundles, ids, references, totals):
    fixed = f"{campaign.pk}\t{funder_id}\t{run.pk}\t"
    state = BundleState.DRAFT.value
    created = timezone.now().isoformat()
    keys: dict[tuple, str] = {}  # (level, key) -> the key's columns, escaped once

    def key_columns(level: int, key: tuple[str, ...]) -> str:
        trade, territory = policy.ladder[level]
        return (
            f"{trade.value}\t{territory.value}\t{_copy_text(json.dumps(list(key)))}\t"
            f"{_copy_text(describe_key(trade, territory, key))}\t{level}"
        )

    for proposal, pk, reference, (cost, own) in zip(bundles, ids, references, totals, strict=True):
        key = (proposal.level, proposal.key)
        if key not in keys:
            keys[key] = key_columns(*key)
        yield (
            f"{pk}\t{fixed}{reference}\t{state}\t\t{keys[key]}\t{len(proposal.member_ids)}\t"
            f"{_decimal_text(proposal.loan_total)}\t{_decimal_text(proposal.grant_total)}\t"
            f"{_decimal_text(cost)}\t{_decimal_text(own)}\t{created}\n"
        )


def _create_bundles(run, campaign, funder_id, policy, proposals, year, totals, amounts):
    """Where COPY is not available (SQLite): ``bulk_create`` in batches."""
    now = timezone.now()
    bundles = []
    for index, (proposal, (cost, own)) in enumerate(zip(proposals, totals, strict=True)):
        trade, territory = policy.ladder[proposal.level]
        bundles.append(
            Bundle(
                campaign_id=campaign.pk,
                funder_id=funder_id,
                run_id=run.pk,
                reference=f"TMP-{run.pk}-{index}",
                state=BundleState.DRAFT,
                trade_level=trade.value,
                territory_level=territory.value,
                key_codes=list(proposal.key),
                key_description=describe_key(trade, territory, proposal.key),
                ladder_level=proposal.level,
                member_count=len(proposal.member_ids),
                loan_total=_euros(proposal.loan_total),
                grant_total=_euros(proposal.grant_total),
                cost_total=_euros(cost),
                own_funds_total=_euros(own),
                created_at=now,
            )
        )
    Bundle.objects.bulk_create(bundles, batch_size=BATCH_SIZE)
    for bundle in bundles:
        bundle.reference = _reference(bundle.pk, year)
    Bundle.objects.bulk_update(bundles, ["reference"], batch_size=BATCH_SIZE)
    BundleMember.objects.bulk_create(
        (
            BundleMember(
                bundle_id=bundle.pk,
                request_id=pk,
                loan=_euros(amounts[pk][0]),
                grant=_euros(amounts[pk][1]),
            )
            for bundle, proposal in zip(bundles, proposals, strict=True)
            for pk in proposal.member_ids
        ),
        batch_size=BATCH_SIZE,
    )
    return tuple(b.reference for b in bundles)


def _write_unplaced(run: GroupingRun, unplaced: list[Unplaced]) -> None:
    if not unplaced:
        return
    if connection.vendor == "postgresql":
        reasons: dict[str, str] = {}  # many requests share one reason
        _copy(
            UnplacedRequest,
            ["run_id", "request_id", "code", "reason"],
            (
                f"{run.pk}\t{u.request_id}\t{u.code.value}\t"
                f"{reasons.get(u.reason) or reasons.setdefault(u.reason, _copy_text(u.reason))}\n"
                for u in unplaced
            ),
        )
        return
    UnplacedRequest.objects.bulk_create(
        (
            UnplacedRequest(run=run, request_id=u.request_id, code=u.code.value, reason=u.reason)
            for u in unplaced
        ),
        batch_size=BATCH_SIZE,
    )

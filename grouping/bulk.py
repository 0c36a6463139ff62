"""A grouping run's rows in bulk: the one read query, and COPY (or bulk_create) writes.

Sized for a million requests: the eligible requests are read as plain tuples through a
server-side cursor, amounts cast to cents in SQL; bundles and memberships are written as
COPY text lines built straight from the engine's result on PostgreSQL, with
``bulk_create`` in batches elsewhere (SQLite). Nothing here decides anything: the run's
rules are in ``grouping.runs``.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, Exists, F, OuterRef
from django.db.models.functions import Cast, Round
from django.utils import timezone

from dossiers.models import Campaign, FundingRequest, Instrument, RequestState
from grouping.engine import Candidate, Policy, ProposedBundle, Unplaced
from grouping.labels import describe_bundle_key
from grouping.models import (
    Bundle,
    BundleMember,
    BundleState,
    BundleTransition,
    GroupingRun,
    UnplacedRequest,
)

BATCH_SIZE = 2_000  # bulk_create batches where COPY is not available
READ_CHUNK = 20_000
DELETE_BATCH = 5_000  # ids per DELETE (SQLite limits the parameters of one statement)


def euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _decimal_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class _DecimalTexts(dict):
    """``texts[cents]``: the amount as COPY text, computed once per distinct amount."""

    def __missing__(self, cents: int) -> str:
        self[cents] = text = _decimal_text(cents)
        return text


# --- Reading ----------------------------------------------------------------------------


def _cents(field: str):
    return Cast(Round(F(field) * 100), BigIntegerField())


def _amount_field(line: str) -> str:
    return "grant_amount" if line == Instrument.GRANT else "loan_amount"


def eligible_rows(campaign: Campaign, line: str = Instrument.LOAN, *, free_drafts: bool = False):
    """The campaign's eligible requests asking for ``line`` that no active bundle holds on
    that line, as plain tuples: (id, naf_section, naf_code, nafa_code, departement,
    region, project category, line amount, cost, own funds), amounts in cents.
    ``free_drafts`` counts draft bundles' lines as free.
    """
    held = BundleMember.objects.filter(request=OuterRef("pk"), line=line, active=True)
    if free_drafts:
        held = held.exclude(bundle__state=BundleState.DRAFT)
    return (
        FundingRequest.objects.filter(campaign=campaign, state=RequestState.ELIGIBLE)
        .filter(**{f"{_amount_field(line)}__gt": 0})
        .filter(~Exists(held))
        .order_by()
        .values_list(
            "pk",
            "enterprise__naf_section",
            "enterprise__naf_code",
            "enterprise__nafa_code",
            "enterprise__departement",
            "enterprise__region",
            "project_category",
            _cents(_amount_field(line)),
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


def read_candidates(
    campaign: Campaign, line: str = Instrument.LOAN, *, free_drafts: bool
) -> tuple[list[Candidate], dict[int, tuple[int, int, int, int]], dict[int, str]]:
    """Engine candidates for ``line``, each request's (loan, grant, cost, own funds) in
    cents (the other line's amount zero: a membership carries one line), and each
    request's project category.

    The engine packs the line's amount under the name ``loan`` (see ``Policy.line``).
    """
    strings: dict[str, str] = {}
    same = strings.setdefault  # one string object per distinct code, not one per row
    candidates = []
    amounts = {}
    categories = {}
    grant_line = line == Instrument.GRANT
    rows = eligible_rows(campaign, line, free_drafts=free_drafts)
    sql, params = rows.query.sql_with_params()
    for batch in _fetch(sql, params):
        for pk, section, naf, nafa, departement, region, category, amount, cost, own in batch:
            candidates.append(
                Candidate(
                    request_id=pk,
                    naf_section=same(section, section),
                    naf_code=same(naf, naf),
                    nafa_code=same(nafa, nafa) if nafa else None,
                    departement=same(departement, departement),
                    region=same(region, region),
                    loan=amount,
                    grant=0,
                )
            )
            amounts[pk] = (0, amount, cost, own) if grant_line else (amount, 0, cost, own)
            categories[pk] = same(category, category)
    return candidates, amounts, categories


# --- The previous drafts ------------------------------------------------------------------


def drafts(campaign: Campaign, kind: str | None = None):
    found = Bundle.objects.filter(campaign=campaign, state=BundleState.DRAFT)
    return found if kind is None else found.filter(kind=kind)


Signature = tuple  # (funder, trade, territory, step, key, member ids, loan, grant)


def signature(funder_id: int, policy: Policy, bundle: ProposedBundle) -> Signature:
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


def draft_signatures(campaign: Campaign, kind: str) -> dict[Signature, tuple[int, str]]:
    """The campaign's draft bundles of ``kind`` by what they propose: signature ->
    (id, reference). Totals in a signature are the engine's: the line's amount."""
    members: dict[int, list[int]] = defaultdict(list)
    sql, params = (
        BundleMember.objects.filter(active=True, bundle__in=drafts(campaign, kind))
        .order_by("bundle_id", "request_id")
        .values_list("bundle_id", "request_id")
        .query.sql_with_params()
    )
    for batch in _fetch(sql, params):
        for bundle_id, request_id in batch:
            members[bundle_id].append(request_id)
    rows = drafts(campaign, kind).values_list(
        "pk",
        "reference",
        "funder_id",
        "trade_level",
        "territory_level",
        "ladder_level",
        "key_codes",
        _cents("grant_total" if kind == Instrument.GRANT else "loan_total"),
    )
    found = {}
    for pk, reference, funder_id, trade, territory, level, key, total in rows:
        ids = tuple(members.pop(pk, ()))
        found[(funder_id, trade, territory, level, tuple(key), ids, total, 0)] = (pk, reference)
    return found


def delete_bundles(ids: list[int]) -> None:
    """Delete draft bundles and what hangs on them (plain SQL: the ORM's cascade would
    load every row first)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(ids), DELETE_BATCH):
            batch = ids[start : start + DELETE_BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"UPDATE {quote(Bundle._meta.db_table)} SET twin_id = NULL "  # noqa: S608
                f"WHERE twin_id IN ({marks})",
                batch,
            )
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


# --- Writing ----------------------------------------------------------------------------


def set_twins(pairs: list[tuple[int, int]]) -> None:
    """``UPDATE … FROM (VALUES …)``: each (bundle id, twin id) in one statement per batch,
    where the ORM would write one row per query or a CASE per batch."""
    quote = connection.ops.quote_name
    table = quote(Bundle._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH_SIZE):
            batch = pairs[start : start + BATCH_SIZE]
            values = ", ".join(["(%s, %s)"] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET twin_id = pair.column2 "  # noqa: S608
                f"FROM (VALUES {values}) AS pair WHERE {table}.id = pair.column1",
                [number for pair in batch for number in pair],
            )


# COPY's text format: tab-separated, \N for NULL, backslash escapes in text values.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_BATCH = 20_000  # items per write


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


def write_bundles(
    run: GroupingRun,
    campaign: Campaign,
    rules,
    policy: Policy,
    bundles: list[ProposedBundle],
    amounts: dict[int, tuple[int, int, int, int]],
) -> tuple[str, ...]:
    """Write proposed bundles (draft) of ``rules``' kind (a ``GroupingPolicy``) and their
    memberships; return their references."""
    if not bundles:
        return ()
    year = timezone.localdate().year
    if connection.vendor != "postgresql":
        totals = _totals(bundles, amounts)
        return _create_bundles(run, campaign, rules, policy, bundles, year, totals, amounts)
    ids = _reserve_ids(Bundle, len(bundles))
    references = tuple(_reference(pk, year) for pk in ids)
    members, totals = _member_lines(bundles, ids, amounts, rules.kind)
    lines = _bundle_lines(run, campaign, rules, policy, bundles, ids, references, totals)
    _copy(Bundle, BUNDLE_COLUMNS, lines)
    _copy(BundleMember, MEMBER_COLUMNS, members)
    return references


BUNDLE_COLUMNS = [
    "id", "campaign_id", "funder_id", "run_id", "reference", "kind", "guarantor",
    "guarantee_share", "state", "outcome",
    "trade_level", "territory_level", "key_codes", "key_description", "ladder_level",
    "member_count", "loan_total", "grant_total", "cost_total", "own_funds_total",
    "created_at",
]  # fmt: skip

MEMBER_COLUMNS = ["bundle_id", "request_id", "line", "grant", "loan"]  # the rest: defaults


def _line_totals(kind: str, total: int) -> tuple[int, int]:
    """(loan total, grant total) of a proposal whose engine total is its line's."""
    return (0, total) if kind == Instrument.GRANT else (total, 0)


def _member_lines(
    bundles: list[ProposedBundle], ids: list[int], amounts: dict, kind: str
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
            lines.append(f"{bundle_id}\t{pk}\t{kind}\t{text[grant]}\t{text[loan]}\n")
        chunks.append("".join(lines))
        totals.append((cost, own))
    return chunks, totals


def _bundle_lines(run, campaign, rules, policy, bundles, ids, references, totals):
    fixed = f"{campaign.pk}\t{rules.funder_id}\t{run.pk}\t"
    share = "\\N" if rules.guarantee_share is None else str(rules.guarantee_share)
    kind = f"{rules.kind}\t{rules.guarantor}\t{share}\t"
    state = BundleState.DRAFT.value
    created = timezone.now().isoformat()
    keys: dict[tuple, str] = {}  # (level, key) -> the key's columns, escaped once

    def key_columns(level: int, key: tuple[str, ...]) -> str:
        trade, territory = policy.ladder[level]
        return (
            f"{trade.value}\t{territory.value}\t{_copy_text(json.dumps(list(key)))}\t"
            f"{_copy_text(describe_bundle_key(trade, territory, key, rules.by_category))}\t"
            f"{level}"
        )

    for proposal, pk, reference, (cost, own) in zip(bundles, ids, references, totals, strict=True):
        key = (proposal.level, proposal.key)
        if key not in keys:
            keys[key] = key_columns(*key)
        loan, grant = _line_totals(rules.kind, proposal.loan_total)
        yield (
            f"{pk}\t{fixed}{reference}\t{kind}{state}\t\t{keys[key]}\t"
            f"{len(proposal.member_ids)}\t{_decimal_text(loan)}\t{_decimal_text(grant)}\t"
            f"{_decimal_text(cost)}\t{_decimal_text(own)}\t{created}\n"
        )


def _create_bundles(run, campaign, rules, policy, proposals, year, totals, amounts):
    """Where COPY is not available (SQLite): ``bulk_create`` in batches."""
    now = timezone.now()
    bundles = []
    for index, (proposal, (cost, own)) in enumerate(zip(proposals, totals, strict=True)):
        trade, territory = policy.ladder[proposal.level]
        loan, grant = _line_totals(rules.kind, proposal.loan_total)
        bundles.append(
            Bundle(
                campaign_id=campaign.pk,
                funder_id=rules.funder_id,
                run_id=run.pk,
                reference=f"TMP-{run.pk}-{index}",
                kind=rules.kind,
                guarantor=rules.guarantor,
                guarantee_share=rules.guarantee_share,
                state=BundleState.DRAFT,
                trade_level=trade.value,
                territory_level=territory.value,
                key_codes=list(proposal.key),
                key_description=describe_bundle_key(
                    trade, territory, proposal.key, rules.by_category
                ),
                ladder_level=proposal.level,
                member_count=len(proposal.member_ids),
                loan_total=euros(loan),
                grant_total=euros(grant),
                cost_total=euros(cost),
                own_funds_total=euros(own),
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
                line=rules.kind,
                loan=euros(amounts[pk][0]),
                grant=euros(amounts[pk][1]),
            )
            for bundle, proposal in zip(bundles, proposals, strict=True)
            for pk in proposal.member_ids
        ),
        batch_size=BATCH_SIZE,
    )
    return tuple(b.reference for b in bundles)


def write_unplaced(run: GroupingRun, unplaced: list[Unplaced]) -> None:
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

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
  row by row against their foreign keys (see ``grouping.bulk`` and ``BundleMember``).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from time import perf_counter

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from dossiers.formatting import euros_from_cents
from dossiers.models import Campaign, Instrument, MissingParameter
from dossiers.workflow import Conflict, Forbidden, Refused
from grouping import bulk, permissions
from grouping.coincide import twin_proposals
from grouping.engine import GroupingResult, Policy, ProposedBundle, Unplaced, group, level_label
from grouping.labels import describe_bundle_key, describe_key
from grouping.models import Bundle, BundleMember, GroupingPolicy, GroupingRun
from grouping.models.policy import ladder_problems
from workers.jobs import enqueue_job
from workers.models import Job

ONE_ACTIVE_BUNDLE = "bundle_member_one_active_bundle_per_line"


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
    by_category: bool = False
    twins: int = 0  # proposed with the same members as a lender bundle

    @property
    def unplaced(self) -> list[Unplaced]:
        return self.proposed.unplaced

    def bundles(self) -> Iterator[BundleSummary]:
        for index, bundle in enumerate(self.proposed.bundles):
            trade, territory = self.policy.ladder[bundle.level]
            yield BundleSummary(
                reference=self.references[index] if self.references else None,
                key=bundle.key,
                description=describe_bundle_key(trade, territory, bundle.key, self.by_category),
                level=bundle.level,
                level_label=level_label(trade, territory),
                member_ids=bundle.member_ids,
                loan_total=bulk.euros(0 if self.grant_line else bundle.loan_total),
                grant_total=bulk.euros(bundle.loan_total if self.grant_line else 0),
            )

    @property
    def grant_line(self) -> bool:
        return self.policy.line == Instrument.GRANT


def _policy_snapshot(row: GroupingPolicy, policy: Policy, on: date) -> dict:
    return {
        "kind": row.kind,
        "by_category": row.by_category,
        "coincide": row.coincide,
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


def _engine_policy(campaign: Campaign, kind: str, on: date) -> tuple[GroupingPolicy, Policy]:
    refused = "Regroupement impossible :"
    row = (
        GroupingPolicy.objects.select_related("funder").filter(campaign=campaign, kind=kind).first()
    )
    if row is None:
        what = "des subventions" if kind == Instrument.GRANT else "des prêts"
        raise Refused(
            refused,
            [
                f"La campagne {campaign.reference} n'a pas de règles de regroupement {what} : "
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


def kinds_with_rules(campaign: Campaign) -> list[str]:
    """The kinds of collective the campaign has rules for, lender bundles first (grant
    collectives may coincide with them)."""
    kinds = set(GroupingPolicy.objects.filter(campaign=campaign).values_list("kind", flat=True))
    return [kind for kind in (Instrument.LOAN, Instrument.GRANT) if kind in kinds]


def group_campaign(
    campaign: Campaign, *, actor, dry_run: bool = False, on: date | None = None
) -> list[RunResult]:
    """Group every kind of line the campaign has rules for: its loan lines into lender
    bundles, then its grant lines into grant collectives (which may coincide with the lender
    bundles just proposed). Each kind is its own run, whole or not at all."""
    kinds = kinds_with_rules(campaign)
    if not kinds:
        raise Refused(
            "Regroupement impossible :",
            [
                f"La campagne {campaign.reference} n'a pas de règles de regroupement : "
                "la fédération doit les saisir."
            ],
        )
    return [
        run_grouping(campaign, actor=actor, kind=kind, dry_run=dry_run, on=on) for kind in kinds
    ]


def start_grouping(campaign: Campaign, *, actor: User | None, on: date | None = None) -> Job:
    """Check who asks and the campaign's rules for every kind, then queue the run (loans,
    then grants) as a background job: the portal and the API refuse at once, with the
    reason, what the job would refuse later. Asking again while a run is queued or running
    returns that job."""
    on = on or timezone.localdate()
    _check_actor(campaign, actor)
    kinds = kinds_with_rules(campaign)
    if not kinds:
        _engine_policy(campaign, Instrument.LOAN, on)  # refuses, saying the rules are missing
    for kind in kinds:
        _engine_policy(campaign, kind, on)
    with transaction.atomic():
        return enqueue_job(Job.Kind.RUN_GROUPING, campaign, created_by=actor)


def _check_actor(campaign: Campaign, actor: User | None) -> None:
    if actor is not None and not permissions.may_run_grouping(campaign, actor):
        raise Forbidden("Vous n'avez pas le droit de regrouper les demandes de cette campagne.")


def run_grouping(
    campaign: Campaign,
    *,
    actor: User | None,
    kind: str = Instrument.LOAN,
    dry_run: bool = False,
    on: date | None = None,
) -> RunResult:
    """Group the campaign's free eligible lines of ``kind`` into draft collectives (see
    module doc): loan lines into lender bundles, grant lines into grant collectives."""
    on = on or timezone.localdate()
    _check_actor(campaign, actor)
    row, policy = _engine_policy(campaign, kind, on)
    run = GroupingRun.objects.create(
        campaign=campaign,
        kind=kind,
        actor=actor,
        dry_run=dry_run,
        on=on,
        policy=_policy_snapshot(row, policy, on),
    )
    started = perf_counter()
    try:
        with transaction.atomic(), _gc_paused():
            result = _run(run, campaign, row, policy)
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
    table = BundleMember._meta.db_table
    sqlite_text = f"UNIQUE constraint failed: {table}.request_id, {table}.line"
    return isinstance(error, IntegrityError) and (
        ONE_ACTIVE_BUNDLE in text or text.endswith(sqlite_text)
    )


def _run(run: GroupingRun, campaign, row: GroupingPolicy, policy: Policy) -> RunResult:
    clock = perf_counter()
    timings = {}
    if not run.dry_run:
        # Serialises the runs of one campaign ("no key": requests may still reference it)
        # and makes a concurrent seal of one of its drafts wait for the run.
        list(
            Campaign.objects.select_for_update(no_key=True).filter(pk=campaign.pk).values_list("pk")
        )
        list(bulk.drafts(campaign, row.kind).select_for_update().values_list("pk"))
    candidates, amounts, categories = bulk.read_candidates(campaign, row.kind, free_drafts=True)
    timings["read"] = perf_counter() - clock

    mark = perf_counter()
    twins: list[tuple[ProposedBundle, int]] = []
    if row.kind == Instrument.GRANT and row.coincide:
        twins, candidates = twin_proposals(campaign, row, policy, candidates, dry_run=run.dry_run)
    proposed = group_lines(candidates, policy, categories if row.by_category else None)
    if twins:
        proposed = GroupingResult(
            bundles=[proposal for proposal, _ in twins] + proposed.bundles,
            unplaced=proposed.unplaced,
        )
    eligible = len(candidates) + sum(len(p.member_ids) for p, _ in twins)
    del candidates
    timings["group"] = perf_counter() - mark

    mark = perf_counter()
    references: tuple[str, ...] = ()
    if not run.dry_run:
        references, run.kept_count, run.superseded_count = _replace_drafts(
            run, campaign, row, policy, proposed, amounts
        )
        _pair_twins(references, twins)
    del amounts
    bulk.write_unplaced(run, proposed.unplaced)
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
    return RunResult(
        run=run,
        policy=policy,
        proposed=proposed,
        references=references,
        by_category=row.by_category,
        twins=len(twins),
    )


def group_lines(candidates, policy: Policy, categories: dict[int, str] | None) -> GroupingResult:
    """The engine on the candidates; with ``categories``, once per project category, the
    category appended to each key (one provider or bank product per collective)."""
    if categories is None:
        return group(candidates, policy, format_cents=euros_from_cents, describe_key=describe_key)
    by_category: dict[str, list] = {}
    for candidate in candidates:
        by_category.setdefault(categories[candidate.request_id], []).append(candidate)
    bundles: list[ProposedBundle] = []
    unplaced: list[Unplaced] = []
    for category in sorted(by_category):
        result = group(
            by_category[category], policy, format_cents=euros_from_cents, describe_key=describe_key
        )
        bundles += [
            ProposedBundle(
                key=(*bundle.key, category),
                level=bundle.level,
                member_ids=bundle.member_ids,
                loan_total=bundle.loan_total,
                grant_total=bundle.grant_total,
            )
            for bundle in result.bundles
        ]
        unplaced += result.unplaced
    return GroupingResult(bundles=bundles, unplaced=unplaced)


def _pair_twins(references: tuple[str, ...], twins: list[tuple[ProposedBundle, int]]) -> None:
    """Point each coinciding grant collective and its lender bundle at each other, in bulk
    (a national campaign has tens of thousands of pairs)."""
    if not twins:
        return
    lenders = [lender_id for _, lender_id in twins]
    named = references[: len(twins)]  # the twin proposals come first, in order
    ids: dict[str, tuple[int, int | None]] = {}
    for start in range(0, len(named), bulk.DELETE_BATCH):
        batch = named[start : start + bulk.DELETE_BATCH]
        ids.update(
            (reference, (pk, twin))
            for reference, pk, twin in Bundle.objects.filter(reference__in=batch).values_list(
                "reference", "pk", "twin_id"
            )
        )
    # A kept draft usually still points at its lender bundle: only new pairs are written.
    pairs = [
        (ids[reference][0], lender)
        for reference, lender in zip(named, lenders, strict=True)
        if ids[reference][1] != lender
    ]
    for start in range(0, len(pairs), bulk.DELETE_BATCH):
        stale = [pk for pair in pairs[start : start + bulk.DELETE_BATCH] for pk in pair]
        Bundle.objects.filter(twin_id__in=stale).update(twin=None)
    bulk.set_twins(pairs + [(lender, grant) for grant, lender in pairs])


def _replace_drafts(
    run: GroupingRun,
    campaign: Campaign,
    row: GroupingPolicy,
    policy: Policy,
    proposed: GroupingResult,
    amounts: dict[int, tuple[int, int, int, int]],
) -> tuple[tuple[str, ...], int, int]:
    """Keep the drafts proposed again unchanged, delete the others, write the new ones.

    Returns the references of the proposed bundles (in order), and how many previous
    drafts were kept and deleted.
    """
    previous = bulk.draft_signatures(campaign, row.kind)
    references: list[str | None] = []
    fresh: list[int] = []
    for index, bundle in enumerate(proposed.bundles):
        found = previous.pop(bulk.signature(row.funder_id, policy, bundle), None)
        references.append(found[1] if found else None)
        if found is None:
            fresh.append(index)
    kept = len(proposed.bundles) - len(fresh)
    bulk.delete_bundles(sorted(pk for pk, _ in previous.values()))
    written = bulk.write_bundles(
        run, campaign, row, policy, [proposed.bundles[i] for i in fresh], amounts
    )
    for index, reference in zip(fresh, written, strict=True):
        references[index] = reference
    return tuple(references), kept, len(previous)

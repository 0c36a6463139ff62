"""The business actions on a bundle: one function each, used by every interface.

In one transaction: lock the bundle, check who acts and why the action could be refused,
move the members' requests with ``dossiers.workflow`` (group, ungroup, send, approve,
decline), change the bundle's state and write its history row. After commit only: the
members' notifications (queued by the request workflow with ``delay_on_commit``).

Refusals raise the request workflow's errors: ``Conflict`` (the bundle is not in a state
that allows the action), ``Forbidden`` (not this actor), ``Refused`` (a guard's list of
problems, in plain words). Locks are taken bundle first, then its members' requests in
primary-key order (``perform_many``), so two actions never deadlock each other.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_fsm import has_transition_perm

from dossiers.models import RequestState
from dossiers.workflow import Conflict, Forbidden, Refused, perform, perform_many
from grouping import guards, permissions
from grouping.models import Bundle, BundleMember, BundleOutcome, BundleState, BundleTransition
from workers.jobs import enqueue_job
from workers.models import Job

ZERO = Decimal("0.00")
S = BundleState
M = BundleMember.Status


def _lock(bundle) -> Bundle:
    pk = getattr(bundle, "pk", bundle)
    return (
        Bundle.objects.select_for_update(of=("self",))
        .select_related("campaign", "funder")
        .get(pk=pk)
    )


def _members(bundle: Bundle) -> list[BundleMember]:
    return list(
        bundle.members.filter(active=True)
        .select_related("request__enterprise")
        .order_by("request_id")
    )


def _check(locked: Bundle, name: str, actor) -> None:
    method = getattr(locked, name)
    if not method._django_fsm.has_transition(locked.state):
        raise Conflict(
            f"Action impossible : le dossier {locked.reference} est « {S(locked.state).label} »."
        )
    if actor is not None and not has_transition_perm(method, actor):
        raise Forbidden("Vous n'avez pas le droit de faire cette action sur ce dossier.")


def _apply(locked: Bundle, name: str, *, actor, note: str, **kwargs) -> BundleTransition:
    from_state = locked.state
    getattr(locked, name)(**kwargs)
    locked.save()
    return BundleTransition.objects.create(
        bundle=locked,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        note=note,
    )


def _refresh_totals(locked: Bundle) -> None:
    """Recompute the totals over the active members (after one leaves)."""
    totals = locked.members.filter(active=True).aggregate(
        loan=Coalesce(Sum("loan"), ZERO),
        grant=Coalesce(Sum("grant"), ZERO),
        cost=Coalesce(Sum("request__total_cost"), ZERO),
        own=Coalesce(Sum("request__own_funds"), ZERO),
    )
    locked.member_count = locked.members.filter(active=True).count()
    locked.loan_total, locked.grant_total = totals["loan"], totals["grant"]
    locked.cost_total, locked.own_funds_total = totals["cost"], totals["own"]


def seal_bundle(
    bundle, *, actor, note: str = "", on: date | None = None, notify: bool = True
) -> Bundle:
    """Freeze the membership: draft → sealed, members' requests eligible → grouped.

    ``notify=False`` tells nobody (a replayed history: the demo)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = _lock(bundle)
        _check(locked, "seal", actor)
        members = _members(locked)
        problems = guards.seal_problems(locked, members, on)
        if problems:
            raise Refused(f"Le dossier {locked.reference} ne peut pas être scellé :", problems)
        perform_many(
            [m.request_id for m in members],
            "group",
            actor=actor,
            note=f"Dossier collectif {locked.reference} scellé.",
            notify=notify,
        )
        _apply(locked, "seal", actor=actor, note=note)
    return locked


def dissolve_bundle(bundle, *, actor, note: str = "") -> Bundle:
    """Draft, sealed or ready → dissolved: the members' requests are eligible again."""
    with transaction.atomic():
        locked = _lock(bundle)
        _check(locked, "dissolve", actor)
        members = _members(locked)
        grouped = [m.request_id for m in members if m.request.state == RequestState.GROUPED]
        if grouped:
            perform_many(
                grouped,
                "ungroup",
                actor=actor,
                note=f"Dossier collectif {locked.reference} dissous. {note}".strip(),
            )
        locked.members.filter(active=True).update(active=False)
        _apply(locked, "dissolve", actor=actor, note=note)
    return locked


def withdraw_member(bundle, member, *, actor, note: str = "") -> Bundle:
    """Take one request out of a draft or sealed bundle; it is eligible again.

    The bundle keeps its state; sealing (or submitting) checks again that what remains is
    still a collective file the funder takes.
    """
    with transaction.atomic():
        locked = _lock(bundle)
        if locked.state not in (S.DRAFT, S.SEALED):
            raise Conflict(
                f"Le dossier {locked.reference} est « {S(locked.state).label} » : "
                "ses membres ne peuvent plus changer."
            )
        if actor is not None and not permissions.is_lead_partner(locked, actor):
            raise Forbidden("Vous n'avez pas le droit de modifier ce dossier.")
        pk = getattr(member, "pk", member)
        found = (
            locked.members.select_for_update(of=("self",))
            .select_related("request")
            .filter(pk=pk, active=True)
            .first()
        )
        if found is None:
            raise Conflict("Cette demande n'est plus membre du dossier.")
        if found.request.state == RequestState.GROUPED:
            perform(
                found.request_id,
                "ungroup",
                actor=actor,
                note=f"Retirée du dossier collectif {locked.reference}. {note}".strip(),
            )
        found.status, found.active = M.WITHDRAWN, False
        found.save(update_fields=["status", "active"])
        _refresh_totals(locked)
        locked.save()
        BundleTransition.objects.create(
            bundle=locked,
            actor=actor,
            transition="withdraw_member",
            from_state=locked.state,
            to_state=locked.state,
            note=f"{found.request.reference} retirée du dossier. {note}".strip(),
        )
    return locked


def mark_ready(bundle, *, actor=None, note: str = "") -> Bundle:
    """Sealed → ready, once the documents are built (called by the documents build)."""
    with transaction.atomic():
        locked = _lock(bundle)
        _check(locked, "mark_ready", actor)
        _apply(locked, "mark_ready", actor=actor, note=note)
    return locked


def submit_bundle(
    bundle, *, actor, note: str = "", on: date | None = None, notify: bool = True
) -> Bundle:
    """Ready → submitted: every member's request grouped → sent to the bundle's funder;
    its analysts are told after commit (``notify=False``: nobody, as in the demo)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = _lock(bundle)
        _check(locked, "submit", actor)
        members = _members(locked)
        problems = guards.submission_problems(locked, members, on)
        if problems:
            raise Refused(f"Le dossier {locked.reference} ne peut pas être transmis :", problems)
        perform_many(
            [m.request_id for m in members],
            "send",
            actor=actor,
            note=f"Transmise à {locked.funder.name} dans le dossier collectif {locked.reference}.",
            funder=locked.funder,
            notify=notify,
        )
        log = _apply(locked, "submit", actor=actor, note=note)
        if notify:  # the job is sent once this commits
            enqueue_job(Job.Kind.NOTIFY_BUNDLE, log, created_by=actor)
    return locked


def _outcome(locked: Bundle) -> tuple[str, Decimal]:
    decided = list(locked.members.filter(active=True))
    approved = [m for m in decided if m.status == M.APPROVED]
    total = sum((m.decided_amount for m in approved), ZERO)
    if not approved:
        return BundleOutcome.DECLINED, total
    if len(approved) == len(decided) and all(m.decided_amount == m.asked for m in approved):
        return BundleOutcome.APPROVED, total
    return BundleOutcome.PARTIALLY_APPROVED, total


def record_decision(
    bundle,
    member,
    *,
    actor,
    approved: bool,
    amount: Decimal | None = None,
    reason: str = "",
    on: date | None = None,
    notify: bool = True,
) -> BundleMember:
    """The funder's decision on one member; the last one decides the bundle.

    ``amount`` defaults to what the member asked (loan and grant). The bundle's outcome:
    approved when every member got what it asked, declined when none got anything,
    partially approved otherwise.
    """
    with transaction.atomic():
        locked = _lock(bundle)
        if locked.state != S.SUBMITTED:
            raise Conflict(
                f"Le dossier {locked.reference} est « {S(locked.state).label} » : "
                "il n'attend pas de décision."
            )
        if actor is not None and not permissions.is_bundle_funder(locked, actor):
            raise Forbidden("Seul le financeur destinataire du dossier enregistre ses décisions.")
        pk = getattr(member, "pk", member)
        found = (
            locked.members.select_for_update(of=("self",))
            .select_related("request__enterprise")
            .filter(pk=pk, active=True)
            .first()
        )
        if found is None:
            raise Conflict("Cette demande n'est pas membre de ce dossier.")
        if found.status != M.ACTIVE:
            raise Conflict(
                f"La décision sur {found.request.reference} est déjà enregistrée : "
                f"« {M(found.status).label} »."
            )
        if approved and amount is None:
            amount = found.asked
        problems = guards.decision_problems(found, approved=approved, amount=amount, reason=reason)
        if problems:
            raise Refused(
                f"La décision sur {found.request.reference} n'a pas pu être enregistrée :",
                problems,
            )
        if approved:
            found.request = perform(
                found.request_id,
                "approve",
                actor=actor,
                note=reason,
                on=on,
                amount=amount,
                notify=notify,
            )
        else:
            found.request = perform(
                found.request_id,
                "decline",
                actor=actor,
                note=reason,
                on=on,
                reason=reason,
                notify=notify,
            )
        found.status = M.APPROVED if approved else M.DECLINED
        found.decided_amount = amount if approved else None
        found.decision_reason = reason
        found.decided_by = actor
        found.decided_at = timezone.now()
        found.save()
        if not locked.members.filter(active=True, status=M.ACTIVE).exists():
            outcome, total = _outcome(locked)
            _apply(
                locked,
                "decide",
                actor=actor,
                note=f"Dernière décision : {found.request.reference}.",
                outcome=outcome,
                approved_total=total,
            )
        found.bundle = locked
    return found


def close_bundle(bundle, *, actor, note: str = "") -> Bundle:
    """Decided → closed: the memberships release their requests (a reopened request can
    be grouped again)."""
    with transaction.atomic():
        locked = _lock(bundle)
        _check(locked, "close", actor)
        locked.members.filter(active=True).update(active=False)
        _apply(locked, "close", actor=actor, note=note)
    return locked

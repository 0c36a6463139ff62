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

from dossiers.models import Instrument
from dossiers.workflow import Conflict, Forbidden, Refused
from grouping import guards, permissions
from grouping.lines import advance
from grouping.models import Bundle, BundleMember, BundleState, BundleTransition
from workers.jobs import enqueue_job
from workers.models import Job

ZERO = Decimal("0.00")
S = BundleState
M = BundleMember.Status


def lock(bundle) -> Bundle:
    pk = getattr(bundle, "pk", bundle)
    return (
        Bundle.objects.select_for_update(of=("self",))
        .select_related("campaign", "funder")
        .get(pk=pk)
    )


def active_members(bundle: Bundle) -> list[BundleMember]:
    return list(
        bundle.members.filter(active=True)
        .select_related("request__enterprise")
        .order_by("request_id")
    )


def check(locked: Bundle, name: str, actor) -> None:
    method = getattr(locked, name)
    if not method._django_fsm.has_transition(locked.state):
        raise Conflict(
            f"Action impossible : le dossier {locked.reference} est « {S(locked.state).label} »."
        )
    if actor is not None and not has_transition_perm(method, actor):
        raise Forbidden("Vous n'avez pas le droit de faire cette action sur ce dossier.")


def apply(locked: Bundle, name: str, *, actor, note: str, **kwargs) -> BundleTransition:
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


def _line_word(locked: Bundle) -> str:
    return str(Instrument(locked.kind).label)


def _advance_members(locked: Bundle, members: list[BundleMember], **kwargs) -> None:
    """Each member's request follows its line (``grouping.lines.advance``), in primary-key
    order so that two bundle actions never deadlock each other."""
    for request_id in sorted(m.request_id for m in members):
        advance(request_id, **kwargs)


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
        locked = lock(bundle)
        check(locked, "seal", actor)
        members = active_members(locked)
        problems = guards.seal_problems(locked, members, on)
        if problems:
            raise Refused(f"Le dossier {locked.reference} ne peut pas être scellé :", problems)
        apply(locked, "seal", actor=actor, note=note)
        _advance_members(
            locked,
            members,
            actor=actor,
            note=f"{_line_word(locked)} : dans le dossier collectif {locked.reference}, scellé.",
            on=on,
            notify=notify,
        )
    return locked


def dissolve_bundle(bundle, *, actor, note: str = "") -> Bundle:
    """Draft, sealed or ready → dissolved: the members' requests are eligible again."""
    with transaction.atomic():
        locked = lock(bundle)
        check(locked, "dissolve", actor)
        members = active_members(locked)
        was_draft = locked.state == S.DRAFT
        locked.members.filter(active=True).update(active=False)
        apply(locked, "dissolve", actor=actor, note=note)
        if not was_draft:  # a draft's members never left "eligible": nothing to tell
            _advance_members(
                locked,
                members,
                actor=actor,
                note=(
                    f"{_line_word(locked)} : dossier collectif {locked.reference} dissous. {note}"
                ).strip(),
            )
    return locked


def withdraw_member(bundle, member, *, actor, note: str = "") -> Bundle:
    """Take one request out of a draft or sealed bundle; it is eligible again.

    The bundle keeps its state; sealing (or submitting) checks again that what remains is
    still a collective file the funder takes.
    """
    with transaction.atomic():
        locked = lock(bundle)
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
        found.status, found.active = M.WITHDRAWN, False
        found.save(update_fields=["status", "active"])
        if locked.state != S.DRAFT:
            advance(
                found.request_id,
                actor=actor,
                note=(
                    f"{_line_word(locked)} : retirée du dossier collectif {locked.reference}. "
                    f"{note}"
                ).strip(),
            )
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
        if locked.state == S.SEALED:
            _unseal_if_broken(locked, actor=actor)
    return locked


def _unseal_if_broken(locked: Bundle, *, actor) -> None:
    """After a withdrawal, a sealed collective that its funder would no longer take goes
    back to a proposal, saying why; its members' lines are no longer grouped."""
    members = active_members(locked)
    problems = guards.collective_problems(locked, members, timezone.localdate())
    if not problems:
        return
    apply(
        locked,
        "unseal",
        actor=None,  # the rules decide, not the person who withdrew the member
        note="À compléter ou dissoudre : " + " ".join(problems),
    )
    _advance_members(
        locked,
        members,
        actor=actor,
        note=f"{_line_word(locked)} : le dossier collectif {locked.reference} est à compléter.",
    )


def mark_ready(bundle, *, actor=None, note: str = "") -> Bundle:
    """Sealed → ready, once the documents are built (called by the documents build)."""
    with transaction.atomic():
        locked = lock(bundle)
        check(locked, "mark_ready", actor)
        apply(locked, "mark_ready", actor=actor, note=note)
    return locked


def submit_bundle(
    bundle, *, actor, note: str = "", on: date | None = None, notify: bool = True
) -> Bundle:
    """Ready → submitted: every member's request grouped → sent to the bundle's funder;
    its analysts are told after commit (``notify=False``: nobody, as in the demo)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = lock(bundle)
        check(locked, "submit", actor)
        members = active_members(locked)
        problems = guards.submission_problems(locked, members, on)
        if problems:
            raise Refused(f"Le dossier {locked.reference} ne peut pas être transmis :", problems)
        log = apply(locked, "submit", actor=actor, note=note)
        _advance_members(
            locked,
            members,
            actor=actor,
            note=(
                f"{_line_word(locked)} : transmise à {locked.funder.name} dans le dossier "
                f"collectif {locked.reference}."
            ),
            on=on,
            notify=notify,
            funder=locked.funder,
        )
        if notify:  # the job is sent once this commits
            enqueue_job(Job.Kind.NOTIFY_BUNDLE, log, created_by=actor)
    return locked


def close_bundle(bundle, *, actor, note: str = "") -> Bundle:
    """Decided → closed: the memberships release their requests (a reopened request can
    be grouped again)."""
    with transaction.atomic():
        locked = lock(bundle)
        check(locked, "close", actor)
        locked.members.filter(active=True).update(active=False)
        apply(locked, "close", actor=actor, note=note)
    return locked

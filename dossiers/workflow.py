"""Doing a transition on a funding request: the one function every interface calls.

In one transaction: lock the row, check who acts and why it may be refused, change the
state, write the history row. After commit only: notifications and other side effects.
Two people acting at once: the second waits for the lock, then finds the state changed
and gets a ``Conflict`` that says by whom and when, instead of overwriting.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django_fsm import has_transition_perm

from dossiers import permissions
from dossiers.guards import NOTE_REQUIRED, problems_for
from dossiers.models import FundingRequest, RequestState, RequestTransition
from dossiers.models.funding_request import EDITABLE
from grappe.errors import GrappeError
from workers.jobs import enqueue_job
from workers.models import Job

TRANSITIONS = (
    "submit", "resubmit", "start_review", "request_changes", "mark_eligible", "reject",
    "group", "ungroup", "send", "approve", "decline", "withdraw", "reopen",
)  # fmt: skip

# Sent in the transaction, once the history row is written: what apps above dossiers derive
# from a request's history (its deadline) changes with it, or rolls back with it.
transition_logged = Signal()


class WorkflowError(GrappeError):
    """A transition that cannot be done: refused, forbidden or overtaken."""


class Refused(WorkflowError):
    """The transition exists from this state but a guard stops it."""

    api_code = "transition_refused"


class Forbidden(WorkflowError):
    """The actor may not trigger this transition on this request."""

    api_code = "transition_forbidden"


class Conflict(WorkflowError):
    """Someone else changed the request first."""

    api_code = "conflict"


def _notify_after_commit(logs: list[RequestTransition]) -> None:
    # The job row is written with the transition; its task is sent after commit only: a
    # rolled-back transition tells no one, a broker outage loses nothing (workers.reconcile).
    for log in logs:
        enqueue_job(Job.Kind.NOTIFY_TRANSITION, log, created_by=log.actor)


def _state_label(state: str) -> str:
    return RequestState(state).label


def _changed_since(request: FundingRequest) -> str:
    last = request.history.select_related("actor").order_by("-at", "-pk").first()
    who = "le système"
    if last and last.actor:
        who = last.actor.get_full_name() or last.actor.username
    when = timezone.localtime(last.at).strftime("%d/%m/%Y à %H:%M") if last else ""
    return f"Elle est maintenant « {_state_label(request.state)} » (par {who}, le {when})."


def _lock(request_or_pk) -> FundingRequest:
    pk = getattr(request_or_pk, "pk", request_or_pk)
    return (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("campaign", "enterprise")
        .get(pk=pk)
    )


def lock_for_edit(request, *, actor, expected_version: int | None) -> FundingRequest:
    """Lock an editable request for a data change; call inside a transaction."""
    locked = _lock(request)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            "Cette demande a été modifiée par quelqu'un d'autre pendant votre saisie. "
            "Rechargez-la : vos changements n'ont pas été enregistrés."
        )
    if locked.state not in EDITABLE:
        raise Conflict(
            f"Cette demande n'est plus modifiable : elle est « {_state_label(locked.state)} »."
        )
    if actor is not None and not permissions.is_applicant(locked, actor):
        raise Forbidden("Vous ne pouvez pas modifier cette demande.")
    return locked


def perform(
    request,
    name: str,
    *,
    actor,
    note: str = "",
    expected_state: str | None = None,
    on: date | None = None,
    notify: bool = True,
    **kwargs,
) -> FundingRequest:
    """Run transition ``name``; ``actor`` None means the system. Returns the updated request.

    ``notify=False`` is for replaying a history that never happened (the demo, imports):
    the history row is written, nobody is told.
    """
    if name not in TRANSITIONS:
        raise ValueError(f"Unknown transition {name!r}")
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = _lock(request)
        if expected_state is not None and locked.state != expected_state:
            raise Conflict(
                "Cette demande a changé pendant que vous la consultiez. " + _changed_since(locked)
            )
        method = getattr(locked, name)
        if not method._django_fsm.has_transition(locked.state):
            raise Conflict(f"Action impossible : la demande est « {_state_label(locked.state)} ».")
        if actor is not None and not has_transition_perm(method, actor):
            raise Forbidden("Vous n'avez pas le droit de faire cette action sur cette demande.")
        problems = problems_for(name, locked, on, note=note, **kwargs)
        if problems:
            raise Refused("Action refusée :", problems)
        log = _apply(locked, name, actor=actor, note=note, **kwargs)
        if notify:
            _notify_after_commit([log])
    return locked


def note_line(request, *, actor, note: str) -> FundingRequest:
    """Log a change on one financing line that leaves the request's state as it is (the
    grant sent while the loan still waits): a history row from and to the same state."""
    with transaction.atomic():
        locked = _lock(request)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        RequestTransition.objects.create(
            request=locked,
            actor=actor,
            transition="note_line",
            from_state=locked.state,
            to_state=locked.state,
            note=note,
        )
    return locked


ENDS_FUNDER_ACCESS = ("reopen", "withdraw")


def _apply(locked: FundingRequest, name: str, *, actor, note: str, **kwargs) -> RequestTransition:
    from_state = locked.state
    getattr(locked, name)(**kwargs)
    if name in ENDS_FUNDER_ACCESS:
        # The funder keeps the package and the decision it recorded on the bundle, never
        # the request's new content (docs/rules.md#funder-access).
        locked.sent_to = None
    locked.version += 1
    locked.save()
    log = RequestTransition.objects.create(
        request=locked,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        note=note,
    )
    transition_logged.send(sender=RequestTransition, log=log)
    return log


def perform_many(
    requests: Iterable,
    name: str,
    *,
    actor,
    note: str = "",
    on: date | None = None,
    notify: bool = True,
    **kwargs,
) -> list[FundingRequest]:
    """The same transition on several requests, all or none (sealing a bundle, sending it).

    Locks in primary-key order so that two batches never deadlock each other.
    """
    on = on or timezone.localdate()
    pks = sorted({getattr(r, "pk", r) for r in requests})
    done = []
    with transaction.atomic():
        locked_rows = list(
            FundingRequest.objects.select_for_update(of=("self",))
            .select_related("campaign", "enterprise")
            .filter(pk__in=pks)
            .order_by("pk")
        )
        if len(locked_rows) != len(pks):
            raise Conflict("Certaines demandes n'existent plus.")
        logs = []
        for locked in locked_rows:
            method = getattr(locked, name)
            if not method._django_fsm.has_transition(locked.state):
                raise Conflict(
                    f"La demande {locked.reference} est « {_state_label(locked.state)} » : "
                    "action impossible."
                )
            if actor is not None and not has_transition_perm(method, actor):
                raise Forbidden(f"Vous n'avez pas le droit d'agir sur {locked.reference}.")
            problems = problems_for(name, locked, on, note=note, **kwargs)
            if problems:
                raise Refused(f"Action refusée pour {locked.reference} :", problems)
            logs.append(_apply(locked, name, actor=actor, note=note, **kwargs))
            done.append(locked)
        if notify:
            _notify_after_commit(logs)
    return done


@dataclass(frozen=True)
class TransitionOption:
    name: str
    target: str
    allowed: bool
    problems: list[str]


def options_for(request: FundingRequest, user, *, on: date | None = None) -> list[TransitionOption]:
    """What ``user`` could do now, with reasons for what is refused (for the portals)."""
    on = on or timezone.localdate()
    options = []
    for name in TRANSITIONS:
        method = getattr(request, name)
        meta = method._django_fsm
        if not meta.has_transition(request.state) or not has_transition_perm(method, user):
            continue
        if name in ("group", "ungroup", "send", "approve", "decline"):
            continue  # driven by the bundle, never from a request's own page
        problems = problems_for(name, request, on, note="x" if name in NOTE_REQUIRED else "")
        target = meta.get_transition(request.state).target
        options.append(TransitionOption(name, target, not problems, problems))
    return options

"""Instruction deadlines: kept in step with each request's history, acted on once at expiry.

``on_transition`` runs inside every transition's transaction (``dossiers.workflow``'s
``transition_logged``), so a request's deadline is never out of step with its history.
``act_on_expired`` is the daily job: at expiry it does what the rule says through
``dossiers.workflow.perform`` as the system actor. Exactly once: it locks the request
then its deadline, and acts only on a deadline still running, so a second worker or a
second run of the beat finds it done. See docs/rules.md#instruction-deadlines.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.formatting import format_date
from dossiers.models import FundingRequest, RequestState, RequestTransition
from dossiers.workflow import WorkflowError, perform
from timerules import clock
from timerules.models import DeadlineRule, DeadlineStatus, RequestDeadline, Stage
from workers.delivery import tell

logger = logging.getLogger(__name__)

A = DeadlineRule.Action
NOTICE_DAYS = (30, 7)  # reminders to the people who must answer, J-30 and J-7
OPEN = (DeadlineStatus.RUNNING, DeadlineStatus.SUSPENDED)
DONE = (DeadlineStatus.ACTED, DeadlineStatus.FAILED)


def history_of(request_id: int) -> list[tuple[date, str, str]]:
    rows = (
        RequestTransition.objects.filter(request_id=request_id)
        .order_by("at", "pk")
        .values_list("at", "transition", "to_state")
    )
    return [(timezone.localtime(at).date(), name, state) for at, name, state in rows]


def on_transition(sender, log: RequestTransition, **kwargs) -> None:
    recompute(log.request_id, log.request.campaign_id)


def recompute(request_id: int, campaign_id: int) -> RequestDeadline | None:
    """Derive the request's deadline from its history and its campaign's rules."""
    rules = list(DeadlineRule.objects.filter(campaign_id=campaign_id).order_by("pk"))
    existing = RequestDeadline.objects.filter(request_id=request_id).first()
    if not rules and existing is None:
        return None
    history = history_of(request_id)
    for rule in rules:
        found = rule.clock_for(history)
        if found.status != clock.STOPPED:
            return _store(request_id, existing, rule, found)
    if existing is None or existing.status in DONE:
        return existing
    existing.status, existing.due_on, existing.paused_since = DeadlineStatus.STOPPED, None, None
    existing.save(update_fields=["status", "due_on", "paused_since", "updated_at"])
    return existing


def _store(request_id, existing, rule, found: clock.Clock) -> RequestDeadline:
    if (
        existing is not None
        and existing.status in DONE
        and existing.rule_id == rule.pk
        and existing.due_on == found.due_on
    ):
        return existing  # this very deadline was acted on: it stays done
    fields = {
        "rule": rule,
        "status": found.status,
        "started_on": found.started_on,
        "due_on": found.due_on,
        "paused_since": found.paused_since,
        "paused_days": found.paused_days,
        "acted_at": None,
        "outcome": "",
    }
    row, _created = RequestDeadline.objects.update_or_create(request_id=request_id, defaults=fields)
    return row


# --- At expiry ------------------------------------------------------------------------------


def act_on_expired(*, today: date) -> dict:
    """Act on every running deadline due by ``today``; returns counts."""
    due = RequestDeadline.objects.filter(status=DeadlineStatus.RUNNING, due_on__lte=today)
    counts = {"acted": 0, "failed": 0, "skipped": 0}
    for request_id in due.order_by("due_on", "pk").values_list("request_id", flat=True):
        counts[act_on(request_id, today=today)] += 1
    return counts


def act_on(request_id: int, *, today: date) -> str:
    with transaction.atomic():
        # The request first, as every transition does: never the other way round.
        if not FundingRequest.objects.select_for_update().filter(pk=request_id).exists():
            return "skipped"
        row = (
            RequestDeadline.objects.select_for_update(of=("self",))
            .select_related("rule", "request__campaign")
            .filter(request_id=request_id, status=DeadlineStatus.RUNNING, due_on__lte=today)
            .first()
        )
        if row is None:
            return "skipped"  # done by another worker or an earlier run, or no longer due
        rule, due_on = row.rule, row.due_on
        try:
            with transaction.atomic():
                outcome = _carry_out(row, today)
        except WorkflowError as refused:
            outcome = " ".join([refused.message, *refused.problems])
            status = DeadlineStatus.FAILED
            logger.warning("Deadline of request %s: action refused: %s", request_id, outcome)
        else:
            status = DeadlineStatus.ACTED
        RequestDeadline.objects.filter(pk=row.pk).update(
            rule=rule, due_on=due_on, status=status, acted_at=timezone.now(), outcome=outcome
        )
    return "acted" if status == DeadlineStatus.ACTED else "failed"


def _carry_out(row: RequestDeadline, today: date) -> str:
    rule, request = row.rule, row.request
    if rule.action in (A.REMIND, A.ESCALATE):
        people = list(_people(request, managers_only=rule.action == A.ESCALATE))
        key = f"deadline-expired:{request.pk}:{row.due_on.isoformat()}"
        transaction.on_commit(lambda: _tell(people, key, "expired", request, row.due_on))
        return rule.get_action_display()
    for name, kwargs in _decision_path(rule, request):
        note = rule.legal_reason
        if name == "start_review":
            note = "Instruction ouverte par le système à l'échéance du délai."
        perform(request, name, actor=None, note=note, on=today, **kwargs)
    return rule.get_action_display()


def _decision_path(rule: DeadlineRule, request: FundingRequest) -> list[tuple[str, dict]]:
    S = RequestState
    if rule.stage == Stage.INSTRUCTION:
        final = "mark_eligible" if rule.action == A.ACCEPT else "reject"
        path = [("start_review", {})] if request.state == S.SUBMITTED else []
        return [*path, (final, {})]
    if rule.action == A.ACCEPT:
        return [("approve", {"amount": request.grant_amount + request.loan_amount})]
    return [("decline", {"reason": rule.legal_reason})]


# --- Notices ---------------------------------------------------------------------------------


def send_notices(*, today: date) -> int:
    """J-30 and J-7 reminders to whoever must answer; the key holds the deadline's date,
    so a run missed is caught up the next day and a moved deadline is announced anew."""
    horizon = today + timedelta(days=max(NOTICE_DAYS))
    rows = RequestDeadline.objects.filter(
        status=DeadlineStatus.RUNNING, due_on__gt=today, due_on__lte=horizon
    ).select_related("request__campaign", "rule")
    sent = 0
    for row in rows:
        notice = min(days for days in NOTICE_DAYS if (row.due_on - today).days <= days)
        key = f"deadline-notice:{row.request_id}:{row.due_on.isoformat()}:J-{notice}"
        action = row.rule.get_action_display()
        people = _people(row.request)
        sent += _tell(people, key, "notice", row.request, row.due_on, action=action, today=today)
    return sent


def _people(request: FundingRequest, *, managers_only: bool = False):
    R = User.Role
    if request.state == RequestState.SENT and not managers_only:
        people = User.objects.filter(organisation_id=request.sent_to_id, role=R.FUNDER_OFFICER)
    else:
        roles = [R.FEDERATION_MANAGER] if managers_only else [R.FEDERATION_OFFICER]
        roles += [] if managers_only else [R.FEDERATION_MANAGER]
        people = User.objects.filter(organisation_id=request.campaign.federation_id, role__in=roles)
    return people.filter(is_active=True).exclude(email="")


TEXTS = {
    "fr": {
        "notice": (
            "Grappe : la demande {ref} arrive à échéance le {due}",
            "Bonjour,\n\nLe délai de la demande {ref} ({title}) expire le {due}, dans {days} "
            "jour(s). À cette date : {action}.\n\nTraitez-la depuis votre espace Grappe.\n",
        ),
        "expired": (
            "Grappe : le délai de la demande {ref} a expiré le {due}",
            "Bonjour,\n\nLe délai de la demande {ref} ({title}) a expiré le {due} sans "
            "réponse.\n\nTraitez-la sans attendre depuis votre espace Grappe.\n",
        ),
    },
    "en": {
        "notice": (
            "Grappe: request {ref} is due on {due}",
            "Hello,\n\nThe time limit of request {ref} ({title}) ends on {due}, in {days} "
            "day(s). On that date: {action}.\n\nHandle it from your Grappe space.\n",
        ),
        "expired": (
            "Grappe: the time limit of request {ref} ended on {due}",
            "Hello,\n\nThe time limit of request {ref} ({title}) ended on {due} without an "
            "answer.\n\nPlease handle it from your Grappe space.\n",
        ),
    },
}


def _tell(people, key, text, request, due_on, *, action="", today=None) -> int:
    def compose(person):
        language = "en" if (translation.get_language() or "fr").startswith("en") else "fr"
        subject, body = TEXTS[language][text]
        values = {
            "ref": request.reference,
            "title": request.project_title,
            "due": format_date(due_on),
            "days": (due_on - today).days if today else 0,
            "action": action,
        }
        return subject.format(**values), body.format(**values)

    return tell(people, key=key, compose=compose)


# --- In plain words --------------------------------------------------------------------------


@dataclass(frozen=True)
class Plain:
    tone: str  # "info", "warning" or "done": how the page shows it
    text: str


def in_plain_words(deadline: RequestDeadline | None, *, today: date) -> Plain | None:
    """What the request page says about the deadline, in the reader's language."""
    if deadline is None or deadline.status == DeadlineStatus.STOPPED:
        return None
    rule = deadline.rule
    action = rule.get_action_display()
    stage = rule.get_stage_display()
    if deadline.status == DeadlineStatus.SUSPENDED:
        resume = (
            _("Il reprendra là où il s'était arrêté dès le dépôt des compléments.")
            if rule.on_changes == DeadlineRule.OnChanges.PAUSE
            else _("Il repartira de zéro au dépôt des compléments.")
        )
        text = _("Délai (%(stage)s) suspendu depuis le %(since)s : des compléments sont attendus.")
        return Plain("info", text % {"stage": stage, "since": format_date(deadline.paused_since)}
                     + " " + resume)  # fmt: skip
    due = format_date(deadline.due_on)
    if deadline.status == DeadlineStatus.ACTED:
        text = _("Délai (%(stage)s) expiré le %(due)s : %(action)s, faite par le système.")
        return Plain("done", text % {"stage": stage, "due": due, "action": action})
    if deadline.status == DeadlineStatus.FAILED:
        text = _("Délai (%(stage)s) expiré le %(due)s : %(action)s impossible (%(why)s).")
        why = deadline.outcome
        return Plain("warning", text % {"stage": stage, "due": due, "action": action, "why": why})
    days = (deadline.due_on - today).days
    text = _(
        "Délai (%(stage)s) : échéance le %(due)s, dans %(days)s jour(s). "
        "Sans réponse d'ici là : %(action)s."
    )
    words = text % {"stage": stage, "due": due, "days": days, "action": action}
    if deadline.paused_days:
        words += " " + _("Prolongé de %(n)s jour(s) de compléments.") % {"n": deadline.paused_days}
    return Plain("warning" if days <= 7 else "info", words)


def upcoming_for(user, *, today: date, horizon_days: int = 60):
    """The open deadlines ``user`` may see, soonest first (the dashboard)."""
    visible = FundingRequest.objects.visible_to(user)
    return (
        RequestDeadline.objects.filter(request__in=visible)
        .filter(status__in=[*OPEN, DeadlineStatus.FAILED])
        .exclude(due_on__gt=today + timedelta(days=horizon_days))
        .select_related("request__campaign", "request__enterprise", "rule")
        .order_by("due_on", "request__reference")
    )


# --- A whole campaign at once ----------------------------------------------------------------

BULK = 5000


def recompute_campaign(campaign_id: int, *, progress=None) -> int:
    """Recompute the deadline of every request of a campaign (its rules were changed).

    One pass over the campaign's history in (request, time) order, through a server-side
    cursor: memory holds one batch, whatever the campaign's size. Deadlines already acted
    on are kept, as ``recompute`` keeps them; open ones the pass did not write are stopped.
    """
    with transaction.atomic():
        started = timezone.now()
        count = _recompute_campaign(campaign_id, started, progress)
        RequestDeadline.objects.filter(
            request__campaign_id=campaign_id, status__in=OPEN, updated_at__lt=started
        ).update(status=DeadlineStatus.STOPPED, due_on=None, paused_since=None)
    return count


def _history_rows(campaign_id: int):
    """(request id, local day, transition, state) in order, straight from the cursor (the
    ORM's per-row conversions cost more than the arithmetic at a million requests)."""
    query = (
        RequestTransition.objects.filter(request__campaign_id=campaign_id)
        .order_by("request_id", "at", "pk")
        .values_list("request_id", TruncDate("at"), "transition", "to_state")
    )
    sql, params = query.query.sql_with_params()
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        cursor = connection.connection.cursor(name="timerules_history")  # server-side
        cursor.itersize = BULK * 4
    else:
        cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        for request_id, day, name, state in cursor:
            yield request_id, date.fromisoformat(day) if isinstance(day, str) else day, name, state
    finally:
        cursor.close()


def _recompute_campaign(campaign_id: int, started, progress) -> int:
    rules = list(DeadlineRule.objects.filter(campaign_id=campaign_id).order_by("pk"))
    done = {
        request_id: (rule_id, due_on)
        for request_id, rule_id, due_on in RequestDeadline.objects.filter(
            request__campaign_id=campaign_id, status__in=DONE
        ).values_list("request_id", "rule_id", "due_on")
    }
    batch, count, current, history = [], 0, None, []
    for request_id, day, name, state in _history_rows(campaign_id):
        if request_id != current:
            if current is not None:
                batch += _bulk_row(current, history, rules, done)
            current, history = request_id, []
        history.append((day, name, state))
        if len(batch) >= BULK:
            count += _write(batch, started)
            batch = []
            if progress:
                progress(count)
    if current is not None:
        batch += _bulk_row(current, history, rules, done)
    return count + _write(batch, started)


def _bulk_row(request_id, history, rules, done) -> list[tuple]:
    for rule in rules:
        found = rule.clock_for(history)
        if found.status == clock.STOPPED:
            continue
        if done.get(request_id) == (rule.pk, found.due_on):
            return []
        return [
            (request_id, rule.pk, found.status, found.started_on, found.due_on,
             found.paused_since, found.paused_days)
        ]  # fmt: skip
    return []


COLUMNS = "request_id, rule_id, status, started_on, due_on, paused_since, paused_days"
UPSERT = (
    "INSERT INTO timerules_requestdeadline "  # noqa: S608 (constant text, no input)
    "(request_id, rule_id, status, started_on, due_on, paused_since, paused_days, "
    "acted_at, outcome, updated_at) "
    "SELECT request_id, rule_id, status, started_on, due_on, paused_since, paused_days, "
    "NULL, '', %s FROM timerules_deadline_load "
    "ON CONFLICT (request_id) DO UPDATE SET rule_id = EXCLUDED.rule_id, "
    "status = EXCLUDED.status, started_on = EXCLUDED.started_on, "
    "due_on = EXCLUDED.due_on, paused_since = EXCLUDED.paused_since, "
    "paused_days = EXCLUDED.paused_days, acted_at = NULL, outcome = '', "
    "updated_at = EXCLUDED.updated_at"
)


def _write(batch: list[tuple], started) -> int:
    if not batch:
        return 0
    if connection.vendor == "postgresql":
        return _copy(batch, started)
    rows = [
        RequestDeadline(
            request_id=request_id, rule_id=rule_id, status=status, started_on=started_on,
            due_on=due_on, paused_since=paused_since, paused_days=paused_days,
            acted_at=None, outcome="",
        )
        for request_id, rule_id, status, started_on, due_on, paused_since, paused_days in batch
    ]  # fmt: skip
    fields = ["rule", "status", "started_on", "due_on", "paused_since", "paused_days"]
    fields += ["acted_at", "outcome", "updated_at"]
    RequestDeadline.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["request"], update_fields=fields
    )
    return len(batch)


def _copy(batch: list[tuple], started) -> int:
    """PostgreSQL: COPY into a scratch table, then one upsert (an ORM upsert of a
    million rows takes minutes, this takes seconds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS timerules_deadline_load (request_id bigint, "
            "rule_id bigint, status text, started_on date, due_on date, paused_since date, "
            "paused_days integer) ON COMMIT DROP"
        )
        with cursor.copy(f"COPY timerules_deadline_load ({COLUMNS}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
        cursor.execute(UPSERT, [started])
        cursor.execute("TRUNCATE timerules_deadline_load")
    return len(batch)

"""What is sent, to whom: building the events and the deliveries of each.

Everything starts from one request history row (``emit_for_transition``), run by the
transition's webhook job (``webhooks.tasks.emit_webhooks``, queued after its notices):

- every transition → ``request.state_changed`` (to the campaign's federation, and to
  the funder the request was sent to, if any);
- ``send`` → ``bundle.sent`` for each collective the request's lines went in (once per
  collective: a request is sent once every line is);
- ``approve`` / ``decline`` → ``decision.recorded`` for each line's decision.

A collective is also announced as soon as it is submitted, from its own history row
(``emit_for_bundle_transition``), with the same event id.

An event's id is derived from what it is about, and a delivery is unique per endpoint and
event: running the emission twice (a retried job) sends nothing twice.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction

from dossiers.models import FundingRequest, RequestTransition
from grouping.lines import line_states
from grouping.models import Bundle, BundleMember, BundleTransition
from grouping.models.bundle import SENT
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

NAMESPACE = uuid.UUID("1f6b0a52-3a53-4c8e-9a4e-6a7c1b2f0d11")


def event_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def emit(
    event: str, *, key: str, organisation_ids: Iterable[int | None], data: dict, at: datetime
) -> list[int]:
    """Record ``event`` for every active endpoint of these organisations that wants it;
    returns the new deliveries (none for an event already emitted), for the caller to send."""
    ident = event_id(key)
    payload = {"id": str(ident), "type": event, "created_at": at.isoformat(), "data": data}
    ids = {pk for pk in organisation_ids if pk}
    created = []
    for endpoint in WebhookEndpoint.objects.filter(organisation_id__in=ids, is_active=True):
        if event not in endpoint.events:
            continue
        delivery = _create(endpoint, event, ident, payload)
        if delivery is not None:
            created.append(delivery.pk)
    return created


def _create(
    endpoint: WebhookEndpoint, event: str, ident: uuid.UUID, payload: dict
) -> WebhookDelivery | None:
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.create(
                endpoint=endpoint, event=event, event_id=ident, payload=payload
            )
    except IntegrityError:
        return None  # already emitted


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def emit_for_transition(transition_id: int) -> list[int]:
    log = (
        RequestTransition.objects.select_related("request__campaign")
        .filter(pk=transition_id)
        .first()
    )
    if log is None:
        return []
    request = log.request
    parties = (request.campaign.federation_id, request.sent_to_id)
    queued = emit(
        Event.REQUEST_STATE_CHANGED,
        key=f"request.state_changed:{log.pk}",
        organisation_ids=parties,
        at=log.at,
        data={
            "request": {
                "reference": request.reference,
                "campaign": request.campaign.reference,
                "state": request.state,
            },
            "transition": log.transition,
            "from_state": log.from_state,
            "to_state": log.to_state,
            "at": log.at.isoformat(),
        },
    )
    if log.transition == "send":
        queued += _bundles_sent(log)
    elif log.transition in ("approve", "decline"):
        queued += _decisions_recorded(log)
    return queued


def _current_lines(request_id: int) -> list:
    """The membership holding each financed line of the request now (or that decided it)."""
    request = FundingRequest.objects.get(pk=request_id)
    return [state.member for state in line_states(request) if state.member is not None]


def _bundles_sent(log: RequestTransition) -> list[int]:
    """``bundle.sent`` for each collective the request's lines were sent in.

    A request is "sent" once every financed line is: a grant collective sent before the
    lender bundle is announced then, with its own event id (once per bundle)."""
    latest = (
        BundleMember.objects.filter(request_id=log.request_id, bundle__state__in=SENT)
        .order_by("-bundle__submitted_at", "-pk")
        .values_list("bundle_id", flat=True)
        .first()
    )
    bundle_ids = [m.bundle_id for m in _current_lines(log.request_id)]
    if latest is not None and latest not in bundle_ids:
        bundle_ids.append(latest)
    queued: list[int] = []
    bundles = Bundle.objects.select_related("campaign", "funder", "twin").filter(
        pk__in=bundle_ids, state__in=SENT, submitted_at__isnull=False
    )
    for bundle in bundles.order_by("submitted_at", "pk"):
        queued += _bundle_sent(bundle)
    return queued


def emit_for_bundle_transition(transition_id: int) -> list[int]:
    """``bundle.sent`` as soon as a collective is submitted (a bundle history row), without
    waiting for the members' requests to be sent: for the job that tells a bundle's step
    (``grouping.tasks.notify_bundle``). Same event id as the one the requests' ``send``
    gives, so a receiver gets it once whichever comes first."""
    log = (
        BundleTransition.objects.select_related(
            "bundle__campaign", "bundle__funder", "bundle__twin"
        )
        .filter(pk=transition_id, transition="submit")
        .first()
    )
    if log is None or log.bundle.submitted_at is None:
        return []
    return _bundle_sent(log.bundle)


def _bundle_sent(bundle) -> list[int]:
    return emit(
        Event.BUNDLE_SENT,
        key=f"bundle.sent:{bundle.pk}:{bundle.submitted_at.isoformat()}",
        organisation_ids=(bundle.funder_id, bundle.campaign.federation_id),
        at=bundle.submitted_at,
        data={
            "bundle": {
                "reference": bundle.reference,
                "campaign": bundle.campaign.reference,
                "funder": bundle.funder.name,
                "member_count": bundle.member_count,
                "loan_total": _money(bundle.loan_total),
                "grant_total": _money(bundle.grant_total),
                "submitted_at": bundle.submitted_at.isoformat(),
                # Added with the two kinds of collective (docs/api.md#webhooks).
                "kind": bundle.kind,
                "line": bundle.kind,
                "line_total": _money(bundle.line_total),
                "twin": bundle.twin.reference if bundle.twin_id else None,
                "guarantor": bundle.guarantor,
                "guarantee_share": _money(bundle.guarantee_share),
            }
        },
    )


def _decisions_recorded(log: RequestTransition) -> list[int]:
    """``decision.recorded`` for the decision that decided the request and for any other
    line decided before it (a request is decided once every line is), each to its own
    collective's funder and the federation."""
    last = (
        BundleMember.objects.select_related("bundle__campaign", "request")
        .filter(request_id=log.request_id, decided_at__isnull=False)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if last is None:
        return []
    queued = _decision_recorded(log, last, key=f"decision.recorded:{log.pk}")
    for member in _current_lines(log.request_id):
        if member.pk == last.pk or member.decided_at is None:
            continue
        member = BundleMember.objects.select_related("bundle__campaign", "request").get(
            pk=member.pk
        )
        queued += _decision_recorded(log, member, key=f"decision.recorded:{log.pk}:{member.pk}")
    return queued


def _decision_recorded(log: RequestTransition, member, *, key: str) -> list[int]:
    bundle = member.bundle
    return emit(
        Event.DECISION_RECORDED,
        key=key,
        organisation_ids=(bundle.funder_id, bundle.campaign.federation_id),
        at=log.at,
        data={
            "bundle": {
                "reference": bundle.reference,
                "state": bundle.state,
                "outcome": bundle.outcome,
                "kind": bundle.kind,
            },
            "member": {
                "request": member.request.reference,
                "decision": member.status,
                "amount": _money(member.decided_amount),
                "reason": member.decision_reason,
                "decided_at": member.decided_at.isoformat(),
                # Added with the decisions per line (docs/api.md#webhooks).
                "line": member.line,
                "asked": _money(member.asked),
                "decline_code": member.decline_code,
                "grant_act_date": _date(member.grant_act_date),
                "loan_duration_months": member.loan_duration_months,
                "loan_rate": None if member.loan_rate is None else f"{member.loan_rate:.3f}",
                "loan_deferral_months": member.loan_deferral_months,
                "guarantor": member.guarantor,
                "guarantee_share": _money(member.guarantee_share),
                "guaranteed_amount": _money(member.guaranteed_amount),
                "guarantee_fee": _money(member.guarantee_fee),
            },
        },
    )


def _date(value) -> str | None:
    return None if value is None else value.isoformat()

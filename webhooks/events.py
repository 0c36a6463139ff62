"""What is sent, to whom: building the events and the deliveries of each.

Everything starts from one request history row (``emit_for_transition``), run by the
transition's webhook job (``webhooks.tasks.emit_webhooks``, queued after its notices):

- every transition → ``request.state_changed`` (to the campaign's federation, and to
  the funder the request was sent to, if any);
- ``send`` → ``bundle.sent`` for the bundle the request went in (once per bundle);
- ``approve`` / ``decline`` → ``decision.recorded`` for the member.

An event's id is derived from what it is about, and a delivery is unique per endpoint and
event: running the emission twice (a retried job) sends nothing twice.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction

from dossiers.models import RequestTransition
from grouping.models import BundleMember
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
        queued += _bundle_sent(log)
    elif log.transition in ("approve", "decline"):
        queued += _decision_recorded(log)
    return queued


def _bundle_sent(log: RequestTransition) -> list[int]:
    member = (
        BundleMember.objects.select_related("bundle__campaign", "bundle__funder")
        .filter(request_id=log.request_id, bundle__state__in=SENT)
        .order_by("-bundle__submitted_at", "-pk")
        .first()
    )
    if member is None or member.bundle.submitted_at is None:
        return []
    bundle = member.bundle
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
            }
        },
    )


def _decision_recorded(log: RequestTransition) -> list[int]:
    member = (
        BundleMember.objects.select_related("bundle__campaign", "request")
        .filter(request_id=log.request_id, decided_at__isnull=False)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if member is None:
        return []
    bundle = member.bundle
    return emit(
        Event.DECISION_RECORDED,
        key=f"decision.recorded:{log.pk}",
        organisation_ids=(bundle.funder_id, bundle.campaign.federation_id),
        at=log.at,
        data={
            "bundle": {
                "reference": bundle.reference,
                "state": bundle.state,
                "outcome": bundle.outcome,
            },
            "member": {
                "request": member.request.reference,
                "decision": member.status,
                "amount": _money(member.decided_amount),
                "reason": member.decision_reason,
                "decided_at": member.decided_at.isoformat(),
            },
        },
    )

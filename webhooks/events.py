"""What is sent, to whom: building the events and the deliveries of each.

Everything starts from one request history row (``emit_for_transition``), called after
commit by the transition's notification job (``dossiers.tasks.notify_transition``):

- every transition → ``request.state_changed`` (to the campaign's federation, and to
  the funder the request was sent to, if any);
- ``send`` → ``bundle.sent`` for the bundle the request went in (once per bundle);
- ``approve`` / ``decline`` → ``decision.recorded`` for the member.

An event's id is derived from what it is about, and a delivery is unique per endpoint and
event: running the emission twice (a retried job) sends nothing twice.
"""

import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from dossiers.models import RequestTransition
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

NAMESPACE = uuid.UUID("1f6b0a52-3a53-4c8e-9a4e-6a7c1b2f0d11")


def event_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def emit(event: str, *, key: str, organisation_ids: Iterable[int | None], data: dict, at) -> int:
    """Queue ``event`` to every active endpoint of these organisations that wants it."""
    ident = event_id(key)
    payload = {"id": str(ident), "type": event, "created_at": at.isoformat(), "data": data}
    ids = {pk for pk in organisation_ids if pk}
    queued = 0
    for endpoint in WebhookEndpoint.objects.filter(organisation_id__in=ids, is_active=True):
        if event not in endpoint.events:
            continue
        if _create(endpoint, event, ident, payload):
            queued += 1
    return queued


def _create(endpoint: WebhookEndpoint, event: str, ident: uuid.UUID, payload: dict) -> bool:
    from webhooks.tasks import deliver

    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint, event=event, event_id=ident, payload=payload
            )
    except IntegrityError:
        return False  # already emitted
    deliver.delay_on_commit(delivery.pk)
    return True


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def emit_for_transition(transition_id: int) -> int:
    log = (
        RequestTransition.objects.select_related("request__campaign")
        .filter(pk=transition_id)
        .first()
    )
    if log is None:
        return 0
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


def _bundle_sent(log: RequestTransition) -> int:
    from grouping.models import BundleMember
    from grouping.models.bundle import SENT

    member = (
        BundleMember.objects.select_related("bundle__campaign", "bundle__funder")
        .filter(request_id=log.request_id, bundle__state__in=SENT)
        .order_by("-bundle__submitted_at", "-pk")
        .first()
    )
    if member is None or member.bundle.submitted_at is None:
        return 0
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


def _decision_recorded(log: RequestTransition) -> int:
    from grouping.models import BundleMember

    member = (
        BundleMember.objects.select_related("bundle__campaign", "request")
        .filter(request_id=log.request_id, decided_at__isnull=False)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if member is None:
        return 0
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

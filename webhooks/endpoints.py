"""Registering and changing an organisation's webhook endpoints (API, portal, admin)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from accounts.models import Organisation
from webhooks import delivery, signing
from webhooks.models import Event, WebhookEndpoint
from webhooks.targets import UnsafeTarget, check_url


def _clean_events(events: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(events))
    unknown = [e for e in wanted if e not in Event.values]
    if unknown:
        raise ValidationError({"events": f"Événements inconnus : {', '.join(unknown)}."})
    if not wanted:
        raise ValidationError({"events": "Choisissez au moins un événement."})
    return wanted


def check_target(url: str) -> str:
    """``url`` if Grappe may send to it; ValidationError on ``url`` otherwise."""
    return _check(url)


def _check(url: str) -> str:
    try:
        check_url(url)
    except UnsafeTarget as exc:
        raise ValidationError({"url": str(exc)}, code="unsafe_target") from exc
    return url


def register_endpoint(
    *,
    organisation: Organisation,
    url: str,
    events: Iterable[str],
    description: str = "",
    created_by=None,
) -> tuple[WebhookEndpoint, str]:
    """Register ``url``; returns the endpoint and its signing secret (shown once)."""
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=_check(url),
        events=_clean_events(events),
        description=description,
        secret=signing.new_secret(),
        created_by=created_by,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, endpoint.secret


def update_endpoint(
    endpoint: WebhookEndpoint,
    *,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is set; re-activating starts the failure count over."""
    if url is not None:
        endpoint.url = _check(url)
    if events is not None:
        endpoint.events = _clean_events(events)
    if description is not None:
        endpoint.description = description
    endpoint.full_clean()
    endpoint.save(update_fields=["url", "events", "description"])
    if is_active is True and not endpoint.is_active:
        delivery.enable_endpoint(endpoint)
    elif is_active is False and endpoint.is_active:
        delivery.disable_endpoint(endpoint, reason="Désactivé par l'organisation.", notify=False)
    return endpoint

"""Sending one delivery, retrying with backoff, disabling an endpoint that keeps failing.

One attempt: claim the row (a conditional UPDATE, so two workers never send it twice),
check the address again, POST the signed body to the checked address within a total
deadline, record what came back if the claim still holds. A failure schedules the next
attempt (exponential backoff) until
``WEBHOOKS_MAX_ATTEMPTS``; ``WEBHOOKS_DISABLE_AFTER_FAILURES`` failed attempts in a row on
one endpoint disable it and tell its organisation by e-mail.
"""

import contextlib
import http.client
import json
import random
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from webhooks import signing
from webhooks.models import DUE, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from webhooks.targets import Target, UnsafeTarget, check_url

S = DeliveryStatus
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600
RESPONSE_KEEP_BYTES = 2000
USER_AGENT = "Grappe-Webhooks/1"


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 1, 2, 4, 8… minutes (capped), +≤10 %."""
    delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay + random.uniform(0, delay / 10))


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# --- HTTP to the checked address only -----------------------------------------------------


class Deadline:
    """One attempt's total time: connect, send and read together (docs/rules.md#webhooks).

    A socket timeout bounds each operation alone: a receiver sending a byte every 0.8 s
    held an attempt for 85 s. Each connection gets the time left for its connect, then a
    timer shuts its socket down when the attempt's time is up, ending any send or read.
    """

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._timers: list[threading.Timer] = []

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError("Délai total de l'envoi dépassé.")
        return left

    def guard(self, sock: socket.socket) -> None:
        timer = threading.Timer(self.left(), self._cut, args=(sock,))
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def _cut(self, sock: socket.socket) -> None:
        self.expired = True
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, deadline: Deadline):
        super().__init__(host, port, timeout=deadline.left())
        self._address = address
        self._deadline = deadline

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), self._deadline.left())
        self._deadline.guard(sock)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        sock = self._open()
        # Certificate checked against the host name, not the address connected to.
        self.sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to ``target`` (no redirects followed) within WEBHOOKS_TIMEOUT_SECONDS
    in all; returns the status and the start of the body."""
    deadline = Deadline(settings.WEBHOOKS_TIMEOUT_SECONDS)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    last_error: OSError | None = None
    try:
        for address in target.addresses:
            connection = connection_class(
                target.host, target.port, address=address, deadline=deadline
            )
            try:
                connection.request("POST", target.path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read(RESPONSE_KEEP_BYTES).decode("utf-8", "replace")
                if deadline.expired:  # the answer was cut short: it does not count
                    raise TimeoutError("Délai total de l'envoi dépassé.")
                return response.status, text
            except ConnectionRefusedError as exc:  # try the host's next address
                last_error = exc
            except (OSError, http.client.HTTPException) as exc:
                if deadline.expired:
                    raise TimeoutError("Délai total de l'envoi dépassé.") from exc
                raise
            finally:
                connection.close()
    finally:
        deadline.cancel()
    raise last_error or OSError("No address to connect to.")


# --- One attempt ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_at: datetime | None = None


def headers_for(delivery: WebhookDelivery, body: bytes, *, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Grappe-Event": delivery.event,
        "Grappe-Event-Id": str(delivery.event_id),
        "Grappe-Delivery": str(delivery.delivery_id),
        signing.HEADER: signing.header_value(delivery.endpoint.secret, body, timestamp),
    }


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (
        WebhookDelivery.objects.filter(due, pk=delivery_id, status__in=DUE).update(
            status=S.DELIVERING, attempts=F("attempts") + 1, last_attempt_at=now
        )
        == 1
    )


def attempt_delivery(delivery_id: int, *, now: datetime | None = None) -> Outcome | None:
    """Make the next attempt of a due delivery; None if it is not due (or already sent)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__organisation").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return _finish(delivery, S.FAILED, error="Point de réception désactivé : envoi annulé.")
    if not endpoint.secret:  # anyone could forge an empty key's signature
        return _finish(delivery, S.FAILED, error="Point de réception sans secret : envoi annulé.")
    body = encode(delivery.payload)
    code, error = None, ""
    try:
        target = check_url(endpoint.url)
        code, text = post(target, body, headers_for(delivery, body, timestamp=int(now.timestamp())))
        if not 200 <= code < 300:
            error = f"Réponse HTTP {code} : {text[:500]}"
    except UnsafeTarget as exc:
        error = str(exc)
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__} : {exc}"[:1000]
    if not error:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return _finish(delivery, S.SUCCEEDED, response_code=code, delivered_at=now, error="")
    return _failed(delivery, now, code=code, error=error)


def _finish(delivery: WebhookDelivery, status: str, **fields) -> Outcome:
    """Record the attempt's outcome, if the attempt still holds its claim.

    The claim is the row in DELIVERING with this attempt's number: an attempt the sweep
    took back (its worker seemed dead) and another worker claimed again records nothing.
    """
    fields.setdefault("next_attempt_at", None)
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=S.DELIVERING, attempts=delivery.attempts
    ).update(status=status, **fields)
    return Outcome(status)


def _failed(delivery: WebhookDelivery, now: datetime, *, code, error: str) -> Outcome:
    endpoint = delivery.endpoint
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        endpoint.refresh_from_db(fields=["consecutive_failures", "is_active"])
        if endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES:
            disable_endpoint(
                endpoint,
                reason=f"{endpoint.consecutive_failures} échecs consécutifs ; dernier : {error}",
            )
            return _finish(delivery, S.FAILED, response_code=code, error=error)
        if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
            return _finish(delivery, S.FAILED, response_code=code, error=error)
        retry_at = now + backoff(delivery.attempts)
        _finish(delivery, S.RETRYING, response_code=code, error=error, next_attempt_at=retry_at)
    return Outcome(S.RETRYING, retry_at)


# --- Endpoint life ---------------------------------------------------------------------------


def disable_endpoint(endpoint: WebhookEndpoint, *, reason: str, notify: bool = True) -> bool:
    """Stop sending to ``endpoint`` (and tell its organisation); False if already disabled."""
    reason = reason[:300]
    done = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=timezone.now(), disabled_reason=reason
    )
    endpoint.refresh_from_db()
    if done and notify:
        transaction.on_commit(lambda: _tell_disabled(endpoint.pk))
    return bool(done)


def enable_endpoint(endpoint: WebhookEndpoint) -> None:
    """Send again (after the receiver is fixed); the failure count starts over."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, disabled_at=None, disabled_reason="", consecutive_failures=0
    )
    endpoint.refresh_from_db()


def _recipients(endpoint: WebhookEndpoint) -> list[str]:
    organisation = endpoint.organisation
    if organisation.email:
        return [organisation.email]
    people = User.objects.filter(organisation=organisation, is_active=True).exclude(email="")
    return list(people.values_list("email", flat=True))


def _tell_disabled(endpoint_id: int) -> None:
    endpoint = WebhookEndpoint.objects.select_related("organisation").get(pk=endpoint_id)
    recipients = _recipients(endpoint)
    if not recipients:
        return
    send_mail(
        "Grappe : webhook désactivé après des échecs répétés",
        (
            "Bonjour,\n\n"
            f"Grappe n'envoie plus d'événements à {endpoint.url} : {endpoint.disabled_reason}\n\n"
            "Corrigez le point de réception, puis réactivez-le depuis l'API "
            "(PATCH is_active=true) ou votre espace Grappe. Les envois manqués restent "
            "consultables et peuvent être renvoyés.\n"
        ),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def lease() -> timedelta:
    """How long a claimed attempt is left alone: its total deadline, and a margin for the
    database writes around it. An attempt older than this has lost its worker."""
    return timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS + 60)


def stalled_or_due(now: datetime | None = None) -> list[int]:
    """Deliveries a worker should pick up: due retries, and attempts a dead worker left."""
    now = now or timezone.now()
    stalled_before = now - lease()
    WebhookDelivery.objects.filter(status=S.DELIVERING, last_attempt_at__lt=stalled_before).update(
        status=S.RETRYING, next_attempt_at=now, error="Envoi interrompu : repris."
    )
    due = WebhookDelivery.objects.filter(status__in=DUE).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return list(due.order_by("pk").values_list("pk", flat=True)[:500])

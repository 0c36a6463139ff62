"""``Idempotency-Key`` on POST: a retried request gets the first response, and nothing is
created twice.

Everything happens in one transaction: claim the key (insert a row, unique per token),
run the view, store its response on the row, commit. A concurrent duplicate's insert
waits on the unique index until the first commits, then fails and replays the stored
response. A crash or a server error rolls the whole thing back, key included, so the
client may simply retry. The same key with another method, path or body is a 422.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from api.errors import ApiError
from api.models import IdempotentRequest
from api.permissions import token_of

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def fingerprint(request) -> str:
    payload = json.dumps(request.data, sort_keys=True, cls=JSONEncoder, separators=(",", ":"))
    raw = f"{request.method}\n{request.path}\n{payload}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError(
            f"En-tête {HEADER} invalide : de 1 à {MAX_KEY_LENGTH} caractères imprimables.",
            code="invalid_idempotency_key",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    return key


def _replay(stored: IdempotentRequest, print_: str) -> Response:
    if stored.fingerprint != print_:
        raise ApiError(
            "Cette clé d'idempotence a déjà servi pour une autre requête : "
            "utilisez une nouvelle clé pour une nouvelle opération.",
            code="idempotency_key_reused",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = Response(stored.response_body, status=stored.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _as_json(data):
    return json.loads(json.dumps(data, cls=JSONEncoder))


def idempotent(view, request, handler: Callable[[], Response]) -> Response:
    """Run ``handler`` (the view's POST body) at most once per token and key."""
    key = _key(request)
    token = token_of(request)
    if key is None or token is None:
        return handler()
    print_ = fingerprint(request)
    ttl = timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    IdempotentRequest.objects.filter(
        token=token, key=key, created_at__lt=timezone.now() - ttl
    ).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(token=token, key=key, fingerprint=print_)
        except IntegrityError:
            stored = IdempotentRequest.objects.filter(token=token, key=key).first()
            if stored is None:  # expired and purged between the two statements
                raise ApiError(
                    "Requête concurrente avec la même clé d'idempotence : réessayez.",
                    code="idempotency_key_in_use",
                    status_code=status.HTTP_409_CONFLICT,
                ) from None
            return _replay(stored, print_)
        try:
            with transaction.atomic():
                response = handler()
        except Exception as exc:
            # Known errors (validation, refused transition…) are answered and remembered;
            # anything else propagates and rolls the claim back with the rest.
            response = view.handle_exception(exc)
        if response.status_code >= 500:
            transaction.set_rollback(True)
            return response
        claim.response_status = response.status_code
        claim.response_body = _as_json(response.data)
        claim.save(update_fields=["response_status", "response_body"])
    return response


def purge_expired(now=None) -> int:
    """Forget keys older than the retention period; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted

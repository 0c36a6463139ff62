"""Every API error in one JSON shape.

    {"error": {"code": "validation_error", "message": "…", "details": [
        {"field": "enterprise.siret", "code": "invalid_siret", "message": "…"}]}}

``code`` is stable English for programs; ``message`` is French for people. Status codes:

- 400 ``validation_error`` (details name each field by its dotted path), ``parse_error``;
- 401 ``not_authenticated`` / ``authentication_failed`` (missing, unknown, expired or
  revoked token);
- 403 ``insufficient_scope`` (a read token writing), ``federation_only`` / ``funder_only``,
  ``transition_forbidden`` (the workflow's own permission check);
- 404 ``not_found`` — also for anything the token's organisation may not see;
- 409 ``conflict`` — the object's state changed or does not allow the action now;
- 422 ``transition_refused`` — the action is possible from this state but its guards
  refuse it; ``details`` lists each reason. ``idempotency_key_reused`` — same key, other body;
- 429 ``rate_limited``, with a Retry-After header.
"""

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from dossiers.workflow import Conflict, Forbidden, Refused

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error the API raises itself, with its code, status and optional details."""

    def __init__(self, message: str, *, code: str, status_code: int, details=None):
        super().__init__(message, code)
        self.status_code = status_code
        self.code = code
        self.details = details or []


DEFAULT_MESSAGES = {
    "validation_error": "Les données envoyées sont invalides.",
    "not_found": "Ressource introuvable.",
    "not_authenticated": "Authentification requise : « Authorization: Bearer <jeton> ».",
    "rate_limited": "Trop de requêtes pour ce jeton.",
}


def body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def field_details(detail, path: str = "") -> list[dict]:
    """Flatten DRF's nested error structure into one entry per field path."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                out += field_details(value, path)
            else:
                out += field_details(value, f"{path}.{key}" if path else str(key))
    elif isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in detail):
            for item in detail:
                out.append(
                    {
                        "field": path or None,
                        "code": getattr(item, "code", None) or "invalid",
                        "message": str(item),
                    }
                )
        else:
            for index, item in enumerate(detail):
                out += field_details(item, f"{path}.{index}" if path else str(index))
    else:
        out.append(
            {
                "field": path or None,
                "code": getattr(detail, "code", None) or "invalid",
                "message": str(detail),
            }
        )
    return out


def _throttle_message(exc: exceptions.Throttled) -> str:
    if exc.wait is None:
        return DEFAULT_MESSAGES["rate_limited"]
    return f"Trop de requêtes pour ce jeton : réessayez dans {max(1, math.ceil(exc.wait))} s."


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: map every known error onto the one shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))

    if isinstance(exc, Refused):
        return Response(
            body(
                exc.api_code,
                exc.message,
                [{"field": None, "code": "guard", "message": p} for p in exc.problems],
            ),
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, Conflict):
        return Response(body(exc.api_code, exc.message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Forbidden):
        return Response(body(exc.api_code, exc.message), status=status.HTTP_403_FORBIDDEN)

    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        set_rollback()
        return Response(_api_body(exc), status=exc.status_code, headers=headers)

    # A bug: answer in the same shape, but let Django's error reporting (logs, admins'
    # e-mail, the test client) see the exception as it would for any other view.
    request = context.get("request")
    logger.exception("API error", exc_info=exc)
    got_request_exception.send(sender=None, request=getattr(request, "_request", request))
    set_rollback()
    return Response(
        body("server_error", "Erreur interne : l'équipe Grappe est prévenue."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _api_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, ApiError):
        return body(exc.code, str(exc.detail), exc.details)
    if isinstance(exc, exceptions.ValidationError):
        return body(
            "validation_error", DEFAULT_MESSAGES["validation_error"], field_details(exc.detail)
        )
    if isinstance(exc, exceptions.Throttled):
        return body("rate_limited", _throttle_message(exc))
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    if isinstance(exc, exceptions.NotFound):
        return body("not_found", DEFAULT_MESSAGES["not_found"])
    if isinstance(exc, exceptions.NotAuthenticated):
        return body("not_authenticated", DEFAULT_MESSAGES["not_authenticated"])
    if isinstance(detail, dict | list):
        return body(code, str(exc.default_detail), field_details(detail))
    return body(code, str(detail))

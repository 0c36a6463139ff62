"""Request-level guards that must run before anything reads the request body."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse


def _refusal(request, status: int, code: str, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": code, "message": message, "details": []}}, status=status
        )
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """Refuse a body from its Content-Length alone, before a byte of it is read.

    Django reads a form's fields into memory up to DATA_UPLOAD_MAX_MEMORY_SIZE and streams
    files above FILE_UPLOAD_MAX_MEMORY_SIZE to disk, but only once the body is read, and
    DRF's parsers read theirs whole. Announcing 300 MB is answered 413 at once; the reverse
    proxy enforces the same bound on bodies without a length (docker-compose.yml).
    See docs/rules.md#request-bodies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        announced = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(announced)
        except ValueError:
            length = -1
        if length < 0:
            return _refusal(request, 400, "bad_request", "En-tête Content-Length invalide.")
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            return _refusal(
                request,
                413,
                "request_too_large",
                f"Requête trop volumineuse : {length} octets, la limite est {limit} octets.",
            )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Every HTML page carries CONTENT_SECURITY_POLICY: scripts and styles come only from
    the site's own static files, never inline (docs/rules.md#content-security-policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

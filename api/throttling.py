"""A request budget per token, counted in the shared cache (Redis in production)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.permissions import token_of


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str:
        # Read at each request, so the rate follows settings (and the tests' overrides).
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view) -> str | None:
        token = token_of(request)
        if token is None:
            return None  # nothing to count: the request is refused as unauthenticated
        return f"throttle:api_token:{token.pk}"

"""A request budget per token, counted atomically in the shared cache (Redis in production).

DRF's own throttles read a history, append to it and write it back: concurrent requests
of one token overwrite each other's entries, and 32 clients got four times the budget.
Here each request is one atomic increment of a fixed-window counter, in Redis through a
Lua script (INCR, and PEXPIRE on the window's first request), in process under a lock when
the cache is local. A refused request is told when the window ends (Retry-After).
See docs/rules.md#api-rate-limit.
"""

from django.conf import settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from api.permissions import token_of
from grappe.ratelimit import count_request


class TokenRateThrottle(BaseThrottle):
    """``API_RATE_LIMIT`` requests per token and window, e.g. ``600/minute``."""

    def __init__(self):
        self._wait: float | None = None

    def allow_request(self, request, view) -> bool:
        token = token_of(request)
        if token is None:
            return True  # nothing to count: the request is refused as unauthenticated
        limit, window = SimpleRateThrottle.parse_rate(None, settings.API_RATE_LIMIT)
        count, left = count_request(f"throttle:api_token:{token.pk}", window)
        if count <= limit:
            return True
        self._wait = max(left, 0.001)
        return False

    def wait(self) -> float | None:
        return self._wait

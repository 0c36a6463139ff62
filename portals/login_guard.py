"""Limits on signing in beyond django-axes' lock-out per username and address.

- Per address: a password spray tries one or two passwords on each of many usernames, which
  a per-username lock-out never sees. LOGIN_IP_FAILURE_LIMIT failed logins from one address
  within LOGIN_IP_WINDOW_MINUTES block that address for the rest of the window.
- Hashing: each check of a password (Argon2, about 100 MiB), unknown usernames included,
  takes one of LOGIN_HASH_CONCURRENCY slots of the process; a login that finds none free
  within LOGIN_HASH_WAIT_SECONDS is answered 503, so a flood cannot exhaust memory.

See docs/rules.md#login-throttling.
"""

import contextlib
import threading

from django.conf import settings

from grappe.ratelimit import count_request, peek

_slots: threading.BoundedSemaphore | None = None
_slots_size = 0
_slots_lock = threading.Lock()


def window_minutes() -> int:
    return settings.LOGIN_IP_WINDOW_MINUTES


def _key(address: str) -> str:
    return f"login:failures:{address}"


def address_blocked(address: str) -> bool:
    return peek(_key(address)) >= settings.LOGIN_IP_FAILURE_LIMIT


def count_failure(address: str) -> int:
    count, _ = count_request(_key(address), window_minutes() * 60)
    return count


def _semaphore() -> threading.BoundedSemaphore:
    global _slots, _slots_size
    with _slots_lock:
        if _slots is None or _slots_size != settings.LOGIN_HASH_CONCURRENCY:
            _slots = threading.BoundedSemaphore(settings.LOGIN_HASH_CONCURRENCY)
            _slots_size = settings.LOGIN_HASH_CONCURRENCY
        return _slots


@contextlib.contextmanager
def hashing_slot():
    """Yields True holding a slot, or False when none came free in time."""
    slots = _semaphore()
    taken = slots.acquire(timeout=settings.LOGIN_HASH_WAIT_SECONDS)
    try:
        yield taken
    finally:
        if taken:
            slots.release()

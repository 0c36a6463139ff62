"""How a delivery is signed, and how a receiver checks it.

    Grappe-Signature: t=1763900000,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>

``t`` is the Unix time of sending; ``body`` the exact bytes received. A receiver recomputes
the HMAC with its endpoint's secret, compares in constant time, and refuses a ``t`` more
than a few minutes old (a replayed capture). ``verify`` is that check, for our tests and
as the reference for receivers' own code.
"""

import hashlib
import hmac
import secrets
import time

HEADER = "Grappe-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a public marker, not a secret)
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(ValueError):
    pass


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header_value(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check ``header`` against ``body``; returns the signed timestamp or raises."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError) as exc:
        raise InvalidSignature("No timestamp in the signature header.") from exc
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("Signature timestamp outside the tolerance.")
    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise InvalidSignature("Signature does not match.")
    return timestamp

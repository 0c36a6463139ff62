"""The signature a receiver checks: HMAC-SHA256 over ``timestamp + "." + body``."""

import hashlib
import hmac

import pytest

from webhooks import signing

SECRET = "whsec_test"
BODY = b'{"type":"bundle.sent","data":{"bundle":{"reference":"DC-2026-0001"}}}'


def test_the_header_is_the_documented_hmac():
    header = signing.header_value(SECRET, BODY, timestamp=1_763_900_000)

    expected = hmac.new(SECRET.encode(), b"1763900000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1763900000,v1={expected}"


def test_verify_accepts_a_fresh_genuine_signature():
    header = signing.header_value(SECRET, BODY, timestamp=1_000)

    assert signing.verify(SECRET, header, BODY, now=1_100) == 1_000


@pytest.mark.parametrize(
    "secret, body, now",
    [
        ("whsec_other", BODY, 1_100),  # another endpoint's secret
        (SECRET, BODY + b" ", 1_100),  # body changed on the way
        (SECRET, BODY, 1_000 + 301),  # replayed after the tolerance
    ],
)
def test_verify_refuses_anything_else(secret, body, now):
    header = signing.header_value(SECRET, BODY, timestamp=1_000)

    with pytest.raises(signing.InvalidSignature):
        signing.verify(secret, header, body, now=now)


@pytest.mark.parametrize("header", ["", "v1=abc", "t=soon,v1=abc"])
def test_verify_refuses_a_malformed_header(header):
    with pytest.raises(signing.InvalidSignature):
        signing.verify(SECRET, header, BODY, now=1_000)

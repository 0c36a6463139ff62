"""The README's webhook signature check accepts what Grappe sends and refuses tampering."""

import re
import time
from pathlib import Path

from webhooks.signing import header_value

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verify():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(import hashlib.*?def verify.*?)```", text, re.S)
    assert block, "README.md lost its webhook signature example"
    namespace: dict = {}
    exec(block.group(1), namespace)  # noqa: S102 - our own README, run to keep it honest
    return namespace["verify"]


def test_the_readme_example_accepts_a_delivery_signed_by_grappe():
    verify = readme_verify()
    body = b'{"event": "bundle.sent", "data": {"reference": "GRP-2026-0001"}}'
    header = header_value("whsec_test", body, int(time.time()))
    assert verify("whsec_test", header, body)


def test_the_readme_example_refuses_a_changed_body_or_an_old_timestamp():
    verify = readme_verify()
    body = b'{"event": "bundle.sent"}'
    assert not verify("whsec_test", header_value("whsec_test", body, int(time.time())), b"{}")
    old = header_value("whsec_test", body, int(time.time()) - 3600)
    assert not verify("whsec_test", old, body)

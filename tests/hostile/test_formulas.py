"""Formula payloads in every disguise are neutralised in the CSV and XLSX exports
(docs/rules.md#formula-injection)."""

import pytest

from exports.xlsx_annex import neutralise

DISGUISES = [
    '\ufe66HYPERLINK("http://evil.example")',  # SMALL EQUALS SIGN
    "\ufe62cmd",  # SMALL PLUS SIGN
    "\ufe63cmd",  # SMALL HYPHEN-MINUS
    "\u200b=1+1",  # zero-width space, then a formula
    "\ufeff=1+1",  # a byte-order mark
    "|cmd /c calc",  # DDE
    "｜cmd",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("payload", DISGUISES)
def test_a_disguised_formula_is_neutralised(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("text", ["Boulangerie | Pâtisserie", "Café\u200bBar", "SARL"])
def test_text_that_only_contains_these_characters_later_is_untouched(text):
    assert neutralise(text) == text

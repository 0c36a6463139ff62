"""Amounts written for a reader: French by default, English for an English reader."""

from decimal import Decimal

import pytest

from dossiers.formatting import euros_for_reader


@pytest.mark.parametrize(
    ("language", "value", "written"),
    [
        ("fr", Decimal("24000"), "24\u202f000,00\u00a0€"),
        (None, 1234567, "1\u202f234\u202f567,00\u00a0€"),
        ("en", Decimal("24000"), "€24,000.00"),
        ("en-gb", Decimal("0.005"), "€0.01"),
        ("en", Decimal("-1500.5"), "-€1,500.50"),
    ],
)
def test_an_amount_is_written_the_readers_way(language, value, written):
    assert euros_for_reader(value, language) == written

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dossiers.formatting import euros, format_date, format_number
from exports.formatting import format_datetime, format_size, parse_amount

NNBSP, NBSP = "\u202f", "\u00a0"


def test_an_amount_reads_the_french_way():
    assert euros(Decimal("12500")) == f"12{NNBSP}500,00{NBSP}€"
    assert euros(Decimal("1234567.891")) == f"1{NNBSP}234{NNBSP}567,89{NBSP}€"
    assert euros(Decimal("0.005")) == f"0,01{NBSP}€"  # half up, not banker's
    assert euros(Decimal("999.99")) == f"999,99{NBSP}€"


def test_negative_amounts_keep_their_sign_but_zero_has_none():
    assert euros(Decimal("-1500.5")) == f"-1{NNBSP}500,50{NBSP}€"
    assert euros(Decimal("-0.001")) == f"0,00{NBSP}€"


def test_a_headcount_keeps_only_its_significant_digits():
    assert format_number(Decimal("2.50"), None) == "2,5"
    assert format_number(Decimal("3.00"), None) == "3"
    assert format_number(Decimal("1200"), None) == f"1{NNBSP}200"


def test_dates_read_day_month_year():
    assert format_date(date(2026, 11, 3)) == "03/11/2026"
    assert format_date(None) == "—"


def test_an_aware_datetime_is_shown_in_paris_time():
    assert format_datetime(datetime(2026, 7, 1, 10, 5, tzinfo=UTC)) == "01/07/2026 à 12:05"
    assert format_datetime(datetime(2026, 12, 1, 10, 5, tzinfo=UTC)) == "01/12/2026 à 11:05"


def test_sizes_use_french_units():
    assert format_size(532) == f"532{NBSP}o"
    assert format_size(12_400) == f"12,4{NBSP}ko"
    assert format_size(3_100_000) == f"3,1{NBSP}Mo"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_formatting_an_amount_loses_nothing(value):
    assert parse_amount(euros(value)) == value

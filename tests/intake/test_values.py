"""Each cell is read the way a French spreadsheet holds it, and never repaired."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from intake import values
from intake.reading import EXCEL_1900, EXCEL_1904, NO_VALUE
from tests.intake.sheets import siret

GOOD = siret(7)


@pytest.mark.parametrize(
    "cell",
    [int(GOOD), float(GOOD), f"{float(GOOD):.13E}".replace(".", ","), GOOD,
     f"{GOOD[:3]} {GOOD[3:6]} {GOOD[6:9]} {GOOD[9:]}", f" {GOOD}\u00a0", f"{GOOD[:9]}.{GOOD[9:]}"],
)  # fmt: skip
def test_a_siret_is_read_from_a_number_a_float_scientific_notation_or_spaced_text(cell):
    assert values.siret(cell) == GOOD


def test_a_siret_with_a_wrong_key_is_refused_not_repaired():
    wrong = GOOD[:-1] + str((int(GOOD[-1]) + 3) % 10)
    with pytest.raises(values.BadValue, match="Luhn"):
        values.siret(wrong)


def test_a_siret_that_lost_digits_in_scientific_notation_is_refused():
    with pytest.raises(values.BadValue, match="perdu des chiffres"):
        values.siret("7,33E+13")


@pytest.mark.parametrize("cell", ["6201Z", "62.01Z", "62 01 Z", "62.01 z", " 6201z "])
def test_an_ape_code_is_read_in_any_usual_spelling(cell):
    assert values.naf(cell) == "62.01Z"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(12345, "12345.00"), (1234.5, "1234.50"), ("1 234,56 €", "1234.56"),
     ("1\u202f234,56\u00a0€", "1234.56"), ("1.234,56", "1234.56"), ("1234.56", "1234.56"),
     ("12 000 EUR", "12000.00")],
)  # fmt: skip
def test_an_amount_is_read_from_a_number_or_french_text(cell, expected):
    assert values.amount(cell) == Decimal(expected)


def test_an_amount_with_three_decimals_is_refused():
    with pytest.raises(values.BadValue):
        values.amount("12,345")


@pytest.mark.parametrize(
    ("cell", "epoch", "expected"),
    [(datetime(2019, 2, 3), EXCEL_1900, date(2019, 2, 3)),
     (43499, EXCEL_1900, date(2019, 2, 3)),
     (42037, EXCEL_1904, date(2019, 2, 3)),
     ("03/02/2019", EXCEL_1900, date(2019, 2, 3)),
     ("3.2.2019", EXCEL_1900, date(2019, 2, 3)),
     ("2019-02-03", EXCEL_1900, date(2019, 2, 3))],
)  # fmt: skip
def test_a_date_is_read_as_a_date_a_serial_in_either_system_or_day_first_text(
    cell, epoch, expected
):
    assert values.a_date(cell, epoch) == expected


def test_a_date_that_does_not_exist_is_refused():
    with pytest.raises(values.BadValue, match="n'existe pas"):
        values.a_date("31/02/2019")


def test_a_formula_cell_without_a_computed_value_is_flagged_never_guessed():
    for parse in (values.siret, values.amount, values.text, values.naf, values.a_date):
        with pytest.raises(values.BadValue, match="formule sans valeur"):
            parse(NO_VALUE)


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+33 1 23", "-1", "@SUM(A1)"])
def test_a_cell_that_looks_like_a_formula_is_kept_as_text(cell):
    assert values.text(cell) == cell

"""Amounts typed by applicants: not negative, not absurd, cents at most (validators)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dossiers.validators import validate_amount


@pytest.mark.parametrize("value", ["0", "0.01", "12500", "12500.50", "99999999.99"])
def test_it_accepts_an_ordinary_amount(value):
    validate_amount(Decimal(value))


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        ("-0.01", "negative_amount", "Un montant ne peut pas être négatif."),
        ("100000000.00", "absurd_amount", "Ce montant est hors de proportion pour une demande "
                                          "de TPE/PME ; vérifiez la saisie."),
        ("12.345", "amount_precision", "Un montant a au plus deux décimales."),
        ("0.001", "amount_precision", "Un montant a au plus deux décimales."),
    ],
)  # fmt: skip
def test_it_rejects_a_wrong_amount_and_says_why(value, code, text):
    with pytest.raises(ValidationError) as caught:
        validate_amount(Decimal(value))

    assert (caught.value.code, caught.value.messages) == (code, [text])

"""Amounts on the portals' pages, in the reader's language (a template filter and the
presenters both use it)."""

from decimal import Decimal

from django.utils import formats


def euros(value: object) -> str:
    """``12500`` -> ``12 500,00 €`` in French (no-break spaces), ``12,500.00 €`` in English."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    number = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    return f"{number}\u00a0€"

"""French display of amounts and dates, the way a bank analyst reads them: ``12 500,00 €``.

One implementation for every message, page and document. Hand-written rather than Babel
so the output never depends on the locale data installed: the same figures always print
the same characters. The separators follow CLDR's ``fr`` locale (what Babel prints): a
narrow no-break space (U+202F) between thousands and a no-break space (U+00A0) before the
currency sign, so an amount never breaks across lines. Pure Python: the grouping engine
uses it too.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

GROUP_SEPARATOR = "\u202f"
UNIT_SEPARATOR = "\u00a0"


def format_number(value: Decimal | int, places: int | None = 2) -> str:
    """``Decimal("12500.5")`` -> ``12 500,50``; ``places=None`` keeps the significant digits."""
    value = Decimal(value)
    if places is None:
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    else:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value.is_zero():
        value = abs(value)  # never print "-0,00"
    sign = "-" if value < 0 else ""
    integer, _, fraction = format(abs(value), "f").partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + GROUP_SEPARATOR.join(groups)
    return f"{text},{fraction}" if fraction else text


def euros(value: Decimal | int) -> str:
    """``Decimal("12500")`` -> ``12 500,00 €`` (rounded half up to the cent)."""
    return f"{format_number(value, 2)}{UNIT_SEPARATOR}€"


def euros_for_reader(value: Decimal | int, language: str | None) -> str:
    """An amount the way the reader writes it: ``24 000,00 €`` in French (the default),
    ``€24,000.00`` in English (e-mails are written in each recipient's language)."""
    if language and language.startswith("en"):
        amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        sign = "-" if amount < 0 else ""
        return f"{sign}€{abs(amount):,.2f}"
    return euros(value)


def euros_from_cents(cents: int) -> str:
    """``1250000`` -> ``12 500,00 €``: the grouping engine counts in integer cents."""
    return euros(Decimal(cents).scaleb(-2))


def format_date(value: date | None) -> str:
    """``date(2026, 11, 23)`` -> ``23/11/2026``; ``None`` -> ``—``."""
    if value is None:
        return "—"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"

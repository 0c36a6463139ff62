"""French formatting for the documents: ``12 500,00 €``, ``23/11/2026``.

Hand-written rather than Babel so the output never depends on the locale data installed:
the same snapshot always prints the same characters. The separators follow CLDR's ``fr``
locale (what Babel prints): a narrow no-break space (U+202F) between thousands and a
no-break space (U+00A0) before the currency sign, so an amount never breaks across lines.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

GROUP_SEPARATOR = "\u202f"
CURRENCY_SEPARATOR = "\u00a0"
PARIS = ZoneInfo("Europe/Paris")
CENT = Decimal("0.01")


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


def format_amount(value: Decimal | int) -> str:
    """``Decimal("12500")`` -> ``12 500,00 €`` (rounded half up to the cent)."""
    return f"{format_number(value, 2)}{CURRENCY_SEPARATOR}€"


def format_date(value: date | None) -> str:
    """``date(2026, 11, 23)`` -> ``23/11/2026``; ``None`` -> ``—``."""
    if value is None:
        return "—"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_datetime(value: datetime) -> str:
    """``23/11/2026 à 14:05``, in Paris time when the datetime is aware."""
    if value.tzinfo is not None:
        value = value.astimezone(PARIS)
    return f"{format_date(value)} à {value.hour:02d}:{value.minute:02d}"


def format_percent(value: Decimal, places: int = 1) -> str:
    """``Decimal("0.7")`` -> ``70,0 %``."""
    return f"{format_number(value * 100, places)}{CURRENCY_SEPARATOR}%"


def format_size(size: int) -> str:
    """A file size in French units: ``532 o``, ``12,4 ko``, ``3,1 Mo``."""
    if size < 1000:
        return f"{size}{CURRENCY_SEPARATOR}o"
    for unit, scale in (("ko", 10**3), ("Mo", 10**6), ("Go", 10**9)):
        if size < scale * 1000 or unit == "Go":
            return f"{format_number(Decimal(size) / scale, 1)}{CURRENCY_SEPARATOR}{unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def parse_amount(text: str) -> Decimal:
    """Inverse of :func:`format_amount` (used by tests and the package checks)."""
    cleaned = text.replace("€", "").replace(GROUP_SEPARATOR, "").replace(CURRENCY_SEPARATOR, "")
    return Decimal(cleaned.replace(" ", "").replace(",", "."))

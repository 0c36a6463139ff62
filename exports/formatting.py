"""French formatting for the documents, besides amounts and dates (``dossiers.formatting``):
times in Paris, percentages, file sizes, and reading an amount back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from dossiers.formatting import GROUP_SEPARATOR, UNIT_SEPARATOR, format_date, format_number

PARIS = ZoneInfo("Europe/Paris")
CENT = Decimal("0.01")


def format_datetime(value: datetime) -> str:
    """``23/11/2026 à 14:05``, in Paris time when the datetime is aware."""
    if value.tzinfo is not None:
        value = value.astimezone(PARIS)
    return f"{format_date(value)} à {value.hour:02d}:{value.minute:02d}"


def format_percent(value: Decimal, places: int = 1) -> str:
    """``Decimal("0.7")`` -> ``70,0 %``."""
    return f"{format_number(value * 100, places)}{UNIT_SEPARATOR}%"


def format_size(size: int) -> str:
    """A file size in French units: ``532 o``, ``12,4 ko``, ``3,1 Mo``."""
    if size < 1000:
        return f"{size}{UNIT_SEPARATOR}o"
    for unit, scale in (("ko", 10**3), ("Mo", 10**6), ("Go", 10**9)):
        if size < scale * 1000 or unit == "Go":
            return f"{format_number(Decimal(size) / scale, 1)}{UNIT_SEPARATOR}{unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def parse_amount(text: str) -> Decimal:
    """Inverse of :func:`dossiers.formatting.euros` (used by tests and the package checks)."""
    cleaned = text.replace("€", "").replace(GROUP_SEPARATOR, "").replace(UNIT_SEPARATOR, "")
    return Decimal(cleaned.replace(" ", "").replace(",", "."))


def guarantee_text(guarantee) -> str:
    """The guarantee a lender bundle asks for (``exports.snapshot.Guarantee`` or None):
    "Bpifrance, quotité 70 %"."""
    if guarantee is None:
        return "Aucune garantie demandée"
    if guarantee.share is None:
        return guarantee.guarantor
    return f"{guarantee.guarantor}, quotité {format_number(guarantee.share, None)}{UNIT_SEPARATOR}%"

"""French display of amounts and dates, the way a bank analyst reads them: 12 500,00 €."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # no-break space: thousands separator and before the € sign


def euros(amount: Decimal | int | float) -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{NBSP.join(groups)},{cents}{NBSP}€"


def french_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")

"""Reading one cell's value as a spreadsheet kept by hand holds it.

Each parser takes the raw cell value (``int``, ``float``, ``str``, ``date``, ``datetime``,
``None`` or ``NO_VALUE``) and returns the typed value, or raises ``BadValue`` with a plain
French reason. None of them "repairs" a value into another one: a SIRET whose key is wrong
is refused, not completed (docs/rules.md#import-values).
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from stdnum.fr import siret as stdnum_siret

from dossiers.nomenclature import NAF_PATTERN, naf_codes
from intake.reading import EXCEL_1900, NO_VALUE


class BadValue(ValueError):
    pass


_SPACES = re.compile(r"[\s\u00a0\u202f.\-']")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text. A formula-looking text (``=…``, ``+…``, ``-…``, ``@…``) is kept as
    text: it is never evaluated here, and every export neutralises it."""
    _no_formula(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _no_formula(value) -> None:
    if value is NO_VALUE:
        raise BadValue(
            "formule sans valeur calculée dans le fichier : ouvrez-le dans votre tableur, "
            "enregistrez-le, puis importez-le à nouveau"
        )


def siret(value) -> str:
    """14 digits from a number (62012345600017.0, 6.2012345600017E13) or a text with
    spaces or dots; the Luhn key is checked (La Poste's rule too)."""
    _no_formula(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise BadValue("le SIRET n'est pas un nombre entier")
        if value >= 2**53:
            # A float this large has lost digits: what is left is not the SIRET typed.
            raise BadValue("le SIRET a perdu des chiffres (nombre trop grand)")
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
    else:
        raw = str(value or "").strip()
        if re.fullmatch(r"\d(?:[.,]\d+)?[eE]\+?\d+", raw):
            # "6,2012345600017E+13": a SIRET shown in scientific notation and copied as text.
            try:
                number = Decimal(raw.replace(",", "."))
            except InvalidOperation as exc:
                raise BadValue(f"« {raw} » n'est pas un SIRET") from exc
            mantissa, exponent = re.split(r"[eE]", raw)
            written = len(re.sub(r"\D", "", mantissa))
            if number != number.to_integral_value() or written < int(exponent) + 1:
                # « 7,33E+13 » shows 3 of 14 digits: the rest is gone, never guessed as zeros.
                raise BadValue(f"« {raw} » : le SIRET a perdu des chiffres (notation scientifique)")
            digits = str(int(number))
        else:
            digits = _SPACES.sub("", raw)
    if isinstance(value, int) and len(digits) == 13:
        # A number drops the leading zero of SIRETs starting with 0: put back exactly that one.
        digits = "0" + digits
    if not digits.isdigit():
        raise BadValue(f"« {value} » : un SIRET ne contient que des chiffres")
    if len(digits) != 14:
        raise BadValue(f"« {value} » : un SIRET a 14 chiffres, pas {len(digits)}")
    if not stdnum_siret.is_valid(digits):
        raise BadValue(f"{digits} : clé de contrôle invalide (Luhn), le SIRET est mal recopié")
    return digits


def naf(value) -> str:
    """« 6201Z », « 62.01Z », « 62 01 Z », « 62.01 z » → 62.01Z, if it exists in NAF rév. 2."""
    raw = text(value).upper()
    compact = re.sub(r"[\s.\-_]", "", raw)
    if not re.fullmatch(r"\d{4}[A-Z]", compact):
        raise BadValue(f"« {raw} » n'est pas un code NAF/APE (attendu 62.01Z)")
    code = f"{compact[:2]}.{compact[2:]}"
    assert NAF_PATTERN.match(code)
    if code not in naf_codes():
        raise BadValue(f"le code NAF {code} n'existe pas dans la nomenclature NAF rév. 2")
    return code


_AMOUNT_JUNK = re.compile(r"[\s\u00a0\u202f€]|EUR|euros?", re.IGNORECASE)


def amount(value) -> Decimal:
    """12345, 12345.6, « 1 234,56 € », « 1.234,56 », « 1234.56 » → Decimal with 2 places."""
    _no_formula(value)
    if isinstance(value, bool):
        raise BadValue("un montant est attendu")
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        raw = _AMOUNT_JUNK.sub("", str(value or ""))
        if "," in raw:
            # French: dots or spaces group thousands, the comma is the decimal mark.
            raw = raw.replace(".", "").replace(",", ".")
        elif raw.count(".") > 1:
            raw = raw.replace(".", "")
        try:
            number = Decimal(raw)
        except InvalidOperation as exc:
            raise BadValue(f"« {value} » n'est pas un montant") from exc
    if not number.is_finite():
        raise BadValue(f"« {value} » n'est pas un montant")
    if number < 0:
        raise BadValue("un montant ne peut pas être négatif")
    rounded = number.quantize(Decimal("0.01"))
    if rounded != number:
        raise BadValue(f"« {value} » : un montant a au plus deux décimales")
    return rounded


def decimal(value) -> Decimal:
    """A headcount: « 2,5 », 2.5, « 3 »."""
    _no_formula(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    raw = re.sub(r"[\s\u00a0\u202f]", "", str(value or "")).replace(",", ".")
    try:
        return Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise BadValue(f"« {value} » n'est pas un nombre") from exc


_DATE_TEXT = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_ISO_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?")
SERIAL_RANGE = (1, 2958465)  # 1900-01-01 … 9999-12-31 in Excel's own limits


def a_date(value, epoch: date = EXCEL_1900) -> date:
    """A date cell, a serial number in the workbook's system (1900 or 1904), or a text
    « 03/02/2019 » (day first, as in France), « 3.2.19 » or « 2019-02-03 »."""
    _no_formula(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]) or not float(value).is_integer():
            raise BadValue(f"« {value} » n'est pas une date")
        serial = int(value)
        if epoch == EXCEL_1900 and serial < 61:
            serial += 1  # Excel counts a 29/02/1900 that never was: before it, one day less
        return epoch + timedelta(days=serial)
    raw = text(value)
    if raw.isdigit():
        return a_date(int(raw), epoch)
    found = _ISO_TEXT.fullmatch(raw)
    if found:
        year, month, day = map(int, found.groups())
    else:
        found = _DATE_TEXT.fullmatch(raw)
        if not found:
            raise BadValue(f"« {raw} » n'est pas une date (attendu jj/mm/aaaa)")
        day, month, year = map(int, found.groups())
        if year < 100:
            year += 2000 if year <= date.today().year % 100 else 1900
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise BadValue(f"« {raw} » : cette date n'existe pas") from exc


def email(value) -> str:
    raw = text(value).lower()
    if raw and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", raw):
        raise BadValue(f"« {raw} » n'est pas une adresse e-mail")
    return raw

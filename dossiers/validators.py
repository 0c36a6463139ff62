"""Field validators for what applicants type in: identifiers, codes, territories, amounts.

Each raises ``ValidationError`` with a message that says what is wrong in plain French.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from dossiers.nomenclature import NAF_PATTERN, NAFA_PATTERN, departements, naf_codes

# Above this, an amount typed into a TPE's funding request is a typo, not a project.
ABSURD_AMOUNT = Decimal("100000000.00")


def compact_identifier(value: str) -> str:
    """A SIREN or SIRET as printed on a Kbis or an invoice (« 362 521 879 00034 »,
    « 362.521.879 », no-break spaces from a PDF) -> its digits; anything else is kept
    for the validators to name."""
    return re.sub(r"[\s.]", "", value) if value else value


def _explain(exc: stdnum_errors.ValidationError, kind: str, digits: int) -> str:
    if isinstance(exc, stdnum_errors.InvalidLength):
        return f"Le {kind} doit comporter exactement {digits} chiffres."
    if isinstance(exc, stdnum_errors.InvalidFormat):
        return f"Le {kind} ne doit contenir que des chiffres."
    return f"Le {kind} est invalide : sa clé de contrôle (Luhn) ne correspond pas."


def _refuse_zeros(value: str, kind: str, code: str) -> None:
    # All zeros passes the Luhn check but INSEE never attributes it
    # (docs/rules.md#identifiers).
    if value and set(value) == {"0"}:
        raise ValidationError(f"Le {kind} ne peut pas être composé uniquement de zéros.", code=code)


def validate_siren(value: str) -> None:
    # docs/rules.md#siren-siret: 9 digits, Luhn; python-stdnum also knows La Poste's exception.
    try:
        stdnum_siren.validate(value)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_explain(exc, "SIREN", 9), code="invalid_siren") from exc
    _refuse_zeros(value, "SIREN", "invalid_siren")


def validate_siret(value: str) -> None:
    # docs/rules.md#siren-siret: Luhn over all 14 digits (not just the SIREN part, as
    # localflavor does), except La Poste (SIREN 356000000) whose digit sum must be a multiple of 5.
    try:
        stdnum_siret.validate(value)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_explain(exc, "SIRET", 14), code="invalid_siret") from exc
    _refuse_zeros(value, "SIRET", "invalid_siret")


def validate_naf_code(value: str) -> None:
    if not NAF_PATTERN.match(value or ""):
        raise ValidationError(
            f"« {value} » n'est pas un code NAF : format attendu 62.01Z.", code="naf_format"
        )
    if value not in naf_codes():
        raise ValidationError(
            f"Le code NAF {value} n'existe pas dans la nomenclature NAF rév. 2.",
            code="naf_unknown",
        )


def validate_nafa_code(value: str) -> None:
    if not value:
        return
    if not NAFA_PATTERN.match(value):
        raise ValidationError(
            f"« {value} » n'est pas un code NAFA : format attendu 10.71CA.", code="nafa_format"
        )
    validate_naf_code(value[:6])


def validate_departement(value: str) -> None:
    if value not in departements():
        raise ValidationError(
            f"« {value} » n'est pas un département français (01–95, 2A, 2B, 971–974, 976).",
            code="departement_unknown",
        )


def validate_amount(value: Decimal) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError("Un montant ne peut pas être négatif.", code="negative_amount")
    if value >= ABSURD_AMOUNT:
        raise ValidationError(
            "Ce montant est hors de proportion pour une demande de TPE/PME ; vérifiez la saisie.",
            code="absurd_amount",
        )
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("Un montant a au plus deux décimales.", code="amount_precision")

"""French wording: level names, default key descriptions, reasons.

Amounts are written by the formatter the caller passes in (``format_cents``: Grappe passes
``dossiers.formatting.euros_from_cents``, ``14 200,00 €``), so the engine imports nothing
outside itself.
"""

from __future__ import annotations

from collections.abc import Callable

from .types import Policy, TerritoryLevel, TradeLevel, UnplacedCode

DescribeKey = Callable[[TradeLevel, TerritoryLevel, tuple[str, ...]], str]
FormatCents = Callable[[int], str]  # an amount in integer cents, written for the reader

TRADE_LEVEL_LABELS = {
    TradeLevel.NONE: "tous métiers",
    TradeLevel.SECTION: "section NAF",
    TradeLevel.DIVISION: "division NAF",
    TradeLevel.GROUP: "groupe NAF",
    TradeLevel.CLASS: "classe NAF",
    TradeLevel.SUBCLASS: "sous-classe NAF",
    TradeLevel.NAFA: "métier (NAFA)",
}
TERRITORY_LEVEL_LABELS = {
    TerritoryLevel.NATIONAL: "France entière",
    TerritoryLevel.REGION: "région",
    TerritoryLevel.DEPARTEMENT: "département",
}
_TRADE_CODE_PREFIX = {
    TradeLevel.SECTION: "section",
    TradeLevel.DIVISION: "division",
    TradeLevel.GROUP: "groupe",
    TradeLevel.CLASS: "classe",
    TradeLevel.SUBCLASS: "sous-classe",
    TradeLevel.NAFA: "métier",
}


def level_label(trade: TradeLevel, territory: TerritoryLevel) -> str:
    """``"sous-classe NAF × région"``."""
    return f"{TRADE_LEVEL_LABELS[trade]} × {TERRITORY_LEVEL_LABELS[territory]}"


def describe_key_codes(trade: TradeLevel, territory: TerritoryLevel, key: tuple[str, ...]) -> str:
    """Default key description from raw codes: ``"sous-classe 10.71C, département 23"``.

    The Django layer passes its own function to show labels instead
    (``"Boulangerie (10.71C) en Creuse"``).
    """
    parts = list(key)
    words = []
    if trade is TradeLevel.NONE:
        words.append("tous métiers")
    else:
        words.append(f"{_TRADE_CODE_PREFIX[trade]} {parts.pop(0)}")
    if territory is TerritoryLevel.NATIONAL:
        words.append("France entière")
    else:
        words.append(f"{TERRITORY_LEVEL_LABELS[territory]} {parts.pop(0)}")
    return ", ".join(words)


# The words of each line: the engine packs one amount per request, a loan or a grant.
_WORDS = {
    "loan": {
        "asked": "Prêt demandé",
        "totals": "prêts totaux",
        "minimum": "minimum prêteur",
        "maximum": "maximum prêteur par dossier",
        "of": "de prêts",
    },
    "grant": {
        "asked": "Subvention demandée",
        "totals": "subventions totales",
        "minimum": "minimum de l'opération collective",
        "maximum": "maximum de l'opération collective",
        "of": "de subventions",
    },
}


def _requests(count: int) -> str:
    return f"{count} demande{'s' if count > 1 else ''}"


def rejection_reason(
    code: UnplacedCode, loan: int, grant: int, policy: Policy, *, format_cents: FormatCents
) -> str:
    if policy.line == "grant":
        return _grant_rejection_reason(code, loan, policy, format_cents)
    if code is UnplacedCode.LOAN_OUT_OF_BAND and loan == 0:
        return (
            "Aucun prêt demandé : les dossiers collectifs de ce regroupement sont présentés "
            f"à un prêteur (prêt de {format_cents(policy.loan_min)} à "
            f"{format_cents(policy.loan_max)} par entreprise)"
        )
    if code is UnplacedCode.LOAN_OUT_OF_BAND:
        return (
            f"Prêt demandé {format_cents(loan)} hors de la fourchette du produit "
            f"({format_cents(policy.loan_min)} à {format_cents(policy.loan_max)})"
        )
    if code is UnplacedCode.LOAN_ABOVE_LENDER_MAXIMUM:
        assert policy.lender_maximum is not None
        return (
            f"Prêt demandé {format_cents(loan)} au-dessus du maximum prêteur par dossier "
            f"({format_cents(policy.lender_maximum)})"
        )
    return (
        f"Subvention demandée {format_cents(grant)} au-dessus du plafond par membre "
        f"({format_cents(policy.grant_cap)})"
    )


def _grant_rejection_reason(
    code: UnplacedCode, grant: int, policy: Policy, format_cents: FormatCents
) -> str:
    """For a grant collective the packed amount is the grant (see ``Policy.line``)."""
    if code is UnplacedCode.LOAN_ABOVE_LENDER_MAXIMUM:
        assert policy.lender_maximum is not None
        return (
            f"Subvention demandée {format_cents(grant)} au-dessus du maximum de "
            f"l'opération collective ({format_cents(policy.lender_maximum)})"
        )
    return (
        f"Subvention demandée {format_cents(grant)} au-dessus du plafond par entreprise "
        f"({format_cents(policy.loan_max)})"
    )


def leftover_code(count: int, loan_total: int, policy: Policy) -> UnplacedCode:
    if count < policy.min_members:
        return UnplacedCode.TOO_FEW_MEMBERS
    if loan_total < policy.lender_minimum:
        return UnplacedCode.BELOW_LENDER_MINIMUM
    return UnplacedCode.NOT_PACKABLE


def leftover_reason(
    code: UnplacedCode,
    *,
    place: str,
    count: int,
    loan_total: int,
    bundles_here: int,
    policy: Policy,
    format_cents: FormatCents,
) -> str:
    """Why the ``count`` requests left over in one widest-level group stay out.

    ``place`` describes the group (``"Boulangerie (10.71C) en Nouvelle-Aquitaine"``).
    """
    words = _WORDS[policy.line]
    text = f"{place} : {_requests(count)} sans dossier"
    if code is UnplacedCode.TOO_FEW_MEMBERS:
        text += f" (il en faut au moins {policy.min_members} par dossier)"
    elif code is UnplacedCode.BELOW_LENDER_MINIMUM:
        text += (
            f", {words['totals']} {format_cents(loan_total)} < {words['minimum']} "
            f"{format_cents(policy.lender_minimum)}"
        )
    else:
        limits = f"de {policy.min_members} à {policy.max_members} membres"
        if policy.min_members == policy.max_members:
            limits = f"de {policy.min_members} membres"
        limits += f" atteignant {format_cents(policy.lender_minimum)} {words['of']}"
        if policy.lender_maximum is not None:
            limits += f" sans dépasser {format_cents(policy.lender_maximum)}"
        text += (
            f", {words['totals']} {format_cents(loan_total)}, mais aucun dossier {limits} "
            "ne peut être formé avec elles"
        )
    if bundles_here:
        dossiers = "dossier déjà formé" if bundles_here == 1 else "dossiers déjà formés"
        text += f" ; {'le' if bundles_here == 1 else 'les'} {bundles_here} {dossiers} ici "
        text += "ne peu" + ("t" if bundles_here == 1 else "vent") + " pas les accueillir"
        text += f" (au plus {policy.max_members} membres"
        if policy.lender_maximum is not None:
            text += f" et {format_cents(policy.lender_maximum)} {words['of']}"
        text += " par dossier)"
    if len(policy.ladder) > 1:
        text += f", même au niveau {level_label(*policy.ladder[-1])}"
    return text

"""Grouping keys in words, with NAF labels and territory names.

``describe_key`` is what the engine is given to phrase its reasons, and what a bundle
stores as its human key: ``"Boulangerie et pâtisserie (NAF 10.71C), Creuse (23)"``.
An unknown code (older nomenclature, synthetic data) is shown as the code itself.
"""

from functools import cache

from dossiers.models import FundingRequest
from dossiers.nomenclature import departements, naf_codes, regions
from grouping.engine import TerritoryLevel, TradeLevel

_TRADE_WORD = {
    TradeLevel.SECTION: "section",
    TradeLevel.DIVISION: "division",
    TradeLevel.GROUP: "groupe",
    TradeLevel.CLASS: "classe",
    TradeLevel.SUBCLASS: "NAF",
}


@cache
def _naf_labels() -> dict[str, str]:
    """Every NAF code at every level (A, 10, 10.7, 10.71, 10.71C) with its label."""
    labels: dict[str, str] = {}
    for naf in naf_codes().values():
        labels[naf.section] = naf.section_label.capitalize()
        labels[naf.division] = naf.division_label
        labels[naf.group] = naf.group_label
        labels[naf.class_code] = naf.class_label
        labels[naf.code] = naf.label
    return labels


def describe_trade(level: TradeLevel, code: str) -> str:
    if level is TradeLevel.NONE:
        return "tous métiers"
    labels = _naf_labels()
    if level is TradeLevel.NAFA and len(code) > 6:
        label = labels.get(code[:6])
        return f"{label} (métier {code})" if label else f"métier {code}"
    if level is TradeLevel.NAFA:
        level = TradeLevel.SUBCLASS  # no NAFA code: the engine keys on the sub-class
    label = labels.get(code)
    word = _TRADE_WORD[level]
    return f"{label} ({word} {code})" if label else f"{word} {code}"


def describe_territory(level: TerritoryLevel, code: str | None) -> str:
    if level is TerritoryLevel.NATIONAL:
        return "France entière"
    if level is TerritoryLevel.REGION:
        name = regions().get(code)
        return f"région {name}" if name else f"région {code}"
    departement = departements().get(code)
    return f"{departement.name} ({code})" if departement else f"département {code}"


@cache
def describe_key(trade: TradeLevel, territory: TerritoryLevel, key: tuple[str, ...]) -> str:
    """The engine's ``describe_key``: one ladder step's key in words."""
    parts = list(key)
    trade_code = parts.pop(0) if trade is not TradeLevel.NONE else ""
    territory_code = parts.pop(0) if territory is not TerritoryLevel.NATIONAL else None
    text = f"{describe_trade(trade, trade_code)}, {describe_territory(territory, territory_code)}"
    return text[0].upper() + text[1:]


def describe_bundle_key(
    trade: TradeLevel, territory: TerritoryLevel, key: tuple[str, ...], by_category: bool
) -> str:
    """A bundle's key in words; with ``by_category`` the key's last part is the project
    category (``"…, Creuse (23) — Boutique en ligne"``)."""
    text = describe_key(trade, territory, tuple(key))
    if not by_category or not key:
        return text
    category = key[-1]
    try:
        label = FundingRequest.ProjectCategory(category).label
    except ValueError:
        label = category
    return f"{text} — {label}"

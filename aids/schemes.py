"""An aid scheme as code reads it, and the checks a catalogue row must pass.

The catalogue's JSON follows aides-territoires' field names where it has one (``perimeter``,
``targeted_audiences``, ``aid_types``, ``categories``, ``financers``, ``start_date``,
``submission_deadline``, ``subvention_rate_upper_bound``, ``origin_url``, ``eligibility``);
what it keeps as free text, Grappe keeps as criteria code can evaluate, under
``grappe_criteria``. See docs/rules.md#aid-catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from dossiers.models import Enterprise, FundingRequest
from dossiers.nomenclature import departements, naf_codes, regions

AID_TYPES = ("grant", "loan", "guarantee", "recoverable_advance")
REGIMES = ("de_minimis", "other")
SCALES = ("country", "region", "department", "epci")
COMPANY_AUDIENCE = "private_sector"  # aides-territoires' slug for companies
THEMES = tuple(FundingRequest.ProjectCategory.values)
SME_CATEGORIES = tuple(c for c in Enterprise.Category.values if c != Enterprise.Category.LARGE)


@dataclass(frozen=True, slots=True)
class Place:
    scale: str
    code: str
    name: str = ""
    department: str = ""  # for an EPCI: the département it lies in


@dataclass(frozen=True, slots=True)
class Scheme:
    slug: str
    name: str
    aid_type: str
    ceiling: Decimal
    rate: Decimal | None = None  # share of the eligible cost, 0–1 (None: a flat amount)
    regime: str = "other"
    combinable: bool = True
    max_public_rate: Decimal | None = None  # all public aid on the project, share of cost
    start_date: date | None = None
    submission_deadline: date | None = None
    perimeter: tuple[Place, ...] = ()
    targeted_audiences: tuple[str, ...] = (COMPANY_AUDIENCE,)
    categories: tuple[str, ...] = ()
    naf_include: tuple[str, ...] = ()
    naf_exclude: tuple[str, ...] = ()
    headcount_min: Decimal | None = None
    headcount_below: Decimal | None = None
    turnover_max: Decimal | None = None
    min_age_years: int | None = None
    sme_categories: tuple[str, ...] = ()
    min_eligible_cost: Decimal | None = None
    financers: tuple[str, ...] = ()
    origin_url: str = ""
    is_illustrative: bool = False
    extra: dict = field(default_factory=dict, compare=False)


def naf_prefix_known(prefix: str) -> bool:
    """A prefix written as INSEE writes codes (``62``, ``62.0``, ``62.01``, ``62.01Z``)."""
    return any(code.startswith(prefix) for code in naf_codes())


class RowErrors(list):
    """The reasons one catalogue row is refused, each naming its field."""

    def add(self, field_name: str, message: str) -> None:
        self.append(f"{field_name} : {message}")


def _decimal(errors: RowErrors, name: str, value, *, required=False) -> Decimal | None:
    if value is None:
        if required:
            errors.add(name, "obligatoire")
        return None
    if isinstance(value, bool):
        errors.add(name, f"nombre attendu, reçu {value!r}")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.add(name, f"nombre attendu, reçu {value!r}")
        return None
    if not number.is_finite() or number < 0:
        errors.add(name, f"nombre positif attendu, reçu {value!r}")
        return None
    return number


def _date(errors: RowErrors, name: str, value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.add(name, f"date AAAA-MM-JJ attendue, reçu {value!r}")
        return None


def _strings(errors: RowErrors, name: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(name, "liste de textes attendue")
        return ()
    return tuple(value)


def _place(errors: RowErrors, entry) -> Place | None:
    if not isinstance(entry, dict):
        errors.add("perimeter", f"objet {{scale, code}} attendu, reçu {entry!r}")
        return None
    scale, code = entry.get("scale"), str(entry.get("code", ""))
    if scale not in SCALES:
        errors.add("perimeter", f"échelle inconnue « {scale} » (attendu : {', '.join(SCALES)})")
        return None
    department = str(entry.get("department", ""))
    if scale == "country" and code != "FR":
        errors.add("perimeter", f"pays inconnu « {code} » (seul FR est géré)")
    elif scale == "region" and code not in regions():
        errors.add("perimeter", f"code INSEE de région inconnu « {code} »")
    elif scale == "department" and code not in departements():
        errors.add("perimeter", f"code INSEE de département inconnu « {code} »")
    elif scale == "epci" and department not in departements():
        errors.add("perimeter", f"EPCI « {code} » : département inconnu « {department} »")
    else:
        return Place(scale, code, str(entry.get("name", "")), department)
    return None


def parse_row(row) -> tuple[Scheme | None, RowErrors]:
    """The scheme a catalogue row describes, or every reason it is refused."""
    errors = RowErrors()
    if not isinstance(row, dict):
        errors.add("aide", "objet JSON attendu")
        return None, errors
    criteria = row.get("grappe_criteria") or {}
    if not isinstance(criteria, dict):
        errors.add("grappe_criteria", "objet JSON attendu")
        criteria = {}
    slug, name = row.get("slug"), row.get("name")
    if not isinstance(slug, str) or not slug.strip() or len(slug) > 100:
        errors.add("slug", "identifiant obligatoire (100 caractères au plus)")
    if not isinstance(name, str) or not name.strip():
        errors.add("name", "nom obligatoire")
    aid_types = _strings(errors, "aid_types", row.get("aid_types"))
    if len(aid_types) != 1 or aid_types[0] not in AID_TYPES:
        errors.add("aid_types", f"un seul type parmi {', '.join(AID_TYPES)}, reçu {aid_types}")
    perimeter = row.get("perimeter")
    if not isinstance(perimeter, list) or not perimeter:
        errors.add("perimeter", "liste non vide de territoires attendue")
        perimeter = []
    places = tuple(p for p in (_place(errors, e) for e in perimeter) if p is not None)
    categories = _strings(errors, "categories", row.get("categories"))
    for theme in categories:
        if theme not in THEMES:
            errors.add("categories", f"type de projet inconnu « {theme} »")
    audiences = _strings(errors, "targeted_audiences", row.get("targeted_audiences"))
    naf_include = _strings(errors, "grappe_criteria.naf_include", criteria.get("naf_include"))
    naf_exclude = _strings(errors, "grappe_criteria.naf_exclude", criteria.get("naf_exclude"))
    for where, prefixes in (("naf_include", naf_include), ("naf_exclude", naf_exclude)):
        for prefix in prefixes:
            if not naf_prefix_known(prefix):
                errors.add(f"grappe_criteria.{where}", f"préfixe NAF inconnu « {prefix} »")
    sme = _strings(errors, "grappe_criteria.sme_categories", criteria.get("sme_categories"))
    for category in sme:
        if category not in SME_CATEGORIES:
            errors.add("grappe_criteria.sme_categories", f"catégorie inconnue « {category} »")
    start = _date(errors, "start_date", row.get("start_date"))
    deadline = _date(errors, "submission_deadline", row.get("submission_deadline"))
    if start and deadline and deadline < start:
        errors.add(
            "submission_deadline",
            f"clôture ({deadline.isoformat()}) avant l'ouverture ({start.isoformat()})",
        )
    rate = _decimal(errors, "subvention_rate_upper_bound", row.get("subvention_rate_upper_bound"))
    if rate is not None and rate > 100:
        errors.add("subvention_rate_upper_bound", f"taux en % entre 0 et 100, reçu {rate}")
    max_public = _decimal(
        errors, "grappe_criteria.max_public_rate", criteria.get("max_public_rate")
    )
    if max_public is not None and max_public > 100:
        errors.add(
            "grappe_criteria.max_public_rate", f"taux en % entre 0 et 100, reçu {max_public}"
        )
    ceiling = _decimal(errors, "grappe_criteria.ceiling", criteria.get("ceiling"), required=True)
    regime = criteria.get("regime", "other")
    if regime not in REGIMES:
        errors.add("grappe_criteria.regime", f"régime inconnu « {regime} »")
    combinable = criteria.get("combinable", True)
    if not isinstance(combinable, bool):
        errors.add("grappe_criteria.combinable", "vrai ou faux attendu")
    min_age = criteria.get("min_age_years")
    if min_age is not None and (not isinstance(min_age, int) or isinstance(min_age, bool)):
        errors.add(
            "grappe_criteria.min_age_years", f"nombre entier d'années attendu, reçu {min_age!r}"
        )
        min_age = None
    numbers = {
        key: _decimal(errors, f"grappe_criteria.{key}", criteria.get(key))
        for key in ("headcount_min", "headcount_below", "turnover_max", "min_eligible_cost")
    }
    if errors:
        return None, errors
    scheme = Scheme(
        slug=slug,
        name=name,
        aid_type=aid_types[0],
        ceiling=ceiling,
        rate=None if rate is None else rate / 100,
        regime=regime,
        combinable=combinable,
        max_public_rate=None if max_public is None else max_public / 100,
        start_date=start,
        submission_deadline=deadline,
        perimeter=places,
        targeted_audiences=audiences,
        categories=categories,
        naf_include=naf_include,
        naf_exclude=naf_exclude,
        sme_categories=sme,
        min_age_years=min_age,
        financers=_strings(errors, "financers", row.get("financers")),
        origin_url=str(row.get("origin_url") or ""),
        is_illustrative=bool(row.get("is_illustrative", False)),
        **numbers,
    )
    return scheme, errors

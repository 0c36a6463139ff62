"""Is a request eligible to an aid scheme, criterion by criterion, and for how much?

``evaluate`` answers *eligible*, *not eligible* or *unknown (missing: …)*, with one reason
per criterion, and an estimated amount bounded by the scheme's ceiling and rate, the de
minimis room left, the scheme's combination rules and the plan's eligible cost
(docs/rules.md#aid-evaluation). Pure Python, no database: ``aids.applicants`` builds the
``Applicant`` from a request, ``aids.matrix`` answers the same question for many requests
and schemes at once and must agree with this module (a property test holds them together).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from aids.schemes import COMPANY_AUDIENCE, Scheme
from dossiers.formatting import euros, format_date
from dossiers.nomenclature import departements, regions

OK, UNKNOWN, FAIL = "eligible", "unknown", "not_eligible"
RANK = {OK: 0, UNKNOWN: 1, FAIL: 2}
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Applicant:
    """What the evaluator knows of a request; None means not known yet."""

    departement: str | None = None
    naf_code: str | None = None
    headcount: Decimal | None = None
    turnover: Decimal | None = None
    sme_category: str | None = None
    creation_date: date | None = None
    project_category: str | None = None
    eligible_cost: Decimal | None = None  # excl. VAT; None until the plan has a cost
    planned_grant: Decimal = Decimal(0)  # grants already in the request's plan
    de_minimis_room: Decimal | None = None  # None: no de minimis declaration yet

    @property
    def region(self) -> str | None:
        return departements()[self.departement].region if self.departement else None


@dataclass(frozen=True, slots=True)
class Criterion:
    name: str
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    scheme: Scheme
    status: str
    criteria: tuple[Criterion, ...]
    amount: Decimal | None  # None when not eligible or when the cost is not known

    @property
    def missing(self) -> list[str]:
        return [c.reason for c in self.criteria if c.status == UNKNOWN]

    @property
    def failed(self) -> list[str]:
        return [c.reason for c in self.criteria if c.status == FAIL]


def age_in_years(created: date, on: date) -> int:
    years = on.year - created.year
    return years - 1 if (on.month, on.day) < (created.month, created.day) else years


def _open(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if scheme.start_date and on < scheme.start_date:
        return Criterion("dates", FAIL, f"Ouvre le {format_date(scheme.start_date)}.")
    if scheme.submission_deadline and on > scheme.submission_deadline:
        return Criterion("dates", FAIL, f"Clôturée le {format_date(scheme.submission_deadline)}.")
    until = scheme.submission_deadline
    return Criterion(
        "dates", OK, f"Ouverte jusqu'au {format_date(until)}." if until else "Ouverte."
    )


def _audience(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if COMPANY_AUDIENCE in scheme.targeted_audiences:
        return Criterion("public", OK, "Ouverte aux entreprises.")
    return Criterion("public", FAIL, "Réservée à d'autres publics que les entreprises.")


def _territory(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if a.departement is None:
        return Criterion("territoire", UNKNOWN, "département de l'entreprise")
    region = a.region
    epci = None
    for place in scheme.perimeter:
        if (
            place.scale == "country"
            or (place.scale == "region" and place.code == region)
            or (place.scale == "department" and place.code == a.departement)
        ):
            return Criterion(
                "territoire", OK, f"Entreprise située dans le périmètre ({_where(place)})."
            )
        if place.scale == "epci" and place.department == a.departement:
            epci = place
    if epci is not None:
        # Grappe knows the département, not the commune: the EPCI is for the SME to confirm.
        return Criterion(
            "territoire", UNKNOWN, f"commune dans {epci.name or 'l’EPCI ' + epci.code}"
        )
    where = ", ".join(_where(p) for p in scheme.perimeter)
    return Criterion("territoire", FAIL, f"Réservée à : {where}.")


def _where(place) -> str:
    if place.scale == "country":
        return "France"
    if place.scale == "region":
        return regions().get(place.code, place.code)
    if place.scale == "department":
        return f"{departements()[place.code].name} ({place.code})"
    return place.name or place.code


def _naf(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if not scheme.naf_include and not scheme.naf_exclude:
        return Criterion("activité", OK, "Toutes activités.")
    if a.naf_code is None:
        return Criterion("activité", UNKNOWN, "code NAF de l'entreprise")
    for prefix in scheme.naf_exclude:
        if a.naf_code.startswith(prefix):
            return Criterion("activité", FAIL, f"Activité {a.naf_code} exclue ({prefix}).")
    if scheme.naf_include and not any(a.naf_code.startswith(p) for p in scheme.naf_include):
        listed = ", ".join(scheme.naf_include)
        return Criterion("activité", FAIL, f"Activité {a.naf_code} hors de la liste ({listed}).")
    return Criterion("activité", OK, f"Activité {a.naf_code} admise.")


def _headcount(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    low, below = scheme.headcount_min, scheme.headcount_below
    if low is None and below is None:
        return Criterion("effectif", OK, "Sans condition d'effectif.")
    if a.headcount is None:
        return Criterion("effectif", UNKNOWN, "effectif")
    if low is not None and a.headcount < low:
        return Criterion("effectif", FAIL, f"Effectif {a.headcount} inférieur à {low}.")
    if below is not None and a.headcount >= below:
        return Criterion("effectif", FAIL, f"Effectif {a.headcount} : il faut moins de {below}.")
    return Criterion("effectif", OK, f"Effectif {a.headcount} dans la tranche.")


def _turnover(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if scheme.turnover_max is None:
        return Criterion("chiffre d'affaires", OK, "Sans condition de chiffre d'affaires.")
    if a.turnover is None:
        return Criterion("chiffre d'affaires", UNKNOWN, "chiffre d'affaires")
    if a.turnover > scheme.turnover_max:
        return Criterion(
            "chiffre d'affaires",
            FAIL,
            f"Chiffre d'affaires {euros(a.turnover)} au-dessus de {euros(scheme.turnover_max)}.",
        )
    return Criterion(
        "chiffre d'affaires", OK, f"Chiffre d'affaires ≤ {euros(scheme.turnover_max)}."
    )


def _age(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if scheme.min_age_years is None:
        return Criterion("ancienneté", OK, "Sans condition d'ancienneté.")
    if a.creation_date is None:
        return Criterion("ancienneté", UNKNOWN, "date de création de l'entreprise")
    years = age_in_years(a.creation_date, on)
    if years < scheme.min_age_years:
        return Criterion(
            "ancienneté", FAIL, f"{years} an(s) d'existence, il en faut {scheme.min_age_years}."
        )
    return Criterion("ancienneté", OK, f"{years} ans d'existence (≥ {scheme.min_age_years}).")


def _category(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if not scheme.sme_categories:
        return Criterion("catégorie", OK, "Toutes tailles d'entreprise.")
    if a.sme_category is None:
        return Criterion("catégorie", UNKNOWN, "catégorie PME")
    if a.sme_category not in scheme.sme_categories:
        return Criterion("catégorie", FAIL, f"Catégorie {a.sme_category} non admise.")
    return Criterion("catégorie", OK, f"Catégorie {a.sme_category} admise.")


def _theme(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if not scheme.categories:
        return Criterion("projet", OK, "Tous projets numériques.")
    if a.project_category is None:
        return Criterion("projet", UNKNOWN, "type de projet")
    if a.project_category not in scheme.categories:
        return Criterion("projet", FAIL, "Ce type de projet n'est pas financé par cette aide.")
    return Criterion("projet", OK, "Ce type de projet est financé.")


def _minimum_cost(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if scheme.min_eligible_cost is None:
        return Criterion("dépenses", OK, "Sans minimum de dépenses.")
    if a.eligible_cost is None:
        return Criterion("dépenses", UNKNOWN, "coût éligible HT du projet")
    if a.eligible_cost < scheme.min_eligible_cost:
        return Criterion(
            "dépenses",
            FAIL,
            f"Coût éligible {euros(a.eligible_cost)} sous le minimum "
            f"de {euros(scheme.min_eligible_cost)}.",
        )
    return Criterion("dépenses", OK, f"Coût éligible ≥ {euros(scheme.min_eligible_cost)}.")


def _combination(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if not scheme.combinable and a.planned_grant > 0:
        return Criterion(
            "cumul",
            FAIL,
            f"Non cumulable avec la subvention déjà prévue ({euros(a.planned_grant)}).",
        )
    return Criterion("cumul", OK, "Cumulable avec le plan." if scheme.combinable else "Seule aide.")


def _de_minimis(scheme: Scheme, a: Applicant, on: date) -> Criterion:
    if scheme.regime != "de_minimis":
        return Criterion("de minimis", OK, "Hors régime de minimis.")
    if a.de_minimis_room is None:
        return Criterion("de minimis", UNKNOWN, "déclaration des aides de minimis reçues")
    if a.de_minimis_room <= 0:
        return Criterion("de minimis", FAIL, "Plus de marge sous le plafond de minimis.")
    return Criterion("de minimis", OK, f"Marge de minimis restante : {euros(a.de_minimis_room)}.")


CRITERIA = (
    _open, _audience, _territory, _naf, _headcount, _turnover, _age, _category, _theme,
    _minimum_cost, _combination, _de_minimis,
)  # fmt: skip


def bounds(scheme: Scheme, a: Applicant) -> list[Decimal]:
    """Every upper bound on the amount; the estimate is the smallest."""
    found = [scheme.ceiling]
    cost = a.eligible_cost
    if cost is not None:
        found.append(cost)
        if scheme.rate is not None:
            found.append(cost * scheme.rate)
        if scheme.max_public_rate is not None:
            found.append(cost * scheme.max_public_rate - a.planned_grant)
        if scheme.aid_type == "grant":
            found.append(cost - a.planned_grant)  # grants never pay more than the cost
    if scheme.regime == "de_minimis" and a.de_minimis_room is not None:
        found.append(a.de_minimis_room)
    return found


def estimate(scheme: Scheme, a: Applicant) -> Decimal:
    return max(min(bounds(scheme, a)), Decimal(0)).quantize(CENT, rounding=ROUND_DOWN)


def evaluate(applicant: Applicant, scheme: Scheme, on: date) -> Verdict:
    criteria = [check(scheme, applicant, on) for check in CRITERIA]
    status = max((c.status for c in criteria), key=RANK.__getitem__)
    amount = None
    if status != FAIL:
        amount = estimate(scheme, applicant)
        if amount <= 0:
            status = FAIL
            criteria.append(Criterion("montant", FAIL, "Plus de marge : montant possible nul."))
            amount = None
        elif applicant.eligible_cost is None:
            criteria.append(Criterion("montant", OK, f"Jusqu'à {euros(amount)}."))
        else:
            criteria.append(Criterion("montant", OK, f"Montant estimé : {euros(amount)}."))
    return Verdict(scheme, status, tuple(criteria), amount)

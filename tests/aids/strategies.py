"""Hypothesis strategies: any scheme the catalogue accepts, any applicant, any date."""

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from aids.evaluator import Applicant
from aids.matrix import DEPARTEMENTS, NAF_CODES
from aids.schemes import AID_TYPES, SME_CATEGORIES, THEMES, Place, Scheme
from dossiers.nomenclature import regions

cents = st.integers(min_value=0, max_value=20_000_000).map(lambda c: Decimal(c) / 100)
percent = st.integers(min_value=0, max_value=10_000).map(lambda p: Decimal(p) / 10_000)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
headcounts = st.integers(min_value=0, max_value=30_000).map(lambda h: Decimal(h) / 100)


def maybe(strategy):
    return st.none() | strategy


places = st.one_of(
    st.just(Place("country", "FR")),
    st.sampled_from(sorted(regions())).map(lambda c: Place("region", c)),
    st.sampled_from(DEPARTEMENTS).map(lambda c: Place("department", c)),
    st.sampled_from(DEPARTEMENTS).map(lambda c: Place("epci", f"epci-{c}", "un EPCI", c)),
)
naf_prefixes = st.sampled_from(NAF_CODES).flatmap(
    lambda code: st.sampled_from([code[:2], code[:4], code[:5], code])
)


@st.composite
def schemes(draw) -> Scheme:
    start = draw(maybe(days))
    deadline = draw(maybe(days))
    if start and deadline and deadline < start:
        start, deadline = deadline, start
    return Scheme(
        slug="s",
        name="Dispositif",
        aid_type=draw(st.sampled_from(AID_TYPES)),
        ceiling=draw(cents),
        rate=draw(maybe(percent)),
        regime=draw(st.sampled_from(["de_minimis", "other"])),
        combinable=draw(st.booleans()),
        max_public_rate=draw(maybe(percent)),
        start_date=start,
        submission_deadline=deadline,
        perimeter=tuple(draw(st.lists(places, min_size=1, max_size=3))),
        targeted_audiences=draw(st.sampled_from([("private_sector",), ("public_org",)])),
        categories=tuple(draw(st.lists(st.sampled_from(THEMES), max_size=3, unique=True))),
        naf_include=tuple(draw(st.lists(naf_prefixes, max_size=2))),
        naf_exclude=tuple(draw(st.lists(naf_prefixes, max_size=2))),
        headcount_min=draw(maybe(headcounts)),
        headcount_below=draw(maybe(headcounts)),
        turnover_max=draw(maybe(cents)),
        min_age_years=draw(maybe(st.integers(min_value=0, max_value=10))),
        sme_categories=tuple(draw(st.lists(st.sampled_from(SME_CATEGORIES), unique=True))),
        min_eligible_cost=draw(maybe(cents)),
    )


@st.composite
def applicants(draw) -> Applicant:
    return Applicant(
        departement=draw(maybe(st.sampled_from(DEPARTEMENTS))),
        naf_code=draw(maybe(st.sampled_from(NAF_CODES))),
        headcount=draw(maybe(headcounts)),
        turnover=draw(maybe(cents)),
        sme_category=draw(maybe(st.sampled_from([*SME_CATEGORIES, "large"]))),
        creation_date=draw(maybe(days)),
        project_category=draw(maybe(st.sampled_from(THEMES))),
        eligible_cost=draw(maybe(cents.filter(lambda c: c > 0))),
        planned_grant=draw(cents),
        de_minimis_room=draw(
            maybe(st.integers(-5_000_000, 30_000_000).map(lambda c: Decimal(c) / 100))
        ),
    )

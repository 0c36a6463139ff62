"""Many requests against many schemes at once: the evaluator's verdicts as numpy arrays.

``aids.evaluator`` explains one (request, scheme) pair in words. Routing a campaign of a
million requests against two thousand schemes cannot afford that, and does not need the
words: it needs each pair's status and, per scheme, how many requests it could serve. The
catalogue is compiled once into per-scheme tables (territory × département, activity ×
NAF sub-class, …); a block of requests then becomes a (schemes × requests) status matrix
in a dozen array operations. It must agree with the evaluator pair for pair: a property
test (tests/aids/test_matrix_agrees.py) holds them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from aids.evaluator import Applicant, age_in_years
from aids.schemes import COMPANY_AUDIENCE, SME_CATEGORIES, THEMES, Scheme
from dossiers.nomenclature import departements, naf_codes

OK, UNKNOWN, FAIL = 0, 1, 2
DEPARTEMENTS = sorted(departements())
NAF_CODES = sorted(naf_codes())
DEP_INDEX = {code: i for i, code in enumerate(DEPARTEMENTS)}
NAF_INDEX = {code: i for i, code in enumerate(NAF_CODES)}
THEME_INDEX = {code: i for i, code in enumerate(THEMES)}
CATEGORY_INDEX = {code: i for i, code in enumerate((*SME_CATEGORIES, "large"))}
NAN = float("nan")


def _column(values: Iterable[float | None]) -> np.ndarray:
    return np.array([NAN if v is None else float(v) for v in values], dtype=float)[:, None]


def _territory_row(scheme: Scheme) -> list[int]:
    row = []
    for code in DEPARTEMENTS:
        region = departements()[code].region
        status = FAIL
        for place in scheme.perimeter:
            if (
                place.scale == "country"
                or (place.scale == "region" and place.code == region)
                or (place.scale == "department" and place.code == code)
            ):
                status = OK
                break
            if place.scale == "epci" and place.department == code:
                status = UNKNOWN
        row.append(status)
    return [*row, UNKNOWN]  # last column: département not known


@cache
def _prefix_mask(prefix: str) -> np.ndarray:
    """Which NAF sub-classes a prefix covers (prefixes repeat across schemes: cached)."""
    return np.array([code.startswith(prefix) for code in NAF_CODES], dtype=bool)


def _naf_row(scheme: Scheme) -> np.ndarray:
    row = np.full(len(NAF_CODES) + 1, OK, dtype=np.int8)
    if not scheme.naf_include and not scheme.naf_exclude:
        return row
    included = np.ones(len(NAF_CODES), dtype=bool)
    if scheme.naf_include:
        included = np.logical_or.reduce([_prefix_mask(p) for p in scheme.naf_include])
    for prefix in scheme.naf_exclude:
        included = included & ~_prefix_mask(prefix)
    row[:-1] = np.where(included, OK, FAIL)
    row[-1] = UNKNOWN
    return row


def _listed_row(allowed: Sequence[str], universe: Sequence[str]) -> list[int]:
    if not allowed:
        return [OK] * (len(universe) + 1)
    return [OK if value in allowed else FAIL for value in universe] + [UNKNOWN]


@dataclass
class ApplicantArrays:
    """A block of applicants as columns; missing values are NaN or the table's last index."""

    dep: np.ndarray
    naf: np.ndarray
    category: np.ndarray
    theme: np.ndarray
    headcount: np.ndarray
    turnover: np.ndarray
    age: np.ndarray  # whole years on the routing date, NaN when not known
    cost: np.ndarray
    planned: np.ndarray
    room: np.ndarray

    def __len__(self) -> int:
        return len(self.dep)

    def take(self, columns: np.ndarray) -> ApplicantArrays:
        return ApplicantArrays(**{name: getattr(self, name)[columns] for name in FIELDS})

    @classmethod
    def from_applicants(cls, applicants: Sequence[Applicant], on: date) -> ApplicantArrays:
        def index(table: dict, value) -> int:
            return table.get(value, len(table)) if value is not None else len(table)

        return cls(
            dep=np.array([index(DEP_INDEX, a.departement) for a in applicants], dtype=np.intp),
            naf=np.array([index(NAF_INDEX, a.naf_code) for a in applicants], dtype=np.intp),
            category=np.array(
                [index(CATEGORY_INDEX, a.sme_category) for a in applicants], dtype=np.intp
            ),
            theme=np.array(
                [index(THEME_INDEX, a.project_category) for a in applicants], dtype=np.intp
            ),
            headcount=_column(a.headcount for a in applicants)[:, 0],
            turnover=_column(a.turnover for a in applicants)[:, 0],
            age=_column(
                age_in_years(a.creation_date, on) if a.creation_date else None for a in applicants
            )[:, 0],
            cost=_column(a.eligible_cost for a in applicants)[:, 0],
            planned=_column(a.planned_grant for a in applicants)[:, 0],
            room=_column(a.de_minimis_room for a in applicants)[:, 0],
        )


FIELDS = tuple(ApplicantArrays.__dataclass_fields__)


def by_departement(dep: np.ndarray):
    """(département index, column indexes) for each département present in ``dep``."""
    order = np.argsort(dep, kind="stable")
    values = dep[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    for start, end in zip(starts, ends, strict=True):
        yield int(values[start]), order[start:end]


ARRAYS = (
    "open", "territory", "naf", "category", "theme", "headcount_min", "headcount_below",
    "turnover_max", "min_age", "min_cost", "ceiling", "rate", "max_public", "grant",
    "not_combinable", "de_minimis",
)  # fmt: skip


class CompiledCatalogue:
    """The schemes as arrays, compiled for one routing date (openness depends on it)."""

    def __init__(self, schemes: Sequence[Scheme], on: date):
        self.schemes = list(schemes)
        self.on = on
        s = self.schemes
        self.open = np.array(
            [
                (x.start_date is None or x.start_date <= on)
                and (x.submission_deadline is None or on <= x.submission_deadline)
                and COMPANY_AUDIENCE in x.targeted_audiences
                for x in s
            ],
            dtype=bool,
        )[:, None]
        self.territory = np.array([_territory_row(x) for x in s], dtype=np.int8).reshape(
            len(s), len(DEPARTEMENTS) + 1
        )
        self.naf = np.array([_naf_row(x) for x in s], dtype=np.int8).reshape(
            len(s), len(NAF_CODES) + 1
        )
        self.category = np.array(
            [_listed_row(x.sme_categories, list(CATEGORY_INDEX)) for x in s], dtype=np.int8
        ).reshape(len(s), len(CATEGORY_INDEX) + 1)
        self.theme = np.array(
            [_listed_row(x.categories, THEMES) for x in s], dtype=np.int8
        ).reshape(len(s), len(THEMES) + 1)
        self.headcount_min = _column(x.headcount_min for x in s)
        self.headcount_below = _column(x.headcount_below for x in s)
        self.turnover_max = _column(x.turnover_max for x in s)
        self.min_age = _column(x.min_age_years for x in s)
        self.min_cost = _column(x.min_eligible_cost for x in s)
        self.ceiling = _column(x.ceiling for x in s)
        self.rate = _column(x.rate for x in s)
        self.max_public = _column(x.max_public_rate for x in s)
        self.grant = np.array([x.aid_type == "grant" for x in s], dtype=bool)[:, None]
        self.not_combinable = np.array([not x.combinable for x in s], dtype=bool)[:, None]
        self.de_minimis = np.array([x.regime == "de_minimis" for x in s], dtype=bool)[:, None]
        # Built here rather than on first use, so no request pays for its département's.
        self._subsets: dict[int, tuple[np.ndarray, CompiledCatalogue]] = {}
        for dep in range(len(DEPARTEMENTS) + 1):
            self._for_departement(dep)

    def __len__(self) -> int:
        return len(self.schemes)

    def _for_departement(self, dep: int) -> tuple[np.ndarray, CompiledCatalogue]:
        """The schemes open on the date whose territory admits (or may admit) ``dep``:
        everything else fails for its applicants whatever the rest. Territory is the most
        selective criterion, so a block is evaluated against about a tenth of the catalogue."""
        if dep not in self._subsets:
            rows = np.flatnonzero(self.open[:, 0] & (self.territory[:, dep] < FAIL))
            self._subsets[dep] = (rows, self._subset(rows))
        return self._subsets[dep]

    def _subset(self, rows: np.ndarray) -> CompiledCatalogue:
        subset = object.__new__(CompiledCatalogue)
        subset.schemes = [self.schemes[i] for i in rows]
        subset.on = self.on
        subset._subsets = {}
        for name in ARRAYS:
            setattr(subset, name, getattr(self, name)[rows])
        return subset

    def statuses(self, a: ApplicantArrays) -> np.ndarray:
        """The (schemes × applicants) matrix of OK / UNKNOWN / FAIL."""
        status = np.full((len(self), len(a)), FAIL, dtype=np.int8)
        for dep, columns in by_departement(a.dep):
            rows, subset = self._for_departement(dep)
            if len(rows):
                status[np.ix_(rows, columns)] = subset._statuses(a.take(columns))
        return status

    def _statuses(self, a: ApplicantArrays) -> np.ndarray:
        status = np.where(self.open, OK, FAIL).astype(np.int8)
        status = np.broadcast_to(status, (len(self), len(a))).copy()
        for table, column in (
            (self.territory, a.dep),
            (self.naf, a.naf),
            (self.category, a.category),
            (self.theme, a.theme),
        ):
            np.maximum(status, table[:, column], out=status)
        self._ranges(status, a)
        status[self.not_combinable & (a.planned > 0)] = FAIL
        dm = np.where(np.isnan(a.room), UNKNOWN, np.where(a.room <= 0, FAIL, OK))
        np.maximum(status, np.where(self.de_minimis, dm, OK).astype(np.int8), out=status)
        status[(status < FAIL) & ~self._amount_positive(a)] = FAIL
        return status

    def _ranges(self, status: np.ndarray, a: ApplicantArrays) -> None:
        """Numeric criteria: no rule is OK, a missing value UNKNOWN, outside the band FAIL."""
        checks = (
            ((self.headcount_min, self.headcount_below), a.headcount,
             (a.headcount < self.headcount_min) | (a.headcount >= self.headcount_below)),
            ((self.turnover_max,), a.turnover, a.turnover > self.turnover_max),
            ((self.min_age,), a.age, a.age < self.min_age),
            ((self.min_cost,), a.cost, a.cost < self.min_cost),
        )  # fmt: skip
        for rules, value, outside in checks:
            has_rule = np.zeros((len(self), 1), dtype=bool)
            for rule in rules:
                has_rule |= ~np.isnan(rule)
            verdict = np.where(np.isnan(value), UNKNOWN, np.where(outside, FAIL, OK))
            np.maximum(status, np.where(has_rule, verdict, OK).astype(np.int8), out=status)

    def _amount_positive(self, a: ApplicantArrays) -> np.ndarray:
        """The evaluator's ``estimate`` > 0, as cents after rounding down."""
        cost, planned = a.cost, a.planned
        bound = np.broadcast_to(self.ceiling, (len(self), len(a))).copy()
        with np.errstate(invalid="ignore"):
            for candidate in (
                np.broadcast_to(cost, bound.shape),
                cost * self.rate,
                cost * self.max_public - planned,
                np.where(self.grant, cost - planned, np.nan),
                np.where(self.de_minimis, a.room, np.nan),
            ):
                np.fmin(bound, candidate, out=bound)
        return np.floor(bound * 100 + 1e-6) >= 1

    def counts(self, blocks: Iterable[ApplicantArrays]) -> tuple[np.ndarray, np.ndarray]:
        """Per scheme: how many applicants are eligible, how many could be (unknown)."""
        eligible = np.zeros(len(self), dtype=np.int64)
        unknown = np.zeros(len(self), dtype=np.int64)
        for block in blocks:
            for dep, columns in by_departement(block.dep):
                rows, subset = self._for_departement(dep)
                if len(rows):
                    status = subset._statuses(block.take(columns))
                    eligible[rows] += (status == OK).sum(axis=1)
                    unknown[rows] += (status == UNKNOWN).sum(axis=1)
        return eligible, unknown

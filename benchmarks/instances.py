"""Seeded grouping instances for the benchmarks and the tests.

Keys are drawn over département x NAF division, either uniformly or Zipf-like (a few
départements and trades gather most requests, as in real campaigns). Loans are
5-25 k EUR, skewed towards the small end; a small share of requests is individually
ineligible (loan outside the product band, grant above the cap). Amounts are cents.
"""

from __future__ import annotations

import random
from itertools import accumulate

from grouping.engine import Candidate, Policy, TerritoryLevel, TradeLevel

EURO = 100  # cents

REGION_DEPARTEMENTS = {
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
    "11": "75 77 78 91 92 93 94 95",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "28": "14 27 50 61 76",
    "32": "02 59 60 62 80",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "52": "44 49 53 72 85",
    "53": "22 29 35 56",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "93": "04 05 06 13 83 84",
    "94": "2A 2B",
}
DEPARTEMENT_REGION = {
    departement: region
    for region, departements in REGION_DEPARTEMENTS.items()
    for departement in departements.split()
}
DEPARTEMENTS = sorted(DEPARTEMENT_REGION)

SECTION_DIVISIONS = {
    "A": "01 02 03",
    "B": "05 06 07 08 09",
    "C": "10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33",
    "D": "35",
    "E": "36 37 38 39",
    "F": "41 42 43",
    "G": "45 46 47",
    "H": "49 50 51 52 53",
    "I": "55 56",
    "J": "58 59 60 61 62 63",
    "K": "64 65 66",
    "L": "68",
    "M": "69 70 71 72 73 74 75",
    "N": "77 78 79 80 81 82",
    "O": "84",
    "P": "85",
    "Q": "86 87 88",
    "R": "90 91 92 93",
    "S": "94 95 96",
    "T": "97 98",
    "U": "99",
}
DIVISION_SECTION = {
    division: section
    for section, divisions in SECTION_DIVISIONS.items()
    for division in divisions.split()
}
DIVISIONS = sorted(DIVISION_SECTION)
# Eight synthetic sub-classes per division ("10.11Z" .. "10.42Z"): about NAF's 732.
DIVISION_SUBCLASSES = {
    division: [f"{division}.{group}{klass}Z" for group in range(1, 5) for klass in (1, 2)]
    for division in DIVISIONS
}

LADDER = (
    (TradeLevel.DIVISION, TerritoryLevel.DEPARTEMENT),
    (TradeLevel.DIVISION, TerritoryLevel.REGION),
    (TradeLevel.SECTION, TerritoryLevel.REGION),
    (TradeLevel.SECTION, TerritoryLevel.NATIONAL),
)


def benchmark_policy(**changes: object) -> Policy:
    """Lender minimum 20 k EUR, product band 5-50 k EUR, grant cap 10 k EUR, 2-12 members."""
    settings: dict[str, object] = {
        "ladder": LADDER,
        "min_members": 2,
        "max_members": 12,
        "target_members": 6,
        "lender_minimum": 20_000 * EURO,
        "grant_cap": 10_000 * EURO,
        "loan_min": 5_000 * EURO,
        "loan_max": 50_000 * EURO,
    }
    settings.update(changes)
    return Policy(**settings)  # type: ignore[arg-type]


def _zipf_cumulative(count: int, exponent: float, rng: random.Random) -> list[float]:
    weights = [1 / (rank**exponent) for rank in range(1, count + 1)]
    rng.shuffle(weights)
    return list(accumulate(weights))


def make_instance(
    size: int,
    *,
    seed: int,
    keys: str = "uniform",
    ineligible_share: float = 0.02,
    departements: list[str] | None = None,
    divisions: list[str] | None = None,
) -> list[Candidate]:
    """``size`` candidates with ids 1..size; ``keys`` is "uniform" or "zipf"."""
    rng = random.Random(seed)
    departements = departements or DEPARTEMENTS
    divisions = divisions or DIVISIONS
    if keys == "uniform":
        drawn_departements = rng.choices(departements, k=size)
        drawn_divisions = rng.choices(divisions, k=size)
    elif keys == "zipf":
        cumulative = _zipf_cumulative(len(departements), 1.0, rng)
        drawn_departements = rng.choices(departements, cum_weights=cumulative, k=size)
        cumulative = _zipf_cumulative(len(divisions), 1.1, rng)
        drawn_divisions = rng.choices(divisions, cum_weights=cumulative, k=size)
    else:
        raise ValueError(f"unknown key distribution {keys!r}")

    beta, uniform, pick, chance = rng.betavariate, rng.uniform, rng.choice, rng.random
    candidates = []
    for request_id, departement, division in zip(
        range(1, size + 1), drawn_departements, drawn_divisions, strict=True
    ):
        loan = (5_000 + round(200 * beta(1.5, 4.0)) * 100) * EURO
        grant = round(uniform(20, 100)) * 100 * EURO
        if chance() < ineligible_share:
            if chance() < 0.5:
                loan = pick((2_000, 60_000)) * EURO
            else:
                grant = 12_000 * EURO
        candidates.append(
            Candidate(
                request_id=request_id,
                naf_section=DIVISION_SECTION[division],
                naf_code=pick(DIVISION_SUBCLASSES[division]),
                departement=departement,
                region=DEPARTEMENT_REGION[departement],
                loan=loan,
                grant=grant,
            )
        )
    return candidates


def small_instance(size: int, *, seed: int) -> list[Candidate]:
    """A small instance over 3 départements of one région and 2 divisions of one
    section, for comparisons with the exact solver."""
    return make_instance(
        size,
        seed=seed,
        keys="uniform",
        ineligible_share=0.0,
        departements=["19", "23", "87"],
        divisions=["10", "11"],
    )

"""A synthetic aid catalogue for the benchmarks, as JSON rows the importer accepts.

Shaped like the real thing: most schemes are local (40 % régional, 35 % départemental,
15 % intercommunal), 10 % national; about a third restrict activities by NAF prefix,
half have a staff band, a third a turnover ceiling or a minimum age; 60 % are de minimis;
a quarter are closed or not open yet on the routing date.
"""

import random
from datetime import date, timedelta


def synthetic_catalogue(size: int, *, seed: int = 2026, on: date | None = None) -> list[dict]:
    from dossiers.models import FundingRequest
    from dossiers.nomenclature import departements, naf_codes, regions

    rng = random.Random(seed)
    on = on or date.today()
    deps = sorted(departements())
    regs = sorted(regions())
    divisions = sorted({n.division for n in naf_codes().values()})
    groups = sorted({n.group for n in naf_codes().values()})
    themes = list(FundingRequest.ProjectCategory.values)
    rows = []
    for index in range(size):
        draw = rng.random()
        if draw < 0.10:
            perimeter = [{"scale": "country", "code": "FR"}]
        elif draw < 0.50:
            perimeter = [{"scale": "region", "code": rng.choice(regs)}]
        elif draw < 0.85:
            perimeter = [{"scale": "department", "code": c} for c in rng.sample(deps, 2)]
        else:
            dep = rng.choice(deps)
            perimeter = [
                {
                    "scale": "epci",
                    "code": f"epci-{index}",
                    "name": f"EPCI {index}",
                    "department": dep,
                }
            ]
        start = on + timedelta(days=rng.randint(-900, 60))
        criteria = {
            "ceiling": rng.choice([500, 1500, 3000, 5000, 10000, 20000, 50000]),
            "regime": "de_minimis" if rng.random() < 0.6 else "other",
            "combinable": rng.random() < 0.8,
        }
        if rng.random() < 0.33:
            criteria["naf_include"] = rng.sample(divisions, 3) + rng.sample(groups, 2)
        if rng.random() < 0.2:
            criteria["naf_exclude"] = ["64", "65", "66", "68"]
        if rng.random() < 0.5:
            criteria["headcount_below"] = rng.choice([10, 11, 20, 50, 250])
        if rng.random() < 0.33:
            criteria["turnover_max"] = rng.choice([500_000, 2_000_000, 10_000_000])
        if rng.random() < 0.33:
            criteria["min_age_years"] = rng.choice([1, 2, 3])
        if rng.random() < 0.3:
            criteria["min_eligible_cost"] = rng.choice([1000, 2000, 5000])
        if rng.random() < 0.2:
            criteria["sme_categories"] = ["micro"]
        rows.append(
            {
                "slug": f"dispositif-{index:05d}",
                "name": f"Dispositif synthétique n° {index}",
                "financers": ["Banc d'essai"],
                "perimeter": perimeter,
                "targeted_audiences": ["private_sector"],
                "aid_types": [rng.choice(["grant", "grant", "loan", "guarantee"])],
                "categories": rng.sample(themes, rng.randint(1, len(themes))),
                "start_date": start.isoformat(),
                "submission_deadline": (start + timedelta(days=rng.randint(180, 1200))).isoformat(),
                "subvention_rate_upper_bound": rng.choice([None, 20, 30, 40, 50, 80]),
                "origin_url": "",
                "is_illustrative": True,
                "grappe_criteria": criteria,
            }
        )
    return rows

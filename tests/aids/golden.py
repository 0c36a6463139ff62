"""Reading the golden cases shipped beside the catalogue (aids/data/golden/<slug>.json)."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from aids.evaluator import Applicant

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "aids" / "data" / "golden"
CATALOGUE = GOLDEN_DIR.parent / "catalogue.json"


@dataclass(frozen=True)
class Case:
    scheme: str
    name: str
    on: date
    applicant: Applicant
    expected: dict


def _decimal(value):
    return None if value is None else Decimal(value)


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(GOLDEN_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            enterprise = {**document["enterprise"], **case.get("enterprise", {})}
            project = {**document["project"], **case.get("project", {})}
            applicant = Applicant(
                departement=enterprise["departement"],
                naf_code=enterprise["naf_code"],
                headcount=_decimal(enterprise["headcount"]),
                turnover=_decimal(enterprise["turnover"]),
                sme_category=enterprise["sme_category"],
                creation_date=date.fromisoformat(enterprise["creation_date"]),
                project_category=project["category"],
                eligible_cost=_decimal(project["eligible_cost"]),
                planned_grant=Decimal(project["planned_grant"]),
                de_minimis_room=_decimal(project["de_minimis_room"]),
            )
            cases.append(
                Case(
                    document["scheme"],
                    case["name"],
                    date.fromisoformat(case["on"]),
                    applicant,
                    case["expected"],
                )
            )
    return cases

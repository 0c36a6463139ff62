"""The cost references as CSV or XLSX: the columns declared once, for both. A cell that
breaks the publication rules shows its count and nothing else (costs.statistics)."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from costs.models import CostReference
from dossiers.nomenclature import naf_codes, regions
from exports.xlsx_annex import AMOUNT, INTEGER, TEXT, Column, render_rows_xlsx


def _division_label(code: str) -> str:
    for naf in naf_codes().values():
        if naf.division == code:
            return naf.division_label
    return ""


COLUMNS: tuple[Column[CostReference], ...] = (
    Column("Type de projet", lambda r: str(r.get_project_type_display()), None, 26),
    Column("Division NAF", lambda r: r.naf_division, TEXT, 8),
    Column("Activité", lambda r: _division_label(r.naf_division), None, 32),
    Column("Région", lambda r: regions().get(r.region, r.region), None, 22),
    Column("Année", lambda r: r.year, INTEGER, 8),
    Column("Nombre de devis", lambda r: r.count, INTEGER, 10),
    Column("Publiable", lambda r: "oui" if r.published else "non (secret statistique)", None, 14),
    Column("P10 HT", lambda r: r.p10, AMOUNT, 12),
    Column("P25 HT", lambda r: r.p25, AMOUNT, 12),
    Column("Médiane HT", lambda r: r.median, AMOUNT, 12),
    Column("P75 HT", lambda r: r.p75, AMOUNT, 12),
    Column("P90 HT", lambda r: r.p90, AMOUNT, 12),
)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def render_csv(rows: Iterable[CostReference]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        writer.writerow([_csv_value(column.value(row)) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(rows: Iterable[CostReference]) -> bytes:
    return render_rows_xlsx("Références de coûts", COLUMNS, rows, day=timezone.localdate())

"""The federation's request list as CSV or XLSX: the columns declared once, for both.

Text typed by applicants is neutralised against formula injection in both formats
(``exports.xlsx_annex.neutralise``). The CSV is what French spreadsheet software opens
as is: UTF-8 with a byte-order mark, ``;`` between fields, a decimal comma.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import timezone

from dossiers.models import FundingRequest
from exports.xlsx_annex import AMOUNT, DATE, DECIMAL, TEXT, Column, neutralise, render_rows_xlsx


def _submitted_on(r: FundingRequest) -> date | None:
    return timezone.localdate(r.submitted_at) if r.submitted_at else None


COLUMNS: tuple[Column[FundingRequest], ...] = (
    Column("Référence", lambda r: r.reference, None, 16),
    Column("État", lambda r: str(r.get_state_display()), None, 16),
    Column("Campagne", lambda r: r.campaign.reference, None, 16),
    Column("Entreprise", lambda r: r.enterprise.name, None, 32),
    Column("SIRET", lambda r: r.enterprise.siret, TEXT, 16),
    Column("Code NAF", lambda r: r.enterprise.naf_code, TEXT, 10),
    Column("Activité", lambda r: r.enterprise.naf_label, None, 32),
    Column("Département", lambda r: r.enterprise.departement, TEXT, 8),
    Column("Région", lambda r: r.enterprise.region_name, None, 22),
    Column("Effectif (UTA)", lambda r: r.enterprise.headcount, DECIMAL, 10),
    Column("Projet", lambda r: r.project_title, None, 32),
    Column("Coût total HT", lambda r: r.total_cost, AMOUNT, 14),
    Column("Subvention demandée", lambda r: r.grant_amount, AMOUNT, 14),
    Column("Prêt demandé", lambda r: r.loan_amount, AMOUNT, 14),
    Column("Fonds propres", lambda r: r.own_funds, AMOUNT, 14),
    Column("Déposée le", _submitted_on, DATE, 12),
)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f").replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


def render_csv(rows: Iterable[FundingRequest]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        writer.writerow([_csv_value(column.value(row)) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(rows: Iterable[FundingRequest]) -> bytes:
    return render_rows_xlsx("Demandes", COLUMNS, rows, day=timezone.localdate())

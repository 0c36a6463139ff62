"""The XLSX annex of a collective file: ``render_annex_xlsx(snapshot) -> bytes``.

The same figures as the PDF dossier, as typed cells a bank can filter and sum: amounts are
numbers with a euro number format, dates are dates, SIREN / SIRET / NAF / département
codes are string cells (leading zeros and "2A" survive). The table columns carry no "@"
text format on top: every styled cell costs openpyxl's writer about 40 % more, and a
string cell already keeps its zeros. Each sheet's columns are declared once,
as an ordered tuple of :class:`Column` (header, value function, number format, width).

Text cells coming from the applicants are neutralised against formula injection (OWASP
"CSV injection"): a value starting with ``= + - @``, a tab or a carriage return is
prefixed with an apostrophe and stored as a plain string, never as a formula.

The workbook is written in write-only mode (rows are streamed to a temporary file, so a
100 000-row annex does not sit in memory) and is deterministic: the document properties
carry the build date, and every ZIP entry the same timestamp and permissions
(:mod:`exports.ziputil`). Entries keep openpyxl's fixed write order; sorting them would
mean holding the largest sheet in memory.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from exports.snapshot import (
    DossierSnapshot,
    MemberSnapshot,
    PlanLine,
    PriorAid,
    SupplierQuote,
    SupportingDocument,
    aggregate_lines,
    fingerprint,
)
from exports.ziputil import PinnedZipFile

AMOUNT = '#,##0.00 "€"'
DATE = "DD/MM/YYYY"
DECIMAL = "0.00"
INTEGER = "0"
TEXT = "@"

T = TypeVar("T")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)

# Characters that make a spreadsheet read a cell as a formula (OWASP), plus their
# full-width forms, which some spreadsheets normalise.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Control characters XML 1.0 cannot carry (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    """Make ``text`` safe to store as a spreadsheet cell: never a formula, no bad controls."""
    if not text.isprintable():  # fast path: most names have no control character at all
        text = _ILLEGAL.sub("", text)
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    value: Callable[[T], Any]
    number_format: str | None = None  # None: General, for text and whole numbers
    width: float = 14


# --- Sheet "Membres": one row per member --------------------------------------------------

MEMBER_COLUMNS: tuple[Column[tuple[int, MemberSnapshot]], ...] = (
    Column("N°", lambda r: r[0], None, 6),
    Column("Référence de la demande", lambda r: r[1].request_reference, None, 18),
    Column("Entreprise", lambda r: r[1].company_name, None, 36),
    Column("SIREN", lambda r: r[1].siren, None, 12),
    Column("SIRET", lambda r: r[1].siret, None, 16),
    Column("Forme juridique", lambda r: r[1].legal_form, None, 16),
    Column("Date de création", lambda r: r[1].created_on, DATE, 12),
    Column("Code NAF", lambda r: r[1].naf_code, None, 9),
    Column("Activité (NAF)", lambda r: r[1].naf_label, None, 32),
    Column("Code NAFA", lambda r: r[1].nafa_code, None, 10),
    Column("Code département", lambda r: r[1].departement_code, None, 8),
    Column("Département", lambda r: r[1].departement_name, None, 16),
    Column("Code région", lambda r: r[1].region_code, None, 8),
    Column("Région", lambda r: r[1].region_name, None, 20),
    Column("Effectif (UTA)", lambda r: r[1].headcount, DECIMAL, 10),
    Column("Catégorie d’entreprise", lambda r: r[1].sme_category, None, 20),
    Column("Catégorie de projet", lambda r: r[1].project_category, None, 28),
    Column("Coût total HT", lambda r: r[1].plan.total_cost, AMOUNT, 14),
    Column("Subvention", lambda r: r[1].plan.grant, AMOUNT, 14),
    Column("Prêt", lambda r: r[1].plan.loan, AMOUNT, 14),
    Column("Fonds propres", lambda r: r[1].plan.own_funds, AMOUNT, 14),
    Column("Total des emplois", lambda r: r[1].plan.total_uses, AMOUNT, 14),
    Column("Total des ressources", lambda r: r[1].plan.total_sources, AMOUNT, 14),
    Column(
        "Aides de minimis sur la période", lambda r: r[1].de_minimis.total_over_window, AMOUNT, 14
    ),
    Column("Plafond de minimis", lambda r: r[1].de_minimis.ceiling, AMOUNT, 14),
    Column("Déclaration de minimis le", lambda r: r[1].de_minimis.declared_on, DATE, 12),
    Column("Mandat signé par", lambda r: r[1].mandate.signed_by, None, 20),
    Column("Mandat signé le", lambda r: r[1].mandate.signed_on, DATE, 12),
    Column("Pièces", lambda r: len(r[1].documents), None, 8),
)

# --- Detail sheets: one row per plan line, quote, prior aid, document -------------------

PLAN_COLUMNS: tuple[Column[tuple[MemberSnapshot, str, PlanLine]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Nature", lambda r: r[1], None, 12),
    Column("Poste", lambda r: r[2].label, None, 48),
    Column("Montant", lambda r: r[2].amount, AMOUNT, 14),
)
QUOTE_COLUMNS: tuple[Column[tuple[MemberSnapshot, SupplierQuote]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Fournisseur", lambda r: r[1].supplier, None, 30),
    Column("SIRET du fournisseur", lambda r: r[1].siret, None, 16),
    Column("Date du devis", lambda r: r[1].quoted_on, DATE, 12),
    Column("Objet", lambda r: r[1].description, None, 30),
    Column("Montant HT", lambda r: r[1].amount_excl_vat, AMOUNT, 14),
)
AID_COLUMNS: tuple[Column[tuple[MemberSnapshot, PriorAid]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Organisme", lambda r: r[1].granting_body, None, 30),
    Column("Régime", lambda r: r[1].regulation, None, 26),
    Column("Date d’octroi", lambda r: r[1].granted_on, DATE, 12),
    Column("Montant", lambda r: r[1].amount, AMOUNT, 14),
)
DOCUMENT_COLUMNS: tuple[Column[tuple[MemberSnapshot, SupportingDocument]], ...] = (
    Column("Référence de la demande", lambda r: r[0].request_reference, None, 18),
    Column("SIRET", lambda r: r[0].siret, None, 16),
    Column("Entreprise", lambda r: r[0].company_name, None, 36),
    Column("Pièce", lambda r: r[1].kind, None, 26),
    Column("Fichier", lambda r: r[1].filename, None, 30),
    Column("Émise le", lambda r: r[1].issued_on, DATE, 12),
    Column("Valable jusqu’au", lambda r: r[1].expires_on, DATE, 12),
    Column("Taille (octets)", lambda r: r[1].size, None, 12),
    Column("SHA-256", lambda r: r[1].sha256, None, 66),
)


def render_annex_xlsx(snapshot: DossierSnapshot) -> bytes:
    """Render the XLSX annex: a summary sheet, then one sheet per kind of row."""
    members = snapshot.members
    workbook = Workbook(write_only=True)
    properties = workbook.properties
    properties.creator = "Grappe"
    properties.lastModifiedBy = "Grappe"
    properties.title = f"Annexe du dossier collectif {snapshot.reference}"
    properties.subject = snapshot.grouping_key
    digest = fingerprint(snapshot)
    properties.identifier = digest

    _write_summary(workbook.create_sheet("Synthèse"), snapshot, digest)
    _write_table(workbook.create_sheet("Membres"), MEMBER_COLUMNS, enumerate(members, 1))
    _write_table(
        workbook.create_sheet("Plans de financement"),
        PLAN_COLUMNS,
        (
            (member, side, line)
            for member in members
            for side, lines in (("Emploi", member.plan.uses), ("Ressource", member.plan.sources))
            for line in lines
        ),
    )
    _write_table(
        workbook.create_sheet("Devis"),
        QUOTE_COLUMNS,
        ((member, quote) for member in members for quote in member.quotes),
    )
    _write_table(
        workbook.create_sheet("Aides de minimis"),
        AID_COLUMNS,
        ((member, aid) for member in members for aid in member.de_minimis.prior_aids),
    )
    _write_table(
        workbook.create_sheet("Pièces"),
        DOCUMENT_COLUMNS,
        ((member, doc) for member in members for doc in member.documents),
    )
    return _save(workbook, snapshot.build_date)


def render_rows_xlsx(
    title: str, columns: Sequence[Column[T]], rows: Iterable[T], *, day: date
) -> bytes:
    """One streamed sheet of typed rows (any iterable, consumed once), dated ``day``."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Grappe"
    workbook.properties.title = title
    _write_table(workbook.create_sheet(title[:31]), columns, rows)
    return _save(workbook, day)


def _save(workbook: Workbook, day: date) -> bytes:
    properties = workbook.properties
    properties.created = properties.modified = datetime.combine(day, time(12))
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save(): save() stamps the clock into docProps/core.xml.
    with PinnedZipFile(buffer, day=day) as archive:
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _typed(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None) -> Any:
    """One typed cell for the summary sheet (the tables use :class:`_RowWriter`)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = neutralise(value)
    if number_format is None:
        return value  # a plain string: neutralise() leaves no leading "="
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


class _RowWriter:
    """Turns items into typed rows, reusing one styled cell per formatted column.

    A write-only sheet serialises an appended row at once, so a column's cell object is
    free again for the next row: no new cell, no style lookup per value.
    """

    def __init__(self, sheet: WriteOnlyWorksheet, columns: Sequence[Column[Any]]) -> None:
        self.getters = [column.value for column in columns]
        self.cells: list[WriteOnlyCell | None] = []
        for column in columns:
            cell = None
            if column.number_format is not None:
                cell = WriteOnlyCell(sheet)
                cell.number_format = column.number_format
            self.cells.append(cell)
        self.plan = list(zip(self.getters, self.cells, strict=True))

    def row(self, item: Any) -> list[Any]:
        values = []
        for get, cell in self.plan:
            value = get(item)
            if value is None:
                values.append(None)
                continue
            if value.__class__ is str:
                value = neutralise(value)
            if cell is None:
                values.append(value)
            else:
                cell.value = value
                values.append(cell)
        return values


def _write_table(
    sheet: WriteOnlyWorksheet, columns: Sequence[Column[T]], rows: Iterable[T]
) -> None:
    """Header row, frozen and filtered, then one typed row per item."""
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_label(sheet, column.header, bold=True) for column in columns])
    writer = _RowWriter(sheet, columns)
    count = 0
    for item in rows:
        sheet.append(writer.row(item))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def _write_summary(sheet: WriteOnlyWorksheet, snapshot: DossierSnapshot, digest: str) -> None:
    """Key figures with the same totals as the PDF, then the collective financing plan."""
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 18
    totals = snapshot.totals
    lead, funder = snapshot.lead_partner, snapshot.funder
    rows: list[tuple[str, Any, str | None]] = [
        ("Référence du dossier", snapshot.reference, None),
        ("Campagne", snapshot.campaign_name, None),
        ("Chef de file", lead.name, None),
        ("SIREN du chef de file", lead.siren, TEXT),
        ("Financeur", f"{funder.name} ({funder.kind.label})", None),
        ("Programme", funder.programme, None),
        ("Clé de regroupement", snapshot.grouping_key, None),
        ("Dossier établi le", snapshot.build_date, DATE),
        ("Empreinte du dossier (SHA-256)", digest, TEXT),
        ("Nombre de membres", len(snapshot.members), INTEGER),
        ("Coût total des projets (HT)", totals.total_cost, AMOUNT),
        ("Subventions sollicitées", totals.grant, AMOUNT),
        ("Prêts sollicités", totals.loan, AMOUNT),
        ("Apports en fonds propres", totals.own_funds, AMOUNT),
    ]
    title = WriteOnlyCell(sheet, neutralise(f"Dossier collectif {snapshot.reference}"))
    title.font = _TITLE
    sheet.append([title])
    sheet.append([])
    for label, value, fmt in rows:
        sheet.append([_label(sheet, label), _typed(sheet, value, fmt)])
    sheet.append([])
    sheet.append([_label(sheet, "Plan de financement collectif", bold=True)])
    header = [_label(sheet, text, bold=True) for text in ("Nature", "Poste", "Montant")]
    sheet.append(header)
    plans = [member.plan for member in snapshot.members]
    for side, lines in (
        ("Emploi", aggregate_lines(plans, "uses")),
        ("Ressource", aggregate_lines(plans, "sources")),
    ):
        for line in lines:
            sheet.append([side, neutralise(line.label), _typed(sheet, line.amount, AMOUNT)])
        total = sum((line.amount for line in lines), Decimal("0.00"))
        label = "Total des emplois" if side == "Emploi" else "Total des ressources"
        sheet.append([_label(sheet, label, bold=True), None, _typed(sheet, total, AMOUNT)])


def _label(sheet: WriteOnlyWorksheet, text: str, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, neutralise(text))
    if bold:
        cell.font = _BOLD
    return cell

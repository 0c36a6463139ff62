import io
import zipfile
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from exports.snapshot import fingerprint
from exports.xlsx_annex import MEMBER_COLUMNS, neutralise, render_annex_xlsx, render_rows_xlsx
from tests.exports.sample import INJECTION, sample_dossier


@pytest.fixture(scope="module")
def snapshot():
    return sample_dossier(8)


@pytest.fixture(scope="module")
def workbook(snapshot):
    return openpyxl.load_workbook(io.BytesIO(render_annex_xlsx(snapshot)))


def member_rows(workbook):
    sheet = workbook["Membres"]
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_members_come_back_as_typed_cells(workbook, snapshot):
    rows = member_rows(workbook)
    assert len(rows) == len(snapshot.members)
    for row, member in zip(rows, snapshot.members, strict=True):
        assert row["SIRET"].value == member.siret and row["SIRET"].data_type == "s"
        assert row["SIREN"].value == member.siren
        assert row["Code NAF"].value == member.naf_code
        assert row["Code département"].value == member.departement_code
        cost = row["Coût total HT"]
        assert cost.data_type == "n"
        assert Decimal(str(cost.value)) == member.plan.total_cost
        assert cost.number_format == '#,##0.00 "€"'
        assert row["Date de création"].value == datetime.combine(
            member.created_on, datetime.min.time()
        )
        assert row["Date de création"].number_format == "DD/MM/YYYY"


def test_a_siren_with_a_leading_zero_keeps_it(workbook, snapshot):
    assert snapshot.members[0].siren.startswith("0")
    assert member_rows(workbook)[0]["SIREN"].value == snapshot.members[0].siren


def test_a_formula_in_a_company_name_is_stored_as_text(workbook):
    cells = [row["Entreprise"] for row in member_rows(workbook)]
    injected = [cell for cell in cells if INJECTION in cell.value]
    assert injected
    for cell in injected:
        assert cell.data_type == "s" and cell.data_type != "f"
        assert cell.value == "'" + INJECTION
    for sheet in workbook:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1"])
def test_every_formula_trigger_is_neutralised(text):
    assert neutralise(text) == "'" + text


def test_control_characters_are_dropped_and_plain_text_untouched():
    assert neutralise("Boulangerie\x00\x07 Dupont") == "Boulangerie Dupont"
    assert neutralise("Pâtisserie « Œuvre »") == "Pâtisserie « Œuvre »"


def test_the_summary_totals_match_the_pdf_figures(workbook, snapshot):
    values = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(values_only=True) if row[0]}
    totals = snapshot.totals
    assert values["Nombre de membres"] == len(snapshot.members)
    assert Decimal(str(values["Coût total des projets (HT)"])) == totals.total_cost
    assert Decimal(str(values["Subventions sollicitées"])) == totals.grant
    assert Decimal(str(values["Prêts sollicités"])) == totals.loan
    assert Decimal(str(values["Apports en fonds propres"])) == totals.own_funds
    assert values["Empreinte du dossier (SHA-256)"] == fingerprint(snapshot)


def test_tables_have_a_frozen_filtered_header_and_widths(workbook):
    for name in ("Membres", "Plans de financement", "Devis", "Aides de minimis", "Pièces"):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet["A1"].font.bold
    widths = workbook["Membres"].column_dimensions
    assert widths["C"].width == MEMBER_COLUMNS[2].width


def test_detail_sheets_hold_every_line(workbook, snapshot):
    plan_lines = sum(len(m.plan.uses) + len(m.plan.sources) for m in snapshot.members)
    assert workbook["Plans de financement"].max_row == 1 + plan_lines
    documents = sum(len(m.documents) for m in snapshot.members)
    assert workbook["Pièces"].max_row == 1 + documents


def test_two_builds_are_byte_identical(snapshot):
    assert render_annex_xlsx(snapshot) == render_annex_xlsx(snapshot)


def test_document_properties_carry_the_build_date(workbook, snapshot):
    assert workbook.properties.created.date() == snapshot.build_date
    assert workbook.properties.modified.date() == snapshot.build_date


def test_a_streamed_sheet_takes_any_iterable_and_stays_deterministic(snapshot):
    members = lambda: ((number, member) for number, member in enumerate(snapshot.members, 1))  # noqa: E731
    first = render_rows_xlsx("Membres", MEMBER_COLUMNS, members(), day=snapshot.build_date)
    assert render_rows_xlsx("Membres", MEMBER_COLUMNS, members(), day=snapshot.build_date) == first
    sheet = openpyxl.load_workbook(io.BytesIO(first))["Membres"]
    assert sheet.max_row == 1 + len(snapshot.members)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_zip_entries_carry_the_build_date_not_the_clock(snapshot):
    with zipfile.ZipFile(io.BytesIO(render_annex_xlsx(snapshot))) as archive:
        stamps = {info.date_time[:3] for info in archive.infolist()}
    assert stamps == {(2026, 11, 23)}

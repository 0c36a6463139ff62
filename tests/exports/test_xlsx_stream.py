"""The streaming SpreadsheetML writer, read back with openpyxl and checked part by part."""

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from lxml import etree

from exports import xlsx_stream
from exports.xlsx_annex import (
    AMOUNT,
    DATE,
    DECIMAL,
    INTEGER,
    MEMBER_COLUMNS,
    TEXT,
    Column,
    render_annex_xlsx,
    render_rows_xlsx,
)
from exports.xlsx_stream import BATCH_ROWS, Cell, XlsxWriter, column_letter
from tests.exports.sample import BUILD_DATE, sample_dossier

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass
class Row:
    siret: str
    name: str
    amount: Decimal
    on: date | None
    count: int
    ratio: Decimal | None = None


COLUMNS = (
    Column("SIRET", lambda r: r.siret, None, 16),
    Column("Nom", lambda r: r.name, None, 30),
    Column("Montant", lambda r: r.amount, AMOUNT, 14),
    Column("Le", lambda r: r.on, DATE, 12),
    Column("Nombre", lambda r: r.count, INTEGER, 8),
    Column("Taux", lambda r: r.ratio, DECIMAL, 8),
    Column("Code", lambda r: r.siret[:5], TEXT, 8),
)
ROWS = [
    Row("00123456700012", "Boulangerie « Œuvre » €", Decimal("1234.50"), date(2026, 3, 1), 3),
    Row("01234567800019", "=SUM(A1:A9)", Decimal("-0.01"), None, 0, Decimal("0.25")),
    Row("98765432100011", 'Pâtisserie 🥐 & <Cie> "l\'œuf"', Decimal("1E+6"), date(1999, 12, 31), 7),
]


def build(rows=ROWS, columns=COLUMNS, title="Demandes") -> bytes:
    return render_rows_xlsx(title, columns, iter(rows), day=BUILD_DATE)


def load(data: bytes) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns on anything it had to guess
        return openpyxl.load_workbook(io.BytesIO(data), read_only=False)


def sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def one_cell(value: Any, number_format: str | None = None):
    data = build([value], (Column("Valeur", lambda v: v, number_format),))
    return load(data).active["A2"]


def test_values_come_back_typed():
    sheet = load(build()).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [cell.value for cell in rows[0]] == [
        "00123456700012",
        "Boulangerie « Œuvre » €",
        1234.5,
        datetime(2026, 3, 1),
        3,
        None,
        "00123",
    ]
    assert [cell.data_type for cell in rows[0]] == ["s", "s", "n", "d", "n", "n", "s"]
    assert Decimal(str(rows[1][2].value)) == Decimal("-0.01")
    assert rows[1][5].value == 0.25
    assert rows[2][2].value == 1_000_000
    assert rows[2][3].value == datetime(1999, 12, 31)


def test_number_formats_are_applied_and_declared_once():
    data = build()
    sheet = load(data).active
    assert [sheet.cell(2, n).number_format for n in range(3, 6)] == [AMOUNT, DATE, INTEGER]
    assert sheet["F3"].number_format == DECIMAL
    assert sheet["G2"].number_format == TEXT and sheet["A2"].number_format == "General"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = etree.fromstring(archive.read("xl/styles.xml"))
    custom = [fmt.get("formatCode") for fmt in styles.iter(f"{MAIN}numFmt")]
    assert sorted(custom) == sorted([AMOUNT, DATE])  # "0", "0.00" and "@" are built in
    formats = [(xf.get("numFmtId"), xf.get("fontId")) for xf in styles.find(f"{MAIN}cellXfs")]
    assert len(formats) == len(set(formats))


def test_the_header_is_bold_frozen_filtered_and_sized():
    sheet = load(build()).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G4"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["B2"].font.b
    assert [sheet.column_dimensions[column_letter(n)].width for n in (1, 2, 3)] == [16, 30, 14]


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1"])
def test_injection_is_stored_as_text_never_a_formula(text):
    cell = one_cell(text)
    assert cell.data_type == "s" and cell.value == "'" + text


def test_no_sheet_holds_a_formula_or_a_shared_string():
    data = render_annex_xlsx(sample_dossier(8))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        sheets = [archive.read(name) for name in names if name.startswith("xl/worksheets/")]
    assert "xl/sharedStrings.xml" not in names
    assert all(b"<f>" not in xml and b"<f " not in xml for xml in sheets)
    for sheet in load(data):
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_two_builds_are_byte_identical_and_zip_entries_pinned():
    assert build() == build()
    with zipfile.ZipFile(io.BytesIO(build())) as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(2026, 11, 23, 12, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert infos[0].filename == "[Content_Types].xml"  # what file-type sniffers look at


def test_an_empty_sheet_is_valid():
    data = build([])
    sheet = load(data).active
    assert sheet.max_row == 1 and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G1"
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]


@pytest.mark.parametrize(
    "text",
    [
        "é œ Œ « » € ’ — ñ ß",
        "Boulangerie 🥐🇫🇷 Café",
        "漢字とかな",
        "a & b < c > d \" e ' f ]]> g",
        "  espaces autour  ",
        "ligne 1\nligne 2\ttab",
        "fin de ligne\r\nWindows",
    ],
)
def test_text_round_trips(text):
    cell = one_cell(text)
    assert cell.data_type == "s" and cell.value == text


def test_control_characters_and_non_xml_code_points_are_dropped():
    assert one_cell("Boulangerie\x00\x07\x1b Dupont\x0b").value == "Boulangerie Dupont"
    assert one_cell("a\ud800b\ufffec\uffff").value == "abc"


def test_every_part_parses_and_is_declared():
    data = render_annex_xlsx(sample_dossier(3))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: etree.fromstring(archive.read(name)) for name in archive.namelist()}
    types = parts["[Content_Types].xml"]
    overrides = {node.get("PartName").lstrip("/") for node in types if node.get("PartName")}
    assert overrides == {name for name in parts if not name.endswith(".rels")} - {
        "[Content_Types].xml"
    }
    for rels, base in (("_rels/.rels", ""), ("xl/_rels/workbook.xml.rels", "xl/")):
        for relation in parts[rels]:
            assert base + relation.get("Target") in parts
    sheet = parts["xl/worksheets/sheet2.xml"]
    order = [child.tag.removeprefix(MAIN) for child in sheet]
    assert order == [
        "sheetViews",
        "sheetFormatPr",
        "cols",
        "sheetData",
        "autoFilter",
        "pageMargins",
    ]


def test_dates_datetimes_and_the_1900_leap_bug():
    assert one_cell(date(2026, 11, 23), DATE).value == datetime(2026, 11, 23)
    assert one_cell(datetime(2026, 11, 23, 12, 30), DATE).value == datetime(2026, 11, 23, 12, 30)
    assert one_cell(date(1900, 1, 1), DATE).value == datetime(1900, 1, 1)
    assert one_cell(date(1900, 3, 1), DATE).value == datetime(1900, 3, 1)
    assert "<v>46349</v>" in sheet_xml(
        build([date(2026, 11, 23)], (Column("d", lambda v: v, DATE),))
    )
    unformatted = one_cell(date(2026, 1, 2))
    assert unformatted.value == datetime(2026, 1, 2) and unformatted.number_format == "yyyy-mm-dd"


def test_other_scalars():
    assert one_cell(True).value is True
    assert one_cell(2.5).value == 2.5
    assert one_cell(12345678901).value == 12345678901
    assert one_cell("").value is None  # no empty string cell


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (Decimal("NaN"), ValueError),
        (float("inf"), ValueError),
        (datetime(2026, 1, 1, tzinfo=UTC), TypeError),
        (object(), TypeError),
        (b"bytes", TypeError),
    ],
)
def test_values_a_spreadsheet_cannot_hold_are_refused(value, error):
    with pytest.raises(error):
        build([value], (Column("x", lambda v: v),))


def test_rows_are_streamed_into_the_archive_as_they_come():
    buffer = io.BytesIO()
    sizes = []

    def rows():
        for number in range(4 * BATCH_ROWS):
            sizes.append(buffer.tell())
            yield number

    columns = [Column(f"c{n}", lambda v, n=n: f"valeur {v * n} {v}") for n in range(10)]
    with XlsxWriter(buffer, ["Feuille"], day=BUILD_DATE) as book:
        assert book.table("Feuille", columns, rows()) == 4 * BATCH_ROWS
    assert sizes[-1] > sizes[0] + 10_000  # bytes left for the archive before the last row


def test_free_form_sheets_and_declared_order():
    buffer = io.BytesIO()
    with XlsxWriter(buffer, ["Synthèse", "Liste"], day=BUILD_DATE, title="T") as book:
        with pytest.raises(ValueError, match="next declared"):
            book.table("Liste", COLUMNS, [])
        book.sheet(
            "Synthèse",
            [[Cell("Titre", bold=True, size=14)], [], ["Total", Cell(Decimal("12.30"), AMOUNT)]],
            widths=(40, 20),
        )
        book.table("Liste", COLUMNS, ROWS)
    workbook = load(buffer.getvalue())
    summary = workbook["Synthèse"]
    assert summary["A1"].font.b and summary["A1"].font.sz == 14
    assert summary["B3"].value == 12.3 and summary["B3"].number_format == AMOUNT
    assert summary.freeze_panes is None and summary.column_dimensions["A"].width == 40
    assert workbook.sheetnames == ["Synthèse", "Liste"]
    assert workbook.properties.title == "T"
    assert workbook.properties.created == datetime(2026, 11, 23, 12)


@pytest.mark.parametrize("names", [["a/b"], ["x" * 32], [""], ["'q"], ["Feuille", "FEUILLE"]])
def test_invalid_sheet_names_are_refused(names):
    with pytest.raises(ValueError):
        XlsxWriter(io.BytesIO(), names, day=BUILD_DATE)


def test_a_long_title_is_cut_to_a_sheet_name():
    title = "Demandes de la campagne numérique 2026"
    workbook = load(build(title=title))
    assert workbook.sheetnames == [title[:31]] and workbook.properties.title == title


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 29, 52, 702, 703)] == [
        "A",
        "Z",
        "AA",
        "AC",
        "AZ",
        "ZZ",
        "AAA",
    ]


def test_the_member_sheet_reads_back_like_the_annex():
    members = sample_dossier(5).members
    data = render_rows_xlsx("Membres", MEMBER_COLUMNS, enumerate(members, 1), day=BUILD_DATE)
    sheet = load(data).active
    assert sheet.auto_filter.ref == f"A1:AI{len(members) + 1}"
    row = [cell.value for cell in sheet[2]]
    assert row[4] == members[0].siret and row[4].startswith("0")
    assert re.fullmatch(r"DEM-\d{4}-\d+", row[1])


def test_a_large_workbook_goes_through_a_temporary_file_unchanged(monkeypatch):
    in_memory = build()
    monkeypatch.setattr(xlsx_stream, "SPOOL_BYTES", 1)  # roll over to disk at once
    assert build() == in_memory


def test_a_sheet_beyond_excel_limits_is_refused(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", BATCH_ROWS + 10)
    build([ROWS[0]] * (BATCH_ROWS + 9))  # header + rows = the limit
    for count in (BATCH_ROWS + 10, 3 * BATCH_ROWS):
        with pytest.raises(ValueError, match="more than"):
            build([ROWS[0]] * count)
    with pytest.raises(ValueError, match="columns"):
        build(columns=())

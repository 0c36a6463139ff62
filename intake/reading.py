"""Reading a federation's member sheet, row by row, whatever saved it.

``read_table(path, name)`` opens an ``.xlsx``, ``.ods`` or ``.csv`` file and returns a
``Table``: the sheet's rows as lists of raw values (numbers, text, dates) with their
sheet row number, and the workbook's date system. Nothing is interpreted here: the values
are parsed by ``intake.values`` once the columns are known.

- ``.xlsx``: openpyxl in read-only, data-only mode, so a 100 000-row file streams. Its
  row parser is extended by one test: a formula cell whose file holds no computed value
  (a sheet written by a script and never opened in a spreadsheet) becomes ``NO_VALUE``
  instead of an empty cell, so that it is reported, never read as blank.
- ``.ods``: python-calamine (the Rust ``calamine`` reader that pandas also uses). odfpy,
  pyexcel-ods3 and pandas' ODS engine build the whole XML tree in memory, hundreds of
  megabytes for a large sheet; calamine keeps only the cell values.
- ``.csv``: UTF-8 with or without BOM, else Windows-1252 (Excel's "CSV" in France);
  separator ``;`` or ``,`` (or tab) found by the standard sniffer.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

EXCEL_1900 = date(1899, 12, 30)  # day 0 of Excel's 1900 system (after its 29/02/1900)
EXCEL_1904 = date(1904, 1, 1)


class NoValue:
    """A formula cell saved without its computed value."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = NoValue()


class UnreadableFile(ValueError):
    """The file is not a sheet we can read; the message says why, in French."""


@dataclass
class Table:
    rows: Iterator[tuple[int, list]]  # (sheet row number from 1, values)
    epoch: date  # day 0 of the sheet's serial dates
    kind: str  # "xlsx", "ods" or "csv"


def read_table(path: str | Path, name: str) -> Table:
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path)
    if suffix == ".ods":
        return _ods(path)
    if suffix in (".csv", ".txt"):
        return _csv(path)
    raise UnreadableFile(
        f"« {name} » : format non pris en charge. Enregistrez la feuille en .xlsx, .ods ou .csv."
    )


# --- xlsx --------------------------------------------------------------------------------
class _Parser(WorkSheetParser):
    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = NO_VALUE
        return cell


def _xlsx(path) -> Table:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("Le fichier n'est pas un classeur Excel (.xlsx) lisible.") from exc
    sheet = book.worksheets[0]
    epoch = EXCEL_1904 if book.epoch.year == 1904 else EXCEL_1900

    def rows():
        try:
            with sheet._get_source() as source:
                parser = _Parser(
                    source,
                    sheet._shared_strings,
                    data_only=True,
                    epoch=book.epoch,
                    date_formats=book._date_formats,
                    timedelta_formats=book._timedelta_formats,
                )
                for number, cells in parser.parse():
                    values = []
                    for cell in cells:
                        column = cell["column"]
                        values.extend([None] * (column - 1 - len(values)))
                        values.append(cell["value"])
                    yield number, values
        finally:
            book.close()

    return Table(rows(), epoch, "xlsx")


# --- ods ---------------------------------------------------------------------------------
_NULL_DATE = re.compile(rb'<table:null-date[^>]*table:date-value="(\d{4})-(\d{2})-(\d{2})"')


def _ods_epoch(path) -> date:
    """LibreOffice writes a 1904 workbook's day 0 in its calculation settings."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            head = content.read(64 * 1024)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnreadableFile(
            "Le fichier n'est pas un classeur OpenDocument (.ods) lisible."
        ) from exc
    found = _NULL_DATE.search(head)
    return date(*map(int, found.groups())) if found else EXCEL_1900


def _ods(path) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    epoch = _ods_epoch(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
    except (CalamineError, OSError, ValueError) as exc:
        raise UnreadableFile(
            "Le fichier n'est pas un classeur OpenDocument (.ods) lisible."
        ) from exc
    first = sheet.start[0] if sheet.start else 0

    def rows():
        try:
            for offset, values in enumerate(sheet.iter_rows()):
                yield first + offset + 1, [None if v == "" else v for v in values]
        finally:
            book.close()

    return Table(rows(), epoch, "ods")


# --- csv ---------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv(path) -> Table:
    text = _decode(Path(path).read_bytes())
    sample = text[: 64 * 1024]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:  # one column, or too few lines to tell: the most frequent wins

        class dialect(csv.excel):
            delimiter = ";" if sample.count(";") >= sample.count(",") else ","

    def rows():
        for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            yield number, [v if v.strip() else None for v in values]

    return Table(rows(), EXCEL_1900, "csv")

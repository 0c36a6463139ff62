"""The error report of a preview: an .xlsx a federation can fix its sheet from.

Sheet « Lignes en erreur »: the header row and every faulty row as read from the file,
each faulty cell filled red with its reason as a comment, the reasons in a last column.
Sheet « Erreurs »: one line per error (sheet row, column, header, reason). Text coming from
the file is neutralised against formula injection like every export (``exports``).
"""

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string

from exports.xlsx_stream import neutralise
from intake.models import MemberImport
from intake.reading import NO_VALUE, read_table

FAULTY = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
BOLD = Font(bold=True)


def _cell(sheet, value, *, fill=None, comment=None, bold=False):
    if value is NO_VALUE:
        value = ""
    elif isinstance(value, str):
        value = neutralise(value)
    elif not isinstance(value, int | float | date | datetime) and value is not None:
        value = neutralise(str(value))
    cell = WriteOnlyCell(sheet, value=value)
    if fill:
        cell.fill = fill
    if comment:
        cell.comment = Comment(comment, "Grappe")
    if bold:
        cell.font = BOLD
    return cell


def error_report(member_import: MemberImport) -> bytes:
    faulty = {row["row"]: row["errors"] for row in member_import.iter_rows() if row["errors"]}
    book = Workbook(write_only=True)
    lines = book.create_sheet("Lignes en erreur")
    listing = book.create_sheet("Erreurs")
    listing.append([_cell(listing, h, bold=True) for h in ("Ligne", "Colonne", "En-tête", "Motif")])
    table = read_table(member_import.stored_file.file.path, member_import.stored_file.original_name)
    for number, cells in table.rows:
        if number == member_import.header_row:
            lines.append(
                [_cell(lines, "Ligne", bold=True)]
                + [_cell(lines, v, bold=True) for v in cells]
                + [_cell(lines, "Motifs", bold=True)]
            )
            continue
        errors = faulty.get(number)
        if not errors:
            continue
        marked = {}
        for error in errors:
            if error["column"]:
                index = column_index_from_string(error["column"]) - 1
                marked.setdefault(index, []).append(error["reason"])
            listing.append(
                [
                    _cell(listing, number),
                    _cell(listing, error["column"]),
                    _cell(listing, error["header"]),
                    _cell(listing, error["reason"]),
                ]
            )
        width = max([len(cells), *(i + 1 for i in marked)])
        padded = list(cells) + [None] * (width - len(cells))
        row = [_cell(lines, number)]
        for index, value in enumerate(padded):
            reasons = marked.get(index)
            row.append(
                _cell(lines, value, fill=FAULTY if reasons else None,
                      comment="\n".join(reasons) if reasons else None)
            )  # fmt: skip
        row.append(_cell(lines, " ; ".join(e["reason"] for e in errors)))
        lines.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

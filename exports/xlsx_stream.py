"""A small streaming SpreadsheetML writer: typed rows go straight into the ZIP entry.

openpyxl builds every cell through lxml (about 20 µs of CPU each), which caps a 29-column
sheet near 1 400 rows/s. Here each cell is one f-string from a formatter chosen once per
column and value type, and each sheet is streamed into its ZIP entry in batches of rows:
a sheet of any length costs a few megabytes besides the compressed output.

What it writes: inline strings (``t="inlineStr"``, so no shared-strings table grows in
memory), numbers as ``<v>``, dates as serial numbers with a date format, booleans. Text is
neutralised against formula injection (:func:`neutralise`), XML-escaped, and loses what
XML 1.0 cannot carry; no cell is ever a formula. ``xl/styles.xml`` holds exactly the number
formats and fonts the cells use. The bytes are deterministic: the document dates are the
given day and every ZIP entry is pinned by :mod:`exports.ziputil`.

    with XlsxWriter(buffer, ["Membres"], day=day, title="…") as book:
        book.table("Membres", columns, rows)  # bold header, frozen and filtered; typed rows
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from exports.ziputil import PinnedZipFile, pinned_info

ISO_DATE = "yyyy-mm-dd"  # a date in a cell without a number format (as openpyxl does)
BATCH_ROWS = 512  # rows joined, encoded and compressed per write into the ZIP entry
SPOOL_BYTES = 1 << 20  # an archive past this size is assembled in a temporary file
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # a worksheet's limits in Excel

# Characters that make a spreadsheet read a cell as a formula (OWASP), plus their
# full-width forms, which some spreadsheets normalise.
# Formula and DDE starts (OWASP CSV injection), their full-width and small-form twins, and
# the invisible characters a spreadsheet may skip before reading a formula
# (docs/rules.md#formula-injection).
_FORMULA_TRIGGERS = (
    "=", "+", "-", "@", "|", "\t", "\r", "＝", "＋", "－", "＠", "｜", "\ufe66", "\ufe62",
    "\ufe63", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
)  # fmt: skip
# What XML 1.0 cannot carry: C0 controls but tab / LF / CR, lone surrogates, U+FFFE/FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_NAME = re.compile(r"[^\[\]:*?/\\']([^\[\]:*?/\\]{0,29}[^\[\]:*?/\\'])?")
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}
_EPOCH = date(1899, 12, 30).toordinal()
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SCHEMAS = "http://schemas.openxmlformats.org/"
_MAIN = f'xmlns="{_SCHEMAS}spreadsheetml/2006/main"'
_REL = f"{_SCHEMAS}officeDocument/2006/relationships"
_PKG = f"{_SCHEMAS}package/2006/"
_CT = "application/vnd.openxmlformats-"
_SHEET_CT = f"{_CT}officedocument.spreadsheetml.worksheet+xml"
_PARTS_CT = {
    "xl/workbook.xml": f"{_CT}officedocument.spreadsheetml.sheet.main+xml",
    "xl/styles.xml": f"{_CT}officedocument.spreadsheetml.styles+xml",
    "docProps/core.xml": f"{_CT}package.core-properties+xml",
    "docProps/app.xml": f"{_CT}officedocument.extended-properties+xml",
}
_FROZEN = (
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
)
_SELECTED = ' tabSelected="1"'
_APPLY_FORMAT, _APPLY_FONT = ' applyNumberFormat="1"', ' applyFont="1"'
_STYLES_FIXED = (
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
    '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
)

CellFormatter = Callable[[Any, str], str]  # (value, row number) -> one <c> element


def neutralise(text: str) -> str:
    """Make ``text`` safe to store as a spreadsheet cell: never a formula, no bad controls."""
    if not text.isprintable():  # fast path: most names have no control character at all
        text = _ILLEGAL.sub("", text)
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def xml_text(text: str) -> str:
    """``text`` as XML character data: illegal characters dropped, ``& < >`` and CR escaped."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if not text.isprintable():
        text = _ILLEGAL.sub("", text).replace("\r", "&#13;")  # a raw CR would read back as LF
    return text


def _inline(text: str) -> str:
    text = xml_text(neutralise(text))
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _decimal(value: Decimal) -> str:
    if value.is_finite():
        return str(value)
    raise ValueError(f"a spreadsheet cannot hold {value!r}")


def _float(value: float) -> str:
    if value - value == 0:  # NaN and the infinities give NaN
        return repr(value)
    raise ValueError(f"a spreadsheet cannot hold {value!r}")


def _serial(value: date) -> str:
    """Excel's serial day number (1900 system, with its phantom 29 February 1900)."""
    days = value.toordinal() - _EPOCH
    if 0 < days <= 60:
        days -= 1
    if not isinstance(value, datetime):
        return str(days)
    if value.tzinfo is not None:
        raise TypeError("a spreadsheet date has no time zone; convert it to local time first")
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return repr(days + seconds / 86400) if seconds else str(days)


# The value types a cell takes: (type, cell type attribute, conversion to the <v> text).
# bool before int, datetime (a date) handled by _serial.
_KINDS: tuple[tuple[type, str, Callable[[Any], Any]], ...] = (
    (str, ' t="inlineStr"', _inline),
    (bool, ' t="b"', int),
    (int, "", int),
    (Decimal, "", _decimal),
    (float, "", _float),
    (date, "", _serial),
)


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Cell:
    """A value with its own look, for free-form sheets (:meth:`XlsxWriter.sheet`)."""

    value: Any
    number_format: str | None = None
    bold: bool = False
    size: float | None = None


class _Column:
    """One column's cell formatters, one per value type, each built on first use."""

    __slots__ = ("book", "letter", "number_format", "font", "formatters")

    def __init__(self, book: XlsxWriter, letter: str, number_format: str | None, font: int):
        self.book, self.letter = book, letter
        self.number_format, self.font = number_format, font
        self.formatters: dict[type, CellFormatter] = {}

    def formatter(self, value: Any) -> CellFormatter:
        made = self.formatters.get(value.__class__)
        if made is not None:
            return made
        kind, t, convert = next((k for k in _KINDS if isinstance(value, k[0])), (None, "", str))
        if kind is None:
            raise TypeError(f"no spreadsheet cell for a {type(value).__name__}: {value!r}")
        number_format = self.number_format
        if kind is date and number_format is None:
            number_format = ISO_DATE
        style = self.book.style(number_format, self.font)
        s = f' s="{style}"' if style else ""
        head, tail = f'<c r="{self.letter}', f'"{s}{t}>'
        if kind is str:  # an empty string makes no cell
            made = lambda v, r: v and f"{head}{r}{tail}{_inline(v)}</c>"  # noqa: E731
        else:
            made = lambda v, r: f"{head}{r}{tail}<v>{convert(v)}</v></c>"  # noqa: E731
        self.formatters[value.__class__] = made
        return made


class XlsxWriter:
    """An .xlsx written in one pass: sheets are named up front, then written in that order."""

    def __init__(
        self,
        file: IO[bytes],
        sheet_names: Sequence[str],
        *,
        day: date,
        title: str = "",
        subject: str = "",
        identifier: str = "",
    ) -> None:
        for name in sheet_names:
            if not _SHEET_NAME.fullmatch(name):
                raise ValueError(f"not a valid sheet name: {name!r}")
        if len({name.casefold() for name in sheet_names}) != len(sheet_names):
            raise ValueError(f"two sheets would have the same name: {sheet_names!r}")
        self.names, self.filters = list(sheet_names), [""] * len(sheet_names)
        self.archive = PinnedZipFile(file, day=day)
        self.formats: dict[str, int] = {}
        self.fonts: dict[tuple[bool, float | None], int] = {(False, None): 0}
        self.styles: dict[tuple[int, int], int] = {(0, 0): 0}
        sheets = [f"xl/worksheets/sheet{n}.xml" for n in range(1, len(self.names) + 1)]
        overrides = [*((part, _SHEET_CT) for part in sheets), *_PARTS_CT.items()]
        self._part(
            "[Content_Types].xml",
            f'<Types xmlns="{_SCHEMAS}package/2006/content-types"><Default Extension="rels" '
            f'ContentType="{_CT}package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/>'
            + "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides)
            + "</Types>",
        )
        self._relations(
            "_rels/.rels",
            [
                (f"{_REL}/officeDocument", "xl/workbook.xml"),
                (f"{_PKG}relationships/metadata/core-properties", "docProps/core.xml"),
                (f"{_REL}/extended-properties", "docProps/app.xml"),
            ],
        )
        stamp = f'xsi:type="dcterms:W3CDTF">{day.isoformat()}T12:00:00Z</dcterms:'
        described = (("title", title), ("subject", subject), ("identifier", identifier))
        self._part(
            "docProps/core.xml",
            f'<cp:coreProperties xmlns:cp="{_PKG}metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
            'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Grappe'
            "</dc:creator>"
            + "".join(f"<dc:{k}>{xml_text(v)}</dc:{k}>" for k, v in described if v)
            + f"<cp:lastModifiedBy>Grappe</cp:lastModifiedBy><dcterms:created {stamp}created>"
            f"<dcterms:modified {stamp}modified></cp:coreProperties>",
        )
        self._part(
            "docProps/app.xml",
            f'<Properties xmlns="{_SCHEMAS}officeDocument/2006/extended-properties">'
            "<Application>Grappe</Application></Properties>",
        )
        self.written = 0

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, error: object, *details: object) -> None:
        if error is None:
            self.close()
        else:
            self.archive.close()  # keep the first error, not "sheets not written"

    def style(self, number_format: str | None = None, font: int = 0) -> int:
        """The cellXfs index of a number format and a font, registered on first use."""
        code = number_format or "General"
        number = _BUILTIN_FORMATS.get(code)
        if number is None:
            number = self.formats.setdefault(code, 164 + len(self.formats))
        return self.styles.setdefault((number, font), len(self.styles))

    def font(self, bold: bool = False, size: float | None = None) -> int:
        return self.fonts.setdefault((bold, size), len(self.fonts))

    def table(self, name: str, columns: Sequence[Any], rows: Iterable[Any]) -> int:
        """A bold header, frozen and filtered, then one row per item; returns the item count.

        ``columns`` have ``header``, ``value`` (item -> value), ``number_format``, ``width``.
        """
        if not 0 < len(columns) <= MAX_COLUMNS:
            raise ValueError(f"a table has 1 to {MAX_COLUMNS} columns, not {len(columns)}")
        letters = [column_letter(n) for n in range(1, len(columns) + 1)]
        bold = self.font(bold=True)
        header = "".join(
            _Column(self, letter, None, bold).formatter(column.header)(column.header, "1")
            for letter, column in zip(letters, columns, strict=True)
        )
        plan = [
            (column.value, _Column(self, letter, column.number_format, 0))
            for letter, column in zip(letters, columns, strict=True)
        ]

        def lines() -> Iterator[str]:
            yield f'<row r="1">{header}</row>'
            number = 1
            for item in rows:
                number += 1
                r = str(number)
                cells = []
                for get, column in plan:
                    value = get(item)
                    if value is not None:
                        fmt = column.formatters.get(value.__class__) or column.formatter(value)
                        cells.append(fmt(value, r))
                yield f'<row r="{r}">{"".join(cells)}</row>'

        return self._sheet(name, [column.width for column in columns], lines(), filtered=True) - 1

    def sheet(self, name: str, rows: Iterable[Sequence[Any]], widths: Sequence[float] = ()) -> None:
        """A free-form sheet: each row a sequence of plain values or :class:`Cell`."""

        def lines() -> Iterator[str]:
            for number, row in enumerate(rows, 1):
                cells = []
                for index, value in enumerate(row, 1):
                    cell = value if isinstance(value, Cell) else Cell(value)
                    if cell.value is not None:
                        font = self.font(cell.bold, cell.size)
                        column = _Column(self, column_letter(index), cell.number_format, font)
                        cells.append(column.formatter(cell.value)(cell.value, str(number)))
                yield f'<row r="{number}">{"".join(cells)}</row>'

        self._sheet(name, widths, lines(), filtered=False)

    def _sheet(
        self, name: str, widths: Sequence[float], lines: Iterable[str], filtered: bool
    ) -> int:
        """Stream one worksheet part; a filtered sheet has its header row frozen too."""
        index = self.written
        if index >= len(self.names) or self.names[index] != name:
            raise ValueError(f"sheet {name!r} is not the next declared one")
        self.written += 1
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>'
            for n, width in enumerate(widths, 1)
        )
        cols = f"<cols>{cols}</cols>" if cols else ""
        count = 0
        info = pinned_info(f"xl/worksheets/sheet{index + 1}.xml", self.archive.date_time)
        with self.archive.open(info, "w") as out:
            out.write(
                f'{_HEAD}<worksheet {_MAIN} xmlns:r="{_REL}"><sheetViews><sheetView'
                f'{_SELECTED if index == 0 else ""} workbookViewId="0">'
                f"{_FROZEN if filtered else ''}</sheetView></sheetViews><sheetFormatPr "
                f'defaultRowHeight="15"/>{cols}<sheetData>'.encode()
            )
            batch: list[str] = []
            for line in lines:
                batch.append(line)
                if len(batch) == BATCH_ROWS:
                    out.write("".join(batch).encode())
                    count += BATCH_ROWS
                    batch.clear()
                    if count > MAX_ROWS:
                        raise ValueError(f"sheet {name!r} has more than {MAX_ROWS} rows")
            count += len(batch)
            if count > MAX_ROWS:
                raise ValueError(f"sheet {name!r} has more than {MAX_ROWS} rows")
            out.write(f"{''.join(batch)}</sheetData>".encode())
            if filtered:
                self.filters[index] = f"$A$1:${column_letter(len(widths))}${count}"
                out.write(f'<autoFilter ref="{self.filters[index].replace("$", "")}"/>'.encode())
            out.write(
                b'<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
                b'footer="0.5"/></worksheet>'
            )
        return count

    def close(self) -> None:
        """Write the workbook, its relationships and the styles the cells used."""
        if self.written != len(self.names):
            raise ValueError(f"sheets declared but not written: {self.names[self.written :]}")
        quoted = ["'" + name.replace("'", "''") + "'" for name in self.names]
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"{xml_text(quoted[n])}!{ref}</definedName>"
            for n, ref in enumerate(self.filters)
            if ref
        )
        self._part(
            "xl/workbook.xml",
            f'<workbook {_MAIN} xmlns:r="{_REL}"><workbookPr/><bookViews><workbookView '
            'activeTab="0"/></bookViews><sheets>'
            + "".join(
                f'<sheet name="{xml_text(name)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, name in enumerate(self.names, 1)
            )
            + f"</sheets>{f'<definedNames>{filters}</definedNames>' if filters else ''}</workbook>",
        )
        count = len(self.names)
        self._relations(
            "xl/_rels/workbook.xml.rels",
            [(f"{_REL}/worksheet", f"worksheets/sheet{n}.xml") for n in range(1, count + 1)]
            + [(f"{_REL}/styles", "styles.xml")],
        )
        formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode={quoteattr(code)}/>'
            for code, number in self.formats.items()
        )
        fonts = "".join(
            f'<font>{"<b/>" if bold else ""}<sz val="{size or 11:g}"/><name val="Calibri"/>'
            '<family val="2"/></font>'
            for bold, size in self.fonts
        )
        xfs = "".join(
            f'<xf numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" xfId="0"'
            f"{_APPLY_FORMAT if number else ''}{_APPLY_FONT if font else ''}/>"
            for number, font in self.styles
        )
        self._part(
            "xl/styles.xml",
            f"<styleSheet {_MAIN}>"
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(self.fonts)}">{fonts}</fonts>{_STYLES_FIXED}'
            f'<cellXfs count="{len(self.styles)}">{xfs}</cellXfs><cellStyles count="1">'
            '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
        )
        self.archive.close()

    def _relations(self, name: str, targets: list[tuple[str, str]]) -> None:
        self._part(
            name,
            f'<Relationships xmlns="{_PKG}relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
                for n, (kind, target) in enumerate(targets, 1)
            )
            + "</Relationships>",
        )

    def _part(self, name: str, xml: str) -> None:
        self.archive.writestr(name, (_HEAD + xml).encode())


def xlsx_bytes(
    write: Callable[[XlsxWriter], object], sheet_names: Sequence[str], **options: Any
) -> bytes:
    """The bytes of a workbook that ``write`` fills; ``options`` go to :class:`XlsxWriter`.

    A large archive is assembled in a temporary file, then read back in one allocation: an
    in-memory buffer that keeps growing can briefly need twice its size when reallocated.
    """
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
        with XlsxWriter(file, sheet_names, **options) as book:
            write(book)
        file.seek(0)
        return file.read()

"""What the PDF documents share: the embedded font, the styles, and the numbered canvas.

The font is DejaVu Sans (regular and bold), subset to the Latin scripts and the French
punctuation (see ``fonts/README.md``): ReportLab's bundled Vera lacks the narrow no-break
space that French amounts use. ReportLab embeds only the glyphs a document uses.

Every page carries a footer with the document's reference, an optional fingerprint and
"page x / y". The total page count is only known at the end, so the canvas keeps each
page's drawing instructions until ``save()`` and writes the footers then (ReportLab
holds the pages in memory until it writes the file anyway).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus.tables import Table, TableStyle

from dossiers.formatting import euros

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "GrappeSans"
FONT_BOLD = "GrappeSans-Bold"
MARGIN = 15 * mm
FOOTER_HEIGHT = 12 * mm
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#e4e7eb")
ZEBRA_FILL = colors.HexColor("#f5f7fa")


def register_fonts() -> None:
    """Register the embedded font once per process (ReportLab's registry is global)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


register_fonts()  # paragraphs resolve their font when they are built, not when drawn
# Binary (deflated) page streams, not ASCII85 on top: about 20 % smaller and faster to
# write. ReportLab only reads this process-wide setting; nothing here needs 7-bit PDFs.
rl_config.useA85 = 0


def _style(name: str, size: float, **kwargs: Any) -> ParagraphStyle:
    kwargs.setdefault("fontName", FONT)
    kwargs.setdefault("textColor", INK)
    kwargs.setdefault("leading", size * 1.25)
    return ParagraphStyle(name, fontSize=size, **kwargs)


class Styles:
    title = _style("title", 22, fontName=FONT_BOLD, spaceAfter=6 * mm, leading=28)
    subtitle = _style("subtitle", 13, textColor=MUTED, spaceAfter=3 * mm)
    h1 = _style("h1", 15, fontName=FONT_BOLD, spaceBefore=2 * mm, spaceAfter=4 * mm)
    h2 = _style("h2", 11, fontName=FONT_BOLD, spaceBefore=4 * mm, spaceAfter=2 * mm)
    body = _style("body", 9.5, spaceAfter=2 * mm)
    small = _style("small", 8, textColor=MUTED)
    cell = _style("cell", 7.5)
    cell_bold = _style("cell_bold", 7.5, fontName=FONT_BOLD)
    cell_right = _style("cell_right", 7.5, alignment=TA_RIGHT)


_FRENCH_SPACES = (
    ("« ", "«\u00a0"),
    (" »", "\u00a0»"),
    (" :", "\u00a0:"),
    (" ;", "\u202f;"),
    (" ?", "\u202f?"),
    (" !", "\u202f!"),
)


def french_spacing(text: str) -> str:
    """No-break spaces inside guillemets and before ``: ; ? !`` so they never start a line."""
    for plain, nobreak in _FRENCH_SPACES:
        if plain in text:
            text = text.replace(plain, nobreak)
    return text


def para(text: str, style: ParagraphStyle = Styles.cell) -> Paragraph:
    """A paragraph from plain text: the text is escaped, never read as markup."""
    return Paragraph(escape(french_spacing(text)), style)


def amount(value: Decimal) -> str:
    return euros(value)


CELL_PADDING = 3
_cell_styles: dict[tuple[bool, bool, float], ParagraphStyle] = {}


def _cell_style(*, bold: bool, right: bool, size: float) -> ParagraphStyle:
    key = (bold, right, size)
    if key not in _cell_styles:
        _cell_styles[key] = _style(
            f"cell-{int(bold)}{int(right)}-{size}",
            size,
            fontName=FONT_BOLD if bold else FONT,
            alignment=TA_RIGHT if right else 0,
        )
    return _cell_styles[key]


def _wrap_overflowing(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    bold_rows: set[int],
    right_columns: set[int],
    size: float,
) -> list[list[Any]]:
    """Plain strings stay strings (cheap to lay out); the ones too wide become paragraphs."""
    fitted = []
    for index, row in enumerate(rows):
        bold = index in bold_rows
        font = FONT_BOLD if bold else FONT
        cells = list(row)
        for column, cell in enumerate(cells):
            if (
                isinstance(cell, str)
                and pdfmetrics.stringWidth(cell, font, size) > widths[column] - 2 * CELL_PADDING
            ):
                style = _cell_style(bold=bold, right=column in right_columns, size=size)
                cells[column] = Paragraph(escape(french_spacing(cell)), style)
        fitted.append(cells)
    return fitted


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header: bool = True,
    right_columns: Sequence[int] = (),
    bold_last_row: bool = False,
    zebra: bool = True,
    size: float = 7.5,
) -> Table:
    """A ruled table with the house style; the header row repeats on every page.

    Cells are plain strings or flowables; a string too wide for its column is wrapped
    into a paragraph, so nothing overflows and short cells stay cheap.
    """
    widths = list(widths)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for column in right_columns:
        commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    bold_rows = set()
    if header:
        bold_rows.add(0)
        commands += [
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, size),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, INK),
        ]
    if zebra and len(rows) > 3:
        commands.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [None, ZEBRA_FILL]))
    if bold_last_row:
        bold_rows.add(len(rows) - 1)
        commands += [
            ("FONT", (0, -1), (-1, -1), FONT_BOLD, size),
            ("LINEABOVE", (0, -1), (-1, -1), 0.75, INK),
        ]
    return Table(
        _wrap_overflowing(
            rows, widths, bold_rows=bold_rows, right_columns=set(right_columns), size=size
        ),
        colWidths=widths,
        repeatRows=1 if header else 0,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def key_values(
    pairs: Sequence[tuple[str, Any]], widths: tuple[float, float], *, size: float = 7.5
) -> Table:
    """A two-column label / value table (values are strings or paragraphs)."""
    result = table([list(pair) for pair in pairs], widths, header=False, zebra=False, size=size)
    result.setStyle(TableStyle([("TEXTCOLOR", (0, 0), (0, -1), MUTED)]))
    return result


def numbered_canvas(*, footer: str, fingerprint: str, build_date: date) -> Callable[..., Canvas]:
    """A canvas class that writes the footer ("page x / y") on every page at save time."""
    footer_left = footer
    if fingerprint:
        footer_left += f" — empreinte SHA-256 : {fingerprint}"
    created = f"D:{build_date:%Y%m%d}000000+00'00'"

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []
            # The PDF's creation date is the dossier's build date, not the clock.
            self.setDateFormatter(lambda *_: created)

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            # One string per page instead of thousands of small ones while we wait.
            self._code = ["\n".join(self._code)]
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for number, state in enumerate(self._page_states, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                Canvas.showPage(self)
            self._page_states = []
            Canvas.save(self)

        def _draw_footer(self, number: int, total: int) -> None:
            width = self._pagesize[0]
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, FOOTER_HEIGHT, width - MARGIN, FOOTER_HEIGHT)
            self.setFillColor(MUTED)
            self.setFont(FONT, 6.5)
            self.drawString(MARGIN, FOOTER_HEIGHT - 9, footer_left)
            self.setFont(FONT_BOLD, 7.5)
            self.drawRightString(width - MARGIN, FOOTER_HEIGHT - 9, f"page {number} / {total}")
            self.restoreState()

    return NumberedCanvas


def _frame(pagesize: tuple[float, float], frame_id: str) -> Frame:
    width, height = pagesize
    return Frame(
        MARGIN,
        FOOTER_HEIGHT + 4 * mm,
        width - 2 * MARGIN,
        height - MARGIN - FOOTER_HEIGHT - 4 * mm,
        id=frame_id,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


PORTRAIT = A4
LANDSCAPE = landscape(A4)
PORTRAIT_WIDTH = PORTRAIT[0] - 2 * MARGIN
LANDSCAPE_WIDTH = LANDSCAPE[0] - 2 * MARGIN


class LazyStory(list):  # type: ignore[type-arg]
    """A story that pulls its flowables from an iterator as the layout consumes them.

    ReportLab's ``build()`` wants a list and deletes from its head: a 5 000-member story
    built up front costs hundreds of MB, and every ``del story[0]`` shifts the whole list.
    ReportLab checks ``len(story)`` before each flowable, so topping up there keeps only
    ``ahead`` flowables in memory.
    """

    def __init__(self, source: Iterable[Flowable], ahead: int = 100) -> None:
        super().__init__()
        self._source: Iterator[Flowable] | None = iter(source)
        self._ahead = ahead
        self._top_up()

    def _top_up(self) -> None:
        while self._source is not None and list.__len__(self) < self._ahead:
            flowable = next(self._source, None)
            if flowable is None:
                self._source = None
            else:
                self.append(flowable)

    def __len__(self) -> int:
        self._top_up()
        return list.__len__(self)


def build_pdf(
    story: Iterable[Flowable],
    *,
    title: str,
    author: str,
    subject: str,
    footer: str,
    fingerprint: str,
    build_date: date,
) -> bytes:
    """Lay out ``story`` on A4 (templates "portrait" and "landscape") and return the bytes.

    ``invariant=1`` removes the clock and random IDs from the file: the same story gives
    the same bytes.
    """
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PORTRAIT,
        title=title,
        author=author,
        subject=subject,
        creator="Grappe",
        producer="Grappe (ReportLab)",
        invariant=1,
        pageCompression=1,
        initialFontName=FONT,
        pageTemplates=[
            PageTemplate(id="portrait", frames=[_frame(PORTRAIT, "p")], pagesize=PORTRAIT),
            PageTemplate(id="landscape", frames=[_frame(LANDSCAPE, "l")], pagesize=LANDSCAPE),
        ],
    )
    doc.build(
        LazyStory(story),
        canvasmaker=numbered_canvas(footer=footer, fingerprint=fingerprint, build_date=build_date),
    )
    return buffer.getvalue()

"""A table as a printed report: A4 portrait, company header, title, as-of date and page numbers.

Each page holds ``rows_per_page`` lines (100 by default); the totals close the last page. Drawn
straight on the canvas so the page count is known beforehand ("Page 1 / 50") and the output is
byte-for-byte the same for the same table (invariant mode: no timestamp, fixed document id).
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app import __version__
from app.formatting import format_cents, format_count, format_long_date
from app.i18n import _, ngettext
from app.io.tables import Cell, ExportColumn, TableExport

ROWS_PER_PAGE = 100
MARGIN = 28.0  # about 1 cm
HEADER_HEIGHT = 58.0  # company block and title
FOOTER_HEIGHT = 18.0
CELL_PADDING = 2.5
SHADE = (0.95, 0.96, 0.97)
HEADER_SHADE = (0.88, 0.90, 0.94)


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: str
    bold: str
    unicode: bool  # False: the standard Helvetica (has € and accents, not the narrow no-break space)


def _dejavu_folders() -> list[Path]:
    folders = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
               Path("/usr/share/fonts/TTF"), Path("C:/Windows/Fonts")]
    spec = importlib.util.find_spec("matplotlib")  # matplotlib ships DejaVu Sans on every platform
    if spec is not None and spec.submodule_search_locations:
        folders += [Path(location) / "mpl-data" / "fonts" / "ttf" for location in spec.submodule_search_locations]
    return folders


@cache
def report_fonts() -> Fonts:
    """DejaVu Sans when it can be found (every character of French amounts), else Helvetica."""
    for folder in _dejavu_folders():
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont("EncaisseSans", str(regular)))
                pdfmetrics.registerFont(TTFont("EncaisseSans-Bold", str(bold)))
            except Exception:  # a damaged font file: try the next folder
                continue
            return Fonts("EncaisseSans", "EncaisseSans-Bold", True)
    return Fonts("Helvetica", "Helvetica-Bold", False)


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where things go on a page, computed once for the table."""

    width: float
    height: float
    column_x: tuple[float, ...]  # left edge of each column, and the right edge of the last one
    row_height: float
    font_size: float
    header_lines: tuple[tuple[str, ...], ...]
    header_height: float
    table_top: float

    def right(self, index: int) -> float:
        return self.column_x[index + 1] - CELL_PADDING


def _layout(table: TableExport, fonts: Fonts, rows_per_page: int,
            needed: Sequence[float] | None = None) -> _Layout:
    """The page layout; columns share the width by weight, or fit ``needed`` (widest content) when given."""
    # Portrait: 100 rows a page stay legible (about 6 pt); landscape would shrink them to under 4 pt.
    width, height = A4
    usable = width - 2 * MARGIN
    xs = [MARGIN]
    for column_width in _column_widths(table.columns, usable, needed):
        xs.append(xs[-1] + column_width)
    table_top = height - MARGIN - HEADER_HEIGHT
    available = table_top - MARGIN - FOOTER_HEIGHT
    header_font = 7.0
    header_lines = tuple(
        tuple(simpleSplit(column.header, fonts.bold, header_font, xs[i + 1] - xs[i] - 2 * CELL_PADDING)[:3])
        for i, column in enumerate(table.columns))
    header_height = max(len(lines) for lines in header_lines) * (header_font + 1.5) + 4
    row_height = min(14.0, (available - header_height) / (rows_per_page + 1))  # + 1: the totals line
    return _Layout(width, height, tuple(xs), row_height, round(row_height * 0.86, 2), header_lines,
                   header_height, table_top)


def _column_widths(columns: Sequence[ExportColumn], usable: float, needed: Sequence[float] | None) -> list[float]:
    """Widths by weight; with ``needed``, every column gets its widest content and the heaviest text column
    (the client's name) takes what is left, cut with an ellipsis if it must (never below a sixth of the
    page), so that no account code or amount is cut to keep a long name whole."""
    weight = sum(column.width for column in columns) or 1
    by_weight = [usable * column.width / weight for column in columns]
    if needed is None:
        return by_weight
    if sum(needed) <= usable:  # everything fits: the slack goes by weight
        slack = usable - sum(needed)
        return [need + slack * column.width / weight for need, column in zip(needed, columns, strict=True)]
    texts = [i for i, column in enumerate(columns) if column.kind == "text"]
    if not texts:
        return by_weight
    flexible = max(texts, key=lambda i: columns[i].width)
    rest = usable - sum(need for i, need in enumerate(needed) if i != flexible)
    if rest < usable / 6:
        return by_weight
    return [rest if i == flexible else need for i, need in enumerate(needed)]


class _Report:
    def __init__(self, table: TableExport, path: Path, rows_per_page: int) -> None:
        self.table = table
        self.fonts = report_fonts()
        first = _layout(table, self.fonts, rows_per_page)
        self.layout = _layout(table, self.fonts, rows_per_page, self.needed_widths(first.font_size))
        self.rows_per_page = rows_per_page
        self.canvas = Canvas(str(path), pagesize=(self.layout.width, self.layout.height), invariant=1,
                             pageCompression=1)
        self.canvas.setTitle(table.title)
        self.canvas.setAuthor(table.company_lines[0] if table.company_lines else "")
        self.canvas.setCreator(f"Encaisse {__version__}")

    def text(self, value: str) -> str:
        return value if self.fonts.unicode else value.replace("\u202f", " ")

    def fit(self, value: str, font: str, size: float, room: float) -> str:
        """The text, cut with an ellipsis if it overflows its cell."""
        if pdfmetrics.stringWidth(value, font, size) <= room:
            return value
        while value and pdfmetrics.stringWidth(value + "…", font, size) > room:
            value = value[:-1]
        return value.rstrip() + "…"

    def render(self) -> None:
        rows = self.table.rows
        pages = max(1, math.ceil(len(rows) / self.rows_per_page))
        for page in range(pages):
            chunk = rows[page * self.rows_per_page:(page + 1) * self.rows_per_page]
            self.page_header()
            y = self.column_header()
            y = self.lines(chunk, y)
            if page == pages - 1 and self.table.totals is not None:
                self.totals(self.table.totals, y)
            self.footer(page + 1, pages)
            self.canvas.showPage()
        self.canvas.save()

    def page_header(self) -> None:
        c, layout, fonts = self.canvas, self.layout, self.fonts
        top = layout.height - MARGIN
        lines = self.table.company_lines
        if lines:
            c.setFont(fonts.bold, 11)
            c.drawString(MARGIN, top - 11, self.text(lines[0]))
            c.setFont(fonts.regular, 8)
            for index, line in enumerate(lines[1:4]):
                c.drawString(MARGIN, top - 24 - index * 10, self.text(line))
        right = layout.width - MARGIN
        c.setFont(fonts.bold, 15)
        c.drawRightString(right, top - 14, self.text(self.table.title))
        c.setFont(fonts.regular, 8)
        c.drawRightString(right, top - 28, self.text(_("Figures as of {date}").format(
            date=format_long_date(self.table.as_of))))
        count = len(self.table.rows)
        c.drawRightString(right, top - 39, self.text(ngettext("{count} line", "{count} lines", count).format(
            count=format_count(count))))

    def column_header(self) -> float:
        c, layout = self.canvas, self.layout
        top = layout.table_top
        c.setFillColorRGB(*HEADER_SHADE)
        c.rect(MARGIN, top - layout.header_height, layout.width - 2 * MARGIN, layout.header_height, stroke=0,
               fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(self.fonts.bold, 7)
        for index, (column, lines) in enumerate(zip(self.table.columns, layout.header_lines, strict=True)):
            for number, line in enumerate(lines):
                y = top - 2 - 7 - number * 8.5
                if column.kind == "text":
                    c.drawString(layout.column_x[index] + CELL_PADDING, y, self.text(line))
                else:
                    c.drawRightString(layout.right(index), y, self.text(line))
        return top - layout.header_height

    def needed_widths(self, size: float) -> list[float]:
        """Each column's widest cell (the totals in bold) or longest header word, padding included."""
        rows = [(row, self.fonts.regular) for row in self.table.rows]
        if self.table.totals is not None:
            rows.append((self.table.totals, self.fonts.bold))
        widths = []
        for index, column in enumerate(self.table.columns):
            header = max((pdfmetrics.stringWidth(word, self.fonts.bold, 7.0) for word in column.header.split()),
                         default=0.0)
            cells = (pdfmetrics.stringWidth(self.cell_text(column, row[index], font == self.fonts.bold), font, size)
                     for row, font in rows)
            widths.append(max(header, *cells, 0.0) + 2 * CELL_PADDING + 1)
        return widths

    def cell_text(self, column: ExportColumn, cell: Cell, totals: bool) -> str:
        if cell is None or (column.blank_zero and cell == 0 and not totals):
            return ""
        if column.kind == "money" and isinstance(cell, int):
            return self.text(format_cents(cell))
        if column.kind == "int" and isinstance(cell, int):
            return format_count(cell)
        return self.text(str(cell))

    def draw_row(self, row: Sequence[Cell], y: float, font: str, totals: bool = False) -> None:
        c, layout = self.canvas, self.layout
        baseline = y - layout.row_height + (layout.row_height - layout.font_size) / 2 + layout.font_size * 0.18
        c.setFont(font, layout.font_size)
        for index, (column, cell) in enumerate(zip(self.table.columns, row, strict=True)):
            value = self.cell_text(column, cell, totals)
            if not value:
                continue
            if column.kind == "text":
                room = layout.column_x[index + 1] - layout.column_x[index] - 2 * CELL_PADDING
                c.drawString(layout.column_x[index] + CELL_PADDING, baseline,
                             self.fit(value, font, layout.font_size, room))
            else:
                c.drawRightString(layout.right(index), baseline, value)

    def lines(self, rows: Sequence[Sequence[Cell]], y: float) -> float:
        c, layout = self.canvas, self.layout
        c.setFillColorRGB(*SHADE)
        for number in range(1, len(rows), 2):
            c.rect(MARGIN, y - (number + 1) * layout.row_height, layout.width - 2 * MARGIN, layout.row_height,
                   stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        for row in rows:
            self.draw_row(row, y, self.fonts.regular)
            y -= layout.row_height
        return y

    def totals(self, row: Sequence[Cell], y: float) -> None:
        c = self.canvas
        c.setLineWidth(0.6)
        c.line(MARGIN, y, self.layout.width - MARGIN, y)
        self.draw_row(row, y, self.fonts.bold, totals=True)

    def footer(self, page: int, pages: int) -> None:
        c, layout = self.canvas, self.layout
        c.setLineWidth(0.3)
        c.line(MARGIN, MARGIN + 11, layout.width - MARGIN, MARGIN + 11)
        c.setFont(self.fonts.regular, 7.5)
        left = " — ".join(part for part in (*self.table.company_lines[:1], self.table.title) if part)
        c.drawString(MARGIN, MARGIN + 2, self.text(left))
        c.drawRightString(layout.width - MARGIN, MARGIN + 2,
                          _("Page {page} / {pages}").format(page=page, pages=pages))


def write_report_pdf(table: TableExport, path: Path, rows_per_page: int = ROWS_PER_PAGE) -> None:
    """The table as an A4 portrait PDF, ``rows_per_page`` lines a page, totals on the last page."""
    _Report(table, path, rows_per_page).render()

"""A table as an Excel workbook: title and company on top, bold frozen header, amounts as numbers in euros.

Written in openpyxl's write-only mode (streamed rows): 5,000 clients take well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.io.tables import Cell, ExportColumn, TableExport

# Grouping and decimal marks follow the reader's Excel locale: 1 234,56 € in French.
MONEY_FORMAT = '#,##0.00\\ "€";\\-#,##0.00\\ "€"'
COUNT_FORMAT = "0"
_INVALID_SHEET_CHARS = str.maketrans({char: " " for char in "[]:*?/\\"})


def _sheet_title(name: str) -> str:
    return name.translate(_INVALID_SHEET_CHARS).strip()[:31] or "Export"


class _Styler:
    """Makes styled cells; the styles are created once (openpyxl copies them per cell otherwise)."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.header_fill = PatternFill("solid", start_color="FFE8EAF0")
        self.wrap = Alignment(wrap_text=True, vertical="center")
        # Style arrays made once and shared: rows are serialised as soon as appended, nothing mutates them.
        self.money_style = self.cell(0, number_format=MONEY_FORMAT)._style
        self.money_bold_style = self.cell(0, number_format=MONEY_FORMAT, font=self.bold)._style

    def styled(self, value: object, style: Any) -> WriteOnlyCell:
        made = WriteOnlyCell(self.sheet, value=value)
        made._style = style
        return made

    def cell(self, value: object, *, font: Font | None = None, number_format: str | None = None,
             fill: PatternFill | None = None, alignment: Alignment | None = None) -> WriteOnlyCell:
        made = WriteOnlyCell(self.sheet, value=value)
        if font is not None:
            made.font = font
        if number_format is not None:
            made.number_format = number_format
        if fill is not None:
            made.fill = fill
        if alignment is not None:
            made.alignment = alignment
        return made


def _value(column: ExportColumn, cell: Cell) -> object:
    if column.kind == "money" and isinstance(cell, int):
        return cell / 100  # euros; the cents are exact in a double up to 90 000 000 000 000 €
    return cell


def _literal(styler: _Styler, text: str) -> WriteOnlyCell:
    """A text that openpyxl would otherwise store as a formula (a client named "=…"): kept as text."""
    made = styler.cell(text)
    made.data_type = "s"
    return made


def _data_row(styler: _Styler, columns: Sequence[ExportColumn], row: Sequence[Cell],
              bold: bool = False) -> list[object]:
    """A row cell by cell (the totals: every cell bold)."""
    cells: list[object] = []
    for column, cell in zip(columns, row, strict=True):
        value = _value(column, cell)
        if column.kind == "money" and value is not None:
            cells.append(styler.styled(value, styler.money_bold_style if bold else styler.money_style))
        elif bold:
            cells.append(styler.cell(value, font=styler.bold))
        elif isinstance(value, str) and value.startswith("="):
            cells.append(_literal(styler, value))
        else:
            cells.append(value)
    return cells


def _append_lines(sheet: Any, styler: _Styler, table: TableExport) -> None:
    """The lines: the hot loop of a 5,000-client export, so only money and "=…" cells are touched."""
    money = [index for index, column in enumerate(table.columns) if column.kind == "money"]
    text = [index for index, column in enumerate(table.columns) if column.kind == "text"]
    style = styler.money_style
    for row in table.rows:
        cells: list[object] = list(row)
        for index in money:
            cents = row[index]
            if isinstance(cents, int):
                made = WriteOnlyCell(sheet, value=cents / 100)  # euros; exact cents in a double
                made._style = style
                cells[index] = made
        for index in text:
            value = row[index]
            if isinstance(value, str) and value.startswith("="):
                cells[index] = _literal(styler, value)
        sheet.append(cells)


def write_xlsx(table: TableExport, path: Path) -> None:
    """Row 1 title, row 2 the company, row 4 the header (frozen), then the lines and the totals."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table.sheet_name))
    styler = _Styler(sheet)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    sheet.freeze_panes = "A5"
    sheet.append([styler.cell(table.title, font=styler.title_font)])
    sheet.append([" · ".join(table.company_lines)])
    sheet.append([])
    sheet.append([styler.cell(column.header, font=styler.bold, fill=styler.header_fill, alignment=styler.wrap)
                  for column in table.columns])
    _append_lines(sheet, styler, table)
    if table.totals is not None:
        sheet.append(_data_row(styler, table.columns, table.totals, bold=True))
    book.save(path)

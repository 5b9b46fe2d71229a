"""A table as CSV for French Excel: ``;`` separator, decimal comma, UTF-8 with a BOM so accents survive."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from app.formatting import format_plain_cents
from app.io.tables import Cell, ExportColumn, TableExport


def csv_cells(columns: Sequence[ExportColumn], row: Sequence[Cell]) -> list[str]:
    """Money as ``1234,56`` (no grouping, no symbol: Excel reads it as a number), counts as digits."""
    cells = []
    for column, cell in zip(columns, row, strict=True):
        if cell is None:
            cells.append("")
        elif column.kind == "money" and isinstance(cell, int):
            cells.append(format_plain_cents(cell))
        else:
            cells.append(str(cell))
    return cells


def write_csv(table: TableExport, path: Path) -> None:
    """Header row, one row per line, then the totals row."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow([column.header for column in table.columns])
        rows = (*table.rows, table.totals) if table.totals is not None else table.rows
        writer.writerows(csv_cells(table.columns, row) for row in rows)

"""A table to export (aged balance, client list) as plain data, and the aged balance's columns shared with the CLI.

Exporters (CSV, XLSX, PDF) take a ``TableExport`` and never query: a service builds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from app.formatting import bucket_label
from app.i18n import _

CellKind = Literal["text", "money", "int"]
Cell = str | int | None  # text, cents or a count; None = blank


@dataclass(frozen=True, slots=True)
class ExportColumn:
    """One column: its header, how its cells are typed (money cells hold cents) and a width in characters."""

    header: str
    kind: CellKind = "text"
    width: int = 12
    blank_zero: bool = False  # a zero amount is noise here (empty buckets): printed blank in the PDF


@dataclass(frozen=True, slots=True)
class TableExport:
    """A titled table with the company's identity, ready for any exporter.

    Attributes:
        title: "Balance âgée au 23/11/2026".
        company_lines: name, SIREN, address lines (already formatted, empty ones left out).
        rows: one tuple of cells per line, as many as ``columns``.
        totals: the totals line (label in the first text column), or None.
    """

    title: str
    company_lines: tuple[str, ...]
    as_of: date
    columns: tuple[ExportColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None
    sheet_name: str = "Export"


class AgingLineLike(Protocol):
    """What the aged-balance columns read from a line (``app.services.dto.AgingLine`` fits)."""

    @property
    def account_code(self) -> str: ...
    @property
    def client_name(self) -> str: ...
    @property
    def buckets(self) -> tuple[int, ...]: ...
    @property
    def total_cents(self) -> int: ...
    @property
    def disputed_cents(self) -> int: ...
    @property
    def unallocated_cents(self) -> int: ...
    @property
    def net_cents(self) -> int: ...


def aging_header(bucket_bounds: Sequence[tuple[int | None, int | None]]) -> list[str]:
    """Code, Client, one header per bucket, Total, Of which disputed, Unallocated credits, Net balance."""
    return [_("Code"), _("Client"), *map(bucket_label, bucket_bounds), _("Total"), _("Of which disputed"),
            _("Unallocated credits"), _("Net balance")]


def aging_amounts(line: AgingLineLike) -> list[int]:
    """The line's amounts in header order; unallocated credits negative, so that total + credits = net."""
    return [*line.buckets, line.total_cents, line.disputed_cents, -line.unallocated_cents, line.net_cents]


def aging_table(title: str, company_lines: Sequence[str], as_of: date,
                bucket_bounds: Sequence[tuple[int | None, int | None]], lines: Sequence[AgingLineLike],
                totals: AgingLineLike) -> TableExport:
    """The aged balance as a table: one row per client, then the totals."""
    header = aging_header(bucket_bounds)
    totals_at = {len(header) - 4, len(header) - 1}  # Total and Net balance always show their amount
    columns = (ExportColumn(header[0], "text", 15), ExportColumn(header[1], "text", 27),
               *(ExportColumn(text, "money", 16, blank_zero=index not in totals_at)
                 for index, text in enumerate(header[2:], start=2)))
    rows = tuple(_aging_row(line.account_code, line.client_name, line) for line in lines)
    return TableExport(title, tuple(company_lines), as_of, columns, rows,
                       _aging_row("", _("Total"), totals), sheet_name=_("Aged balance"))


def _aging_row(code: str, name: str, line: AgingLineLike) -> tuple[Cell, ...]:
    cells: list[Cell] = [code, name]
    cells.extend(aging_amounts(line))
    return tuple(cells)


def money_total(rows: Sequence[Sequence[Cell]], index: int) -> int:
    """The sum of a money or count column, blanks ignored."""
    return sum(cell for row in rows if isinstance(cell := row[index], int))

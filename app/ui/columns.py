"""Declared table columns: header, alignment, display text and the raw value sorting uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon

from app.i18n import _

R = TypeVar("R")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # raw values (cents, dates) so the proxy never sorts text
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2  # a row's searchable text, folded (see filtering.fold)

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

OVERDUE_COLOUR = QColor("#b71c1c")
MUTED_COLOUR = QColor("#9e9e9e")


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a table over rows of type R.

    Attributes:
        key: stable identifier (saved header state, service sort keys, tests).
        header: English message id marked with N_, translated when shown.
        display: the cell text.
        sort_value: the raw value sorted on (cents, date, number); defaults to the display text.
        align: cell and header alignment; amounts are right-aligned.
        width: the most the column takes when sized to its content, in pixels (None: no cap).
        foreground: optional colour of the cell (overdue amounts in red).
        decoration: optional icon in the cell (the overdue marker).
        tooltip: optional tooltip text of the cell.
        searchable: whether the filter box looks at this column.
        sort_key: the service's sort key when sorting happens in the database (invoices).
    """

    key: str
    header: str
    display: Callable[[R], str]
    sort_value: Callable[[R], Any] | None = None
    align: Qt.AlignmentFlag = LEFT
    width: int | None = None
    foreground: Callable[[R], QColor | None] | None = None
    decoration: Callable[[R], QIcon | None] | None = None
    tooltip: Callable[[R], str] | None = None
    searchable: bool = True
    sort_key: str | None = None

    def title(self) -> str:
        return _(self.header)

    def raw(self, row: R) -> Any:
        return self.sort_value(row) if self.sort_value is not None else self.display(row)


def cell_data(column: Column[R], row: R, role: int) -> Any:
    """What a model's ``data()`` returns for one cell and role (None when the role is not served)."""
    if role == Qt.ItemDataRole.DisplayRole:
        return column.display(row)
    if role == SORT_ROLE:
        return column.raw(row)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(column.align.value)
    optional = {
        Qt.ItemDataRole.ForegroundRole: column.foreground,
        Qt.ItemDataRole.DecorationRole: column.decoration,
        Qt.ItemDataRole.ToolTipRole: column.tooltip,
    }.get(Qt.ItemDataRole(role))
    return optional(row) if optional is not None else None


def header_data(columns: tuple[Column[R], ...], section: int, orientation: Qt.Orientation, role: int) -> Any:
    """Horizontal header text and alignment of declared columns."""
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return columns[section].title()
    if role == Qt.ItemDataRole.TextAlignmentRole:  # long headers wrap on two lines, not truncate
        return int((columns[section].align | Qt.AlignmentFlag.AlignBottom).value) | Qt.TextFlag.TextWordWrap.value
    return None

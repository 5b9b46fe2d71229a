"""A read-only table model over a list of frozen DTO rows with declared columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.ui.columns import SEARCH_ROLE, Column, R, cell_data, header_data
from app.ui.filtering import fold

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of type R shown through ``columns``; SEARCH_ROLE on any cell gives the row's search text."""

    def __init__(self, columns: Sequence[Column[R]], rows: Sequence[R] = ()) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._rows: list[R] = list(rows)
        self._search: list[str | None] = [None] * len(self._rows)

    @property
    def columns(self) -> tuple[Column[R], ...]:
        return self._columns

    @property
    def rows(self) -> Sequence[R]:
        return self._rows

    def set_rows(self, rows: Sequence[R], columns: Sequence[Column[R]] | None = None) -> None:
        """Replace every row (and optionally the columns) at once."""
        self.beginResetModel()
        if columns is not None:
            self._columns = tuple(columns)
        self._rows = list(rows)
        self._search = [None] * len(self._rows)
        self.endResetModel()

    def column_index(self, key: str) -> int:
        return next(i for i, column in enumerate(self._columns) if column.key == key)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == SEARCH_ROLE:
            return self._search_text(index.row())
        return cell_data(self._columns[index.column()], self._rows[index.row()], role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(self._columns, section, orientation, role)

    def _search_text(self, row: int) -> str:
        cached = self._search[row]
        if cached is None:
            record = self._rows[row]
            cached = fold(" ".join(c.display(record) for c in self._columns if c.searchable))
            self._search[row] = cached
        return cached

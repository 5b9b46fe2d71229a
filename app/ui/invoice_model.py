"""The invoice list as a paged model: only the pages scrolled to are fetched, filter and sort in SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.services.dto import InvoicePage, InvoiceQuery, InvoiceRow
from app.ui.columns import Column, cell_data, header_data
from app.ui.tasks import Runner

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200


class InvoicePageModel(QAbstractTableModel):
    """Invoices matching a query, fetched page by page as the view scrolls (canFetchMore/fetchMore).

    A new query (filter, sort, date) replaces everything; a page answering an older query is dropped.

    Signals:
        total_changed(int): the number of invoices matching the query, known with its first page.
        page_loaded(): a page has been inserted (first page included).
    """

    total_changed = Signal(int)
    page_loaded = Signal()

    def __init__(self, columns: tuple[Column[InvoiceRow], ...], fetch: Callable[[InvoiceQuery], InvoicePage],
                 runner: Runner) -> None:
        super().__init__()
        self.columns = columns
        self._fetch = fetch
        self._runner = runner
        self._query: InvoiceQuery | None = None
        self._rows: list[InvoiceRow] = []
        self._total = 0
        self._generation = 0
        self._fetching = False

    @property
    def query(self) -> InvoiceQuery | None:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def row_at(self, row: int) -> InvoiceRow:
        return self._rows[row]

    def set_query(self, query: InvoiceQuery) -> None:
        """Show the first page of ``query`` (its offset and limit are managed here)."""
        self._query = replace(query, offset=0, limit=PAGE_SIZE)
        self._generation += 1
        self._fetching = True
        self._request(self._query, self._generation, replace_rows=True)

    def _request(self, query: InvoiceQuery, generation: int, *, replace_rows: bool) -> None:
        fetch = self._fetch
        self._runner.submit(lambda: fetch(query), lambda page: self._receive(page, generation, replace_rows),
                            context=self)

    def _receive(self, page: InvoicePage, generation: int, replace_rows: bool) -> None:
        if generation != self._generation:
            return  # answers a query the user has already changed
        self._fetching = False
        if replace_rows:
            self.beginResetModel()
            self._rows = list(page.rows)
            self._total = page.total_count
            self.endResetModel()
            self.total_changed.emit(self._total)
        elif page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self.page_loaded.emit()

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent) or self._query is None:
            return
        self._fetching = True
        self._request(replace(self._query, offset=len(self._rows)), self._generation, replace_rows=False)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return cell_data(self.columns[index.column()], self._rows[index.row()], role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(self.columns, section, orientation, role)

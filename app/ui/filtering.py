"""Filter-as-you-type: a row stays when it contains every typed word, ignoring case and accents."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.ui.columns import SEARCH_ROLE, SORT_ROLE


def fold(text: str) -> str:
    """Lower-case without accents, so "societe" finds "Société" and "é" finds "E"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def terms(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())


class WordFilterProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE (raw values) and keeps rows whose SEARCH_ROLE text holds every term."""

    def __init__(self) -> None:
        super().__init__()
        self._terms: tuple[str, ...] = ()
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)

    def set_text(self, text: str) -> None:
        new_terms = terms(text)
        if new_terms == self._terms:
            return
        self.beginFilterChange()
        self._terms = new_terms
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._terms:
            return True
        model = self.sourceModel()
        haystack = model.data(model.index(source_row, 0, source_parent), SEARCH_ROLE)
        return isinstance(haystack, str) and all(term in haystack for term in self._terms)

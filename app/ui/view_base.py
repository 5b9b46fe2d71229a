"""What every page of the main window shares: its dossier context, as-of date, filter and status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from app.services.workspace import Workspace
from app.ui.tasks import Runner


@dataclass
class ViewContext:
    """What a view needs to load its data.

    Attributes:
        workspace: the open dossier; only ever passed to service functions run by ``runner``.
        runner: runs service calls off the GUI thread.
        as_of: the date the figures are computed for (the toolbar's "au" date).
    """

    workspace: Workspace
    runner: Runner
    as_of: date


class DossierView(QWidget):
    """A page of the main window; it reloads when shown if its data went stale while hidden.

    Signals:
        status_changed(str): the counts to show in the status bar.
        loaded(): the data asked for is now displayed (screenshots and tests wait for it).
    """

    status_changed = Signal(str)
    loaded = Signal()

    def __init__(self, context: ViewContext) -> None:
        super().__init__()
        self.context = context
        self._stale = True
        self.status_text = ""

    def set_as_of(self, as_of: date) -> None:
        """Figures are now wanted for ``as_of``: reload now if shown, else when next shown."""
        if as_of == self.context.as_of and not self._stale:
            return
        self.context.as_of = as_of
        self.invalidate()

    def invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self._refresh()

    def ensure_loaded(self) -> None:
        """Load now even if hidden (screenshots, tests)."""
        if self._stale:
            self._refresh()

    def focus_filter(self) -> None:
        """Put the keyboard in the view's filter box (Ctrl+F)."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._refresh()

    def _refresh(self) -> None:
        self._stale = False
        self.reload()

    def reload(self) -> None:
        """Ask the services for fresh data (through the runner)."""
        raise NotImplementedError

    def _set_status(self, text: str) -> None:
        self.status_text = text
        self.status_changed.emit(text)

"""Screenshot mode: open a dossier offscreen, wait for a page's data, save the window as a PNG, quit."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from app.ui.controller import AppController
from app.ui.main_window import MainWindow

SIZE = (1280, 800)
SETTLE_MS = 150  # let the table lay out and paint its first rows before grabbing
EXIT_FAILED = 2


class ScreenshotTaker(QObject):
    """Drives ``controller`` to grab page ``view`` into ``target`` and exit (0, or 2 on failure)."""

    def __init__(self, controller: AppController, target: Path, view: str) -> None:
        super().__init__()
        self._controller = controller
        self._target = target
        self._view = view
        controller.initial_view = view
        controller.fallback_to_start = False
        controller.report = self._fail
        controller.ask_read_only = lambda _error: True  # a screenshot changes nothing: read-only is fine
        controller.window_ready.connect(self._window_ready)

    def _window_ready(self, window: MainWindow) -> None:
        window.resize(*SIZE)
        view = window.views[self._view] if self._view in window.views else window.current_view()  # client:CODE
        view.loaded.connect(lambda: QTimer.singleShot(SETTLE_MS, lambda: self._grab(window)))

    def _grab(self, window: MainWindow) -> None:
        pixmap = window.grab()
        self._target.parent.mkdir(parents=True, exist_ok=True)
        if not pixmap.save(str(self._target), "PNG"):
            self._fail(OSError(f"cannot write {self._target}"))
            return
        self._controller.quit(0)

    def _fail(self, error: BaseException) -> None:
        print(f"encaisse: {error}", file=sys.stderr)
        self._controller.quit(EXIT_FAILED)

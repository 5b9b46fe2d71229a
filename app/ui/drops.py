"""Dropping a ``.encaisse`` file on a window opens it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QDragEnterEvent, QDropEvent

DOSSIER_SUFFIX = ".encaisse"


def dropped_dossier(mime: QMimeData) -> Path | None:
    """The first local ``.encaisse`` file among dropped URLs, if any."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and url.toLocalFile().lower().endswith(DOSSIER_SUFFIX):
            return Path(url.toLocalFile())
    return None


def accept_dossier_drag(event: QDragEnterEvent) -> None:
    """Let a drag in only when it carries a dossier, so the cursor tells the user what will happen."""
    if dropped_dossier(event.mimeData()) is not None:
        event.acceptProposedAction()


def take_dropped_dossier(event: QDropEvent) -> Path | None:
    """The dossier dropped, accepting the drop, or None."""
    path = dropped_dossier(event.mimeData())
    if path is not None:
        event.acceptProposedAction()
    return path

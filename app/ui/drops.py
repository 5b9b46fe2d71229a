"""Dropping a file on a window: a ``.encaisse`` dossier opens; any other file is imported into the open dossier."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QDragEnterEvent, QDropEvent

DOSSIER_SUFFIX = ".encaisse"


def _local_files(mime: QMimeData) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def dropped_dossier(mime: QMimeData) -> Path | None:
    """The first local ``.encaisse`` file among dropped URLs, if any."""
    return next((path for path in _local_files(mime) if path.name.lower().endswith(DOSSIER_SUFFIX)), None)


def dropped_import(mime: QMimeData) -> Path | None:
    """The first dropped local file that is not a dossier (a file to import), if any."""
    return next((path for path in _local_files(mime)
                 if not path.name.lower().endswith(DOSSIER_SUFFIX) and not path.is_dir()), None)


def accept_dossier_drag(event: QDragEnterEvent, *, imports: bool = False) -> None:
    """Let a drag in only when it carries a dossier (or, with ``imports``, any file), so the cursor tells the user
    what will happen."""
    mime = event.mimeData()
    if dropped_dossier(mime) is not None or (imports and dropped_import(mime) is not None):
        event.acceptProposedAction()


def take_dropped_dossier(event: QDropEvent) -> Path | None:
    """The dossier dropped, accepting the drop, or None."""
    path = dropped_dossier(event.mimeData())
    if path is not None:
        event.acceptProposedAction()
    return path


def take_dropped_import(event: QDropEvent) -> Path | None:
    """The file to import dropped, accepting the drop, or None."""
    path = dropped_import(event.mimeData())
    if path is not None:
        event.acceptProposedAction()
    return path

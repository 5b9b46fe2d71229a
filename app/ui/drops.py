"""Dropping a ``.encaisse`` file on a window opens it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData

DOSSIER_SUFFIX = ".encaisse"


def dropped_dossier(mime: QMimeData) -> Path | None:
    """The first local ``.encaisse`` file among dropped URLs, if any."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and url.toLocalFile().lower().endswith(DOSSIER_SUFFIX):
            return Path(url.toLocalFile())
    return None

"""Icons from resources/icons, referred to as ``icons:name.svg`` through a Qt search path."""

from __future__ import annotations

from PySide6.QtCore import QDir
from PySide6.QtGui import QIcon

from app.paths import resource


def register_icons() -> None:
    """Make ``icons:`` resolve to resources/icons (idempotent)."""
    folder = str(resource("icons"))
    if folder not in QDir.searchPaths("icons"):
        QDir.addSearchPath("icons", folder)


def icon(name: str) -> QIcon:
    """The icon ``name`` (e.g. ``"clients.svg"``); an empty icon if the file is missing."""
    register_icons()
    return QIcon(f"icons:{name}")

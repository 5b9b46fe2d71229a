"""Fichier > Exporter la balance âgée… / Exporter les clients…: ask where and in which format, export off
the GUI thread, say where the file went in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QWidget

from app.i18n import N_, _
from app.services import exports
from app.ui.view_base import ViewContext

FILTERS = {"xlsx": N_("Excel workbook (*.xlsx)"), "csv": N_("CSV for Excel (*.csv)"),
           "pdf": N_("PDF report (*.pdf)")}
TITLES = {"aging": N_("Export the aged balance"), "clients": N_("Export the client list")}
FILE_STEMS = {"aging": N_("aged-balance"), "clients": N_("clients")}
STATUS_MS = 15_000
_last_folder: dict[str, Path] = {}


def _folder() -> Path:
    if "folder" in _last_folder:
        return _last_folder["folder"]
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def ask_export_file(parent: QWidget | None, what: str, context: ViewContext,
                    fmt: str = "xlsx") -> tuple[Path, str] | None:
    """The file and format the user chose, or None if cancelled; the suffix follows the chosen filter."""
    filters = {_(text): name for name, text in FILTERS.items()}
    name = f"{_(FILE_STEMS[what])}-{context.as_of.isoformat()}.{fmt}"
    chosen, selected = QFileDialog.getSaveFileName(parent, _(TITLES[what]), str(_folder() / name),
                                                   ";;".join(filters), _(FILTERS[fmt]))
    if not chosen:
        return None
    path = Path(chosen)
    suffix = path.suffix.lower().lstrip(".")
    fmt = suffix if suffix in exports.EXPORT_FORMATS else filters.get(selected, fmt)
    if suffix != fmt:
        path = path.with_name(f"{path.name}.{fmt}")
    _last_folder["folder"] = path.parent
    return path, fmt


def start_export(parent: QWidget | None, context: ViewContext, what: str, show_status: Callable[[str], object],
                 fmt: str = "xlsx") -> None:
    """Ask for the file, then export on the worker thread with a progress dialog."""
    chosen = ask_export_file(parent, what, context, fmt)
    if chosen is None:
        return
    path, chosen_fmt = chosen
    workspace, as_of = context.workspace, context.as_of
    context.runner.submit(
        lambda: exports.export(workspace, what, as_of, path, chosen_fmt),
        lambda written: show_status(_("Exported to {path}").format(path=written)),
        progress=_("Exporting to {name}…").format(name=path.name), context=parent)


def add_export_actions(window: QMainWindow, menu: QMenu, context: ViewContext) -> list[QAction]:
    """Add the two export items to ``menu``; the figures are those of the window's as-of date."""
    actions = []
    for what, text in (("aging", N_("Export the aged &balance…")), ("clients", N_("Export the &clients…"))):
        action = QAction(_(text), window)
        action.setObjectName(f"export_{what}")
        action.triggered.connect(lambda _checked=False, w=what: start_export(
            window, context, w, lambda message: window.statusBar().showMessage(message, STATUS_MS)))
        menu.addAction(action)
        actions.append(action)
    return actions

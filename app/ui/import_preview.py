"""Fichier > Importer… and files dropped on the window: what an import would do (Created, Updated, Matched,
Refused), then Apply; reading and writing run on the worker with a progress bar and a Cancel that changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.formatting import format_count
from app.i18n import N_, _
from app.services import imports
from app.services.import_dto import ImportCancelled, ImportKind, ImportPreview, ImportResult, PreviewRow
from app.services.workspace import Workspace
from app.ui.tasks import CancellableProgress, Runner, show_error

TYPE_LABELS = {"client": N_("Client"), "invoice": N_("Invoice"), "credit_note": N_("Credit note"),
               "payment": N_("Payment"), "bank_line": N_("Bank line")}
FILE_FILTER = N_("Files to import (*.csv *.txt *.xlsx *.pdf *.xml *.sta *.940 *.swi *.ofx *.qfx *.cfo);;All files (*)")
SHOWN_ROWS = 2000


class ImportDialog(QDialog):
    """Preview of one file's import; Apply writes it (after a backup) in one transaction.

    Signals:
        imported(): the dossier changed; views should reload.
    """

    imported = Signal()

    def __init__(self, workspace: Workspace, runner: Runner, path: Path, kind: ImportKind | None = None,
                 mapping: dict[str, object] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import {file}").format(file=path.name))
        self.workspace, self.runner, self.path, self.kind, self.mapping = workspace, runner, path, kind, mapping
        self.preview: ImportPreview | None = None
        self.outcome: ImportResult | None = None
        self.busy = False
        self.progress_state = CancellableProgress()
        self.summary = QLabel(_("Reading {file}…").format(file=path.name))
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.tabs = QTabWidget()
        self.tables = {key: self._table() for key in ("created", "updated", "matched", "refused", "absent")}
        for key, label in (("created", N_("Created")), ("updated", N_("Updated")), ("matched", N_("Matched")),
                           ("refused", N_("Refused")), ("absent", N_("Absent from the new file"))):
            self.tabs.addTab(self.tables[key], _(label))
        self.tabs.setTabVisible(4, False)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox()
        self.apply_button = QPushButton(_("Apply"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.notes)
        layout.addWidget(self.buttons)
        self.resize(1180, 600)  # room for the reasons beside the references, within a 1366×768 screen
        self.progress_state.advanced.connect(self._advanced)
        self._start_preview()

    @staticmethod
    def _table() -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels([_("Type"), _("Reference"), _("Description"), _("File and line"),
                                         _("Detail or reason")])
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.setAlternatingRowColors(True)
        return table

    def _start_preview(self) -> None:
        ws, path, kind, mapping, state = self.workspace, self.path, self.kind, self.mapping, self.progress_state
        self.busy = True
        self.runner.submit(lambda: imports.preview_import(ws, path, kind, mapping=mapping, progress=state.report,
                                                          cancelled=state.cancelled),
                           self._show_preview, on_error=self._failed, context=self)

    def _advanced(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.busy = False
        self.preview = preview
        self.progress.hide()
        counts = preview.counts()
        self.summary.setText(preview.fatal or _(
            "{file}: {created} to create, {updated} to update, {matched} matched, {unchanged} unchanged, "
            "{refused} refused. Nothing is written until you click Apply (a backup is taken first).").format(
            file=self.path.name, **counts))
        for key in ("created", "updated", "matched", "refused", "absent"):
            rows: tuple[PreviewRow, ...] = getattr(preview, key)
            self._fill(self.tables[key], rows)
            index = list(self.tables).index(key)
            self.tabs.setTabText(index, f"{self.tabs.tabText(index).split(' (')[0]} ({len(rows)})")
        self.tabs.setTabVisible(4, bool(preview.absent))  # only an updated FEC has them
        # Open on the first list that has rows (an updated FEC may create nothing and only update).
        filled = [index for index, table in enumerate(self.tables.values()) if table.rowCount()]
        if filled:
            self.tabs.setCurrentIndex(filled[0])
        self.notes.setText("\n".join(f"• {note}" for note in preview.notes[:8]))
        self.apply_button.setEnabled(preview.has_changes and not self.workspace.read_only)

    @staticmethod
    def _fill(table: QTableWidget, rows: tuple[PreviewRow, ...]) -> None:
        """The first SHOWN_ROWS rows (a 500,000-line FEC previews 200,000 records; nobody reads past the first)."""
        shown = rows[:SHOWN_ROWS]
        table.setRowCount(len(shown) + (len(rows) > len(shown)))
        for index, row in enumerate(shown):
            cells = (_(TYPE_LABELS.get(row.type.value, row.type.value)), row.key, row.description,
                     str(row.ref) if row.ref else "", row.detail)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # a long reason is cut at the column's edge: whole on hover
                table.setItem(index, column, item)
        if len(rows) > len(shown):
            table.setItem(len(shown), 2, QTableWidgetItem(_("… and {count} more").format(
                count=format_count(len(rows) - len(shown)))))
        table.resizeColumnsToContents()

    def apply(self) -> None:
        if self.preview is None or self.busy:
            return
        ws, preview, state = self.workspace, self.preview, self.progress_state
        self.busy = True
        self.apply_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.summary.setText(_("Importing {file}…").format(file=self.path.name))
        self.runner.submit(lambda: imports.apply_import(ws, preview, progress=state.report,
                                                        cancelled=state.cancelled),
                           self._applied, on_error=self._failed, context=self)

    def _applied(self, result: ImportResult) -> None:
        self.busy = False
        self.outcome = result
        self.progress.hide()
        done = _("Imported: {created} created, {updated} updated, {matched} matched. Backup: {backup}").format(
            created=result.created, updated=result.updated, matched=result.matched, backup=result.backup or "—")
        self.summary.setText(f"{done} {result.removed_note()}".strip())
        self.cancel_button.setText(_("Close"))
        self.imported.emit()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.progress.hide()
        self.progress_state.cancel_requested = False
        if isinstance(error, ImportCancelled):
            self.summary.setText(str(error))
            self.apply_button.setEnabled(self.preview is not None and self.preview.has_changes)
            return
        if isinstance(error, KnownError):
            self.summary.setText(str(error))
            self.apply_button.setEnabled(False)
            return
        show_error(self, error)
        self.reject()

    def cancel(self) -> None:
        """While work runs, ask it to stop (the transaction rolls back); otherwise close."""
        if self.busy:
            self.progress_state.cancel_requested = True
            self.summary.setText(_("Cancelling…"))
            return
        self.reject()

    def reject(self) -> None:
        if self.busy:
            self.cancel()
            return
        super().reject()


def start_import(parent: QWidget, workspace: Workspace, runner: Runner, path: Path,
                 on_imported: Callable[[], object]) -> None:
    """Route a file: bank statements to the reconciliation view, tables through the column mapping, others straight
    to the preview."""
    def route(kind: ImportKind) -> None:
        if imports.is_bank_kind(kind):
            _open_bank(parent, workspace, runner, path, kind, on_imported)
        elif kind in (ImportKind.CSV, ImportKind.XLSX):
            from app.ui.import_mapping import ask_mapping

            ask_mapping(parent, workspace, runner, path,
                        lambda mapping: _open_preview(parent, workspace, runner, path, kind, mapping, on_imported))
        else:
            _open_preview(parent, workspace, runner, path, kind, None, on_imported)

    runner.submit(lambda: imports.detect_file_kind(path), route, on_error=lambda e: show_error(parent, e),
                  context=parent)


def _open_preview(parent: QWidget, workspace: Workspace, runner: Runner, path: Path, kind: ImportKind,
                  mapping: dict[str, object] | None, on_imported: Callable[[], object]) -> ImportDialog:
    dialog = ImportDialog(workspace, runner, path, kind, mapping, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.imported.connect(on_imported)
    dialog.open()
    return dialog


def _open_bank(parent: QWidget, workspace: Workspace, runner: Runner, path: Path, kind: ImportKind,
               on_imported: Callable[[], object]) -> None:
    """Bank statements are matched to invoices in the reconciliation view (app/ui/reconcile_view.py)."""
    from app.ui.reconcile_view import open_reconciliation

    open_reconciliation(parent, workspace, runner, path, on_imported)


def add_import_action(window: QWidget, menu: QMenu, workspace: Workspace, runner: Runner, read_only: bool,
                      on_imported: Callable[[], object]) -> QAction:
    """Fichier > Importer… (Ctrl+I): choose a file, then the preview."""
    action = QAction(_("&Import…"), window)
    action.setShortcut(QKeySequence("Ctrl+I"))
    action.setEnabled(not read_only)

    def choose() -> None:
        chosen, _filter = QFileDialog.getOpenFileName(window, _("Import a file"), "", _(FILE_FILTER))
        if chosen:
            start_import(window, workspace, runner, Path(chosen), on_imported)

    action.triggered.connect(lambda _checked=False: choose())
    menu.addAction(action)
    return action

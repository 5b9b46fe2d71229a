"""Where letters are reached: the client page's Actions menu, Paramètres > Taux légaux… and Textes des lettres…,
and Fichier > Lettres du jour… (the day's letters in one PDF, laid out on the worker with a progress bar)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.formatting import format_cents
from app.i18n import N_, _
from app.letters.data import LetterKind
from app.services import letters, next_steps
from app.services.letters import BatchDocument
from app.services.todo_dto import Suggestion, TodoList
from app.services.workspace import Workspace
from app.ui.letter_preview import LetterPreviewDialog, open_letter_preview
from app.ui.letter_templates import LetterTemplatesDialog
from app.ui.rates_dialog import RatesDialog
from app.ui.tasks import Runner
from app.ui.todo_execute import BatchProgress
from app.ui.view_base import ViewContext

CLIENT_LETTERS = ((LetterKind.REMINDER1, N_("Reminder letter…")), (LetterKind.NOTICE, N_("Formal notice…")),
                  (LetterKind.STATEMENT, N_("Statement of account…")))


class ClientPageLike(Protocol):
    """What the client page offers the letter entries (kept loose: the page is another module's)."""

    context: ViewContext
    client_id: int | None


def add_letter_actions(menu: QMenu, page: ClientPageLike, parent: QWidget) -> list[QAction]:
    """The client page's letter entries, after a separator of their own; each opens the preview dialog."""
    menu.addSeparator()
    actions = []
    for kind, label in CLIENT_LETTERS:
        action = menu.addAction(_(label))
        action.setObjectName(f"page_letter_{kind.value}")
        action.triggered.connect(lambda _checked=False, k=kind: _open_for_client(page, parent, k))
        actions.append(action)
    return actions


def _open_for_client(page: ClientPageLike, parent: QWidget, kind: LetterKind) -> LetterPreviewDialog | None:
    if page.client_id is None:
        return None
    context = page.context
    return open_letter_preview(context.workspace, context.runner, context.as_of, page.client_id, kind, parent)


def _menu_titled(window: QMainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title() == title:
            return menu
    return None


def add_letter_menus(window: QMainWindow, workspace: Workspace, runner: Runner, read_only: bool,
                     as_of: Callable[[], date]) -> dict[str, QAction]:
    """Paramètres > Taux légaux… and Textes des lettres…; Fichier > Lettres du jour…. Returns them by name."""
    settings = _menu_titled(window, _("&Settings")) or window.menuBar().addMenu(_("&Settings"))
    entries: dict[str, QAction] = {}

    def add(menu: QMenu, name: str, text: str, opener: Callable[[], QDialog]) -> None:
        action = QAction(text, window)
        action.setObjectName(name)

        def open_dialog() -> None:
            dialog = opener()
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
        action.triggered.connect(lambda _checked=False: open_dialog())
        menu.addAction(action)
        entries[name] = action

    add(settings, "settings_rates", _("Legal &rates…"), lambda: RatesDialog(workspace, runner, read_only, window))
    add(settings, "settings_letter_texts", _("Letter &texts…"),
        lambda: LetterTemplatesDialog(workspace, runner, as_of(), read_only, window))
    logo = QAction(_("Letter l&ogo…"), window)
    logo.setObjectName("settings_letter_logo")
    logo.setEnabled(not read_only)
    logo.triggered.connect(lambda _checked=False: choose_logo(window, workspace, runner))
    settings.addAction(logo)
    entries["settings_letter_logo"] = logo
    file_menu = _menu_titled(window, _("&File"))
    if file_menu is not None:
        add(file_menu, "file_day_letters", _("The day's &letters…"),
            lambda: LetterBatchDialog(workspace, runner, as_of(), window))
    return entries


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def choose_logo(parent: QWidget, workspace: Workspace, runner: Runner, path: Path | None = None) -> None:
    """Ask for a PNG or JPEG (unless ``path`` is given) and keep it as the letters' logo."""
    if path is None:
        chosen, _selected = QFileDialog.getOpenFileName(parent, _("Letter logo"), str(Path.home()),
                                                        _("Images (*.png *.jpg *.jpeg)"))
        if not chosen:
            return
        path = Path(chosen)
    mime = LOGO_TYPES.get(path.suffix.lower(), "")
    chosen_path = path

    def work() -> int:
        try:
            content = chosen_path.read_bytes()
        except OSError as error:
            raise letters.LetterFailed(f"{chosen_path}: {error.strerror or error}") from error
        return letters.set_company_logo(workspace, chosen_path.name, content, mime)
    runner.submit(work, lambda _id: QMessageBox.information(
        parent, _("Letter logo"), _("Letters now carry the logo {file}.").format(file=chosen_path.name)),
        context=parent)


class LetterBatchDialog(QDialog):
    """The letter steps suggested for the day, ticked; one PDF of them all, then its preview to print."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("The day's letters"))
        self.workspace = workspace
        self.runner = runner
        self.as_of = as_of
        self.suggestions: list[Suggestion] = []
        self.preview: LetterPreviewDialog | None = None
        self.list = QListWidget()
        self.progress = QProgressBar()
        self.progress.hide()
        self.summary = QLabel(_("Looking for the letters to send…"))
        self.make_button = QPushButton(_("Prepare the PDF"))
        self.make_button.setEnabled(False)
        self.make_button.clicked.connect(self.make)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.make_button)
        layout.addWidget(close)
        self.resize(620, 520)
        self.runner.submit(lambda: next_steps.build_todo(workspace, as_of), self._show, context=self,
                           progress=_("Computing the next steps…"))

    def _show(self, todo: TodoList) -> None:
        self.suggestions = letters.letter_suggestions(todo.suggestions)
        self.list.clear()
        for suggestion in self.suggestions:
            item = QListWidgetItem(f"{suggestion.client_name} — {suggestion.step_name} — "
                                   f"{format_cents(suggestion.claimed_cents)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.summary.setText(_("{count} letter(s) suggested for today.").format(count=len(self.suggestions)))
        self.make_button.setEnabled(bool(self.suggestions))

    def chosen(self) -> list[Suggestion]:
        return [s for index, s in enumerate(self.suggestions)
                if self.list.item(index).checkState() == Qt.CheckState.Checked]

    def make(self) -> None:
        chosen = self.chosen()
        if not chosen:
            return
        ws, as_of = self.workspace, self.as_of
        reporter = BatchProgress()
        reporter.advanced.connect(self._advanced)
        self._reporter = reporter  # kept alive while the worker reports
        self.progress.setRange(0, len(chosen))
        self.progress.setValue(0)
        self.progress.setFormat(_("%v of %m"))
        self.progress.show()
        self.make_button.setEnabled(False)
        self.runner.submit(lambda: letters.day_batch(ws, chosen, as_of, progress=reporter.report), self._done,
                           on_error=self._failed, context=self)

    def _advanced(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _failed(self, error: BaseException) -> None:
        self.progress.hide()
        self.make_button.setEnabled(True)
        self.summary.setText(str(error))

    def _done(self, batch: BatchDocument) -> None:
        self.progress.setValue(self.progress.maximum())
        self.make_button.setEnabled(True)
        self.preview = LetterPreviewDialog(self.runner, _("The day's letters"), None, parent=self, document=batch)
        self.preview.open()

"""Which window is up and which dossier is open: opening, creating, closing dossiers, quitting."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from app.errors import DossierLocked
from app.i18n import _
from app.services import demo, recent
from app.services.dto import DossierInfo
from app.services.workspace import Workspace, backup_on_open, open_workspace, verify_integrity
from app.ui.company_dialog import CompanyDialog
from app.ui.drops import DOSSIER_SUFFIX
from app.ui.main_window import MainWindow
from app.ui.start_screen import StartScreen
from app.ui.tasks import ErrorHandler, Runner, show_error
from app.ui.view_base import ViewContext

Opened = tuple[Workspace, DossierInfo]


def load_dossier(path: Path, read_only: bool) -> Opened:
    """Open a dossier, read what the window shows, and put it first in the recent list (worker thread)."""
    workspace = open_workspace(path, read_only=read_only, backup=False)  # backed up after the first screen
    try:
        info = workspace.info()
    except BaseException:
        workspace.close()
        raise
    with suppress(OSError):  # an unwritable recent list must not stop anyone from working
        recent.remember(path, info.company.legal_name)
    return workspace, info


def ensure_demo(as_of: date) -> Path:
    """A freshly generated demonstration dossier whose data ends on ``as_of`` (worker thread, about 1 s).

    Regenerated every time so that its dates always end today; if another Encaisse has it open,
    DossierLocked is reported and that copy is left alone."""
    return demo.create_demo_dossier(demo.default_demo_path(), as_of=as_of)


def ask_read_only(parent: QWidget | None, error: BaseException) -> bool:
    question = _("{reason}\n\nOpen it read-only? You will see everything but change nothing.").format(
        reason=error)
    answer = QMessageBox.question(parent, _("Encaisse"), question)
    return answer == QMessageBox.StandardButton.Yes


class AppController(QObject):
    """Owns the open workspace and the one top-level window (start screen or main window).

    Attributes:
        initial_view: the page shown when a dossier opens.
        fallback_to_start: show the start screen when opening fails (off for screenshots).
        exit_app: leaves the event loop with an exit code (replaced in tests).

    Signals:
        window_ready(MainWindow): a dossier is open and its window shown.
        open_failed(object): opening failed (the error, already reported).
    """

    window_ready = Signal(object)
    open_failed = Signal(object)

    def __init__(self, runner: Runner, *, as_of: date | None = None, report: ErrorHandler | None = None) -> None:
        super().__init__()
        self.runner = runner
        self.as_of = as_of
        self.initial_view = "dashboard"
        self.fallback_to_start = True
        self.exit_app: Callable[[int], None] = QApplication.exit
        self.report: ErrorHandler = report or (lambda error: show_error(self.window, error))
        self.ask_read_only: Callable[[BaseException], bool] = lambda error: ask_read_only(self.window, error)
        self.workspace: Workspace | None = None
        self.window: StartScreen | MainWindow | None = None

    def show_start(self) -> None:
        screen = StartScreen(recent.recent_dossiers)
        screen.new_requested.connect(self.new_dossier)
        screen.open_requested.connect(self.choose_and_open)
        screen.demo_requested.connect(self.open_demo)
        screen.open_path_requested.connect(self.open_path)
        screen.forget_requested.connect(recent.forget)
        screen.quit_requested.connect(self.quit)
        self._set_window(screen)

    def open_path(self, path: Path, read_only: bool = False) -> None:
        if self.workspace is not None and path.resolve() == self.workspace.path.resolve():
            return
        self._close_workspace(lambda: self._open(path, read_only))

    def _open(self, path: Path, read_only: bool) -> None:
        self.runner.submit(lambda: load_dossier(path, read_only), self._opened,
                           on_error=lambda error: self._open_failed(error, path, read_only),
                           progress=_("Opening {name}…").format(name=path.name))

    def _open_failed(self, error: BaseException, path: Path, read_only: bool) -> None:
        if isinstance(error, DossierLocked) and not read_only and self.ask_read_only(error):
            self._open(path, True)
            return
        self.report(error)
        self.open_failed.emit(error)
        if self.window is None and self.fallback_to_start:
            self.show_start()

    def _opened(self, opened: Opened) -> None:
        workspace, info = opened
        path = workspace.path
        self.workspace = workspace
        as_of = self.as_of or workspace.clock()
        window = MainWindow(info, ViewContext(workspace, self.runner, as_of), recent.recent_dossiers)
        window.new_requested.connect(self.new_dossier)
        window.open_requested.connect(self.choose_and_open)
        window.open_path_requested.connect(self.open_path)
        window.close_requested.connect(self.close_dossier)
        window.quit_requested.connect(self.quit)
        self._set_window(window)
        window.show_view(self.initial_view)
        self.window_ready.emit(window)
        if not workspace.read_only:
            self.runner.submit(lambda: backup_on_open(workspace), lambda _path: None, context=window)
        if not workspace.integrity_verified:
            # Large dossiers open first and are checked after the first screen (the check reads every page).
            self.runner.submit(lambda: verify_integrity(workspace), lambda problems: self._checked(path, problems),
                               context=window)

    def _checked(self, path: Path, problems: tuple[str, ...]) -> None:
        if problems and self.window is not None:
            QMessageBox.warning(self.window, _("Damaged dossier"), _(
                "SQLite found damage in {path}:\n{detail}\n\nRestore a backup or send the file to support "
                "before changing anything.").format(path=path, detail="\n".join(problems[:5])))

    def _set_window(self, window: StartScreen | MainWindow) -> None:
        previous, self.window = self.window, window
        window.show()
        if previous is not None:
            previous.close_for_good()
            previous.deleteLater()

    def choose_and_open(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self.window, _("Open a dossier"), "", _("Encaisse dossiers (*{suffix})").format(suffix=DOSSIER_SUFFIX))
        if name:
            self.open_path(Path(name))

    def open_demo(self) -> None:
        as_of = self.as_of or date.today()
        self.runner.submit(lambda: ensure_demo(as_of), self.open_path, on_error=self._demo_failed,
                           progress=_("Creating the demonstration dossier…"))

    def _demo_failed(self, error: BaseException) -> None:
        self.report(error)
        self.open_failed.emit(error)

    def new_dossier(self) -> None:
        dialog = CompanyDialog(self.runner, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.workspace is None:
            return
        created = dialog.workspace
        path = created.path
        self.runner.submit(created.close, lambda _none: self.open_path(path))

    def close_dossier(self) -> None:
        self._close_workspace(self.show_start)

    def quit(self, code: int = 0) -> None:
        """Close the dossier (releasing its lock), then the window, then leave the event loop."""
        def leave() -> None:
            if self.window is not None:
                self.window.close_for_good()
            self.exit_app(code)
        self._close_workspace(leave)

    def _close_workspace(self, then: Callable[[], None]) -> None:
        workspace, self.workspace = self.workspace, None
        if workspace is None:
            then()
            return
        self.runner.submit(workspace.close, lambda _none: then())

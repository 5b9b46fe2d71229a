"""Start screen, "Nouveau dossier…" with inline checks, the controller opening and closing dossiers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.i18n import _
from app.services import recent
from app.services.workspace import open_workspace
from app.ui.company_dialog import CompanyDialog
from app.ui.controller import AppController
from app.ui.drops import dropped_dossier
from app.ui.main_window import MainWindow
from app.ui.start_screen import EXISTS_ROLE, StartScreen
from app.ui.tasks import SyncRunner

VALID_SIREN = "732829320"
BAD_SIREN = "732829321"  # last digit changed: the Luhn check fails


def _fill(qtbot: QtBot, dialog: CompanyDialog, **values: str) -> None:
    for name, value in values.items():
        dialog.edits[name].clear()
        qtbot.keyClicks(dialog.edits[name], value)


def test_new_dossier_refuses_a_bad_siren_then_creates(qtbot: QtBot, runner: SyncRunner, tmp_path: Path) -> None:
    dialog = CompanyDialog(runner)
    qtbot.addWidget(dialog)
    asked: list[bool] = []
    target = tmp_path / "atelier.encaisse"
    dialog.choose_path = lambda: asked.append(True) or target  # type: ignore[func-returns-value]
    _fill(qtbot, dialog, legal_name="Atelier Test", siren=BAD_SIREN)
    assert not dialog.errors["siren"].isHidden()
    assert BAD_SIREN in dialog.errors["siren"].text()
    assert dialog.errors["siret"].isHidden()  # untouched fields stay quiet while typing
    dialog.submit()
    assert not asked and dialog.workspace is None and not target.exists()
    _fill(qtbot, dialog, siren=VALID_SIREN)
    assert dialog.errors["siren"].isHidden()
    dialog.submit()
    assert asked and dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.workspace is not None
    try:
        assert dialog.workspace.info().company.siren == VALID_SIREN
    finally:
        dialog.workspace.close()
    assert target.is_file()


def test_submit_shows_every_problem(qtbot: QtBot, runner: SyncRunner) -> None:
    dialog = CompanyDialog(runner)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, siret="123", email="not-an-address")
    dialog.edits["legal_name"].clear()
    dialog.submit()
    for name in ("legal_name", "siret", "email"):
        assert not dialog.errors[name].isHidden(), name


def test_start_screen_lists_recent_dossiers(qtbot: QtBot, demo_path: Path, tmp_path: Path) -> None:
    recent.remember(tmp_path / "gone.encaisse", "Disparue")
    recent.remember(demo_path, "Démo")
    screen = StartScreen(recent.recent_dossiers)
    qtbot.addWidget(screen)
    assert screen.recent_list.count() == 2
    first, missing = screen.recent_list.item(0), screen.recent_list.item(1)
    assert first.text().startswith("Démo") and first.data(EXISTS_ROLE)
    assert not missing.data(EXISTS_ROLE) and missing.foreground().color().name() == "#9e9e9e"
    with qtbot.waitSignal(screen.open_path_requested) as opened:
        screen.recent_list.itemActivated.emit(first)
    assert opened.args == [demo_path.resolve()]


def test_dropping_a_dossier_asks_to_open_it(qtbot: QtBot, tmp_path: Path) -> None:
    screen = StartScreen(list)
    qtbot.addWidget(screen)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt")), QUrl.fromLocalFile(str(tmp_path / "a.encaisse"))])
    assert dropped_dossier(mime) == tmp_path / "a.encaisse"
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(screen.open_path_requested) as opened:
        screen.dropEvent(event)
    assert opened.args == [tmp_path / "a.encaisse"]
    text_only = QMimeData()
    text_only.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    assert dropped_dossier(text_only) is None


@pytest.fixture
def exits() -> list[int]:
    return []


def _controller(runner: SyncRunner, exits: list[int]) -> AppController:
    """A controller whose "quit" is recorded instead of stopping the test's event loop."""
    controller = AppController(runner)
    controller.exit_app = exits.append
    return controller


@pytest.fixture
def dossier_copy(demo_path: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(demo_path, tmp_path / "copie.encaisse"))


def test_controller_opens_switches_and_closes(qtbot: QtBot, runner: SyncRunner, dossier_copy: Path,
                                              exits: list[int]) -> None:
    controller = _controller(runner, exits)
    controller.show_start()
    assert isinstance(controller.window, StartScreen)
    qtbot.addWidget(controller.window)
    with qtbot.waitSignal(controller.window_ready):
        controller.open_path(dossier_copy)
    window = controller.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert "Atelier Durand" in window.windowTitle() and str(dossier_copy) in window.windowTitle()
    assert window.current_view() is window.views["dashboard"]  # the first page when a dossier opens
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts only reach the active window
    # Ctrl+1 dashboard, 2 to do, 3 aged balance, 4 clients
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view() is window.views["clients"]
    assert window.view_status.text()  # counts of the page shown
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.views["clients"].filter_box.hasFocus()  # type: ignore[attr-defined]
    assert recent.recent_dossiers()[0].path == dossier_copy.resolve()
    controller.close_dossier()
    assert controller.workspace is None and isinstance(controller.window, StartScreen)
    qtbot.addWidget(controller.window)
    assert exits == []
    controller.window.close()  # closing the start screen quits
    assert exits == [0]


def test_closing_the_main_window_releases_the_dossier_then_quits(qtbot: QtBot, runner: SyncRunner,
                                                                 dossier_copy: Path, exits: list[int]) -> None:
    controller = _controller(runner, exits)
    controller.open_path(dossier_copy)
    window = controller.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.close()
    qtbot.waitUntil(lambda: exits == [0])
    assert controller.workspace is None and not window.isVisible()
    open_workspace(dossier_copy).close()  # the write lock was released


def test_locked_dossier_opens_read_only_when_accepted(qtbot: QtBot, runner: SyncRunner,
                                                      dossier_copy: Path, exits: list[int]) -> None:
    holder = open_workspace(dossier_copy)  # another Encaisse writing it
    try:
        controller = _controller(runner, exits)
        asked: list[BaseException] = []
        controller.ask_read_only = lambda error: asked.append(error) is None
        controller.open_path(dossier_copy)
        assert asked and isinstance(controller.window, MainWindow)
        qtbot.addWidget(controller.window)
        assert controller.workspace is not None and controller.workspace.read_only
        assert _("read-only") in controller.window.windowTitle()
        controller.close_dossier()
        qtbot.addWidget(controller.window)
    finally:
        holder.close()


def test_missing_dossier_is_reported_and_start_screen_shown(qtbot: QtBot, tmp_path: Path,
                                                           exits: list[int]) -> None:
    reported: list[BaseException] = []
    controller = _controller(SyncRunner(), exits)
    controller.report = reported.append
    controller.open_path(tmp_path / "absent.encaisse")
    assert len(reported) == 1 and "absent.encaisse" in str(reported[0])
    assert isinstance(controller.window, StartScreen)
    qtbot.addWidget(controller.window)


def test_demo_is_regenerated_to_end_on_the_chosen_date() -> None:
    import sqlite3
    from datetime import date

    from app.ui.controller import ensure_demo

    first = ensure_demo(date(2026, 6, 30))
    latest = sqlite3.connect(first).execute("SELECT MAX(issue_date) FROM invoices").fetchone()[0]
    assert latest <= "2026-06-30"
    again = ensure_demo(date(2026, 11, 23))
    assert again == first
    latest = sqlite3.connect(again).execute("SELECT MAX(issue_date) FROM invoices").fetchone()[0]
    assert "2026-10-01" < latest <= "2026-11-23"


def test_the_start_screen_opens_the_about_dialog_without_a_dossier(qtbot: QtBot) -> None:
    from app import __version__
    from app.ui.about_dialog import AboutDialog

    screen = StartScreen(lambda: [])
    qtbot.addWidget(screen)
    assert screen.about_button.text() == "À &propos d'Encaisse…"
    screen.about_button.click()
    (dialog,) = screen.findChildren(AboutDialog)
    assert __version__ in dialog.version_label.text()
    assert dialog.dossier_label.text() == "Aucun dossier ouvert"
    dialog.close()

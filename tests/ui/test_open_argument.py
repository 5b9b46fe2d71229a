"""A path given to ``encaisse`` (or double-clicked) that is not a dossier: a plain warning, then the start screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.ui.controller import AppController
from app.ui.start_screen import StartScreen
from app.ui.tasks import SyncRunner


@pytest.mark.parametrize(("name", "says"), [
    ("absent.encaisse", "absent.encaisse : fichier introuvable."),
    ("a folder", "a folder est un répertoire, pas un dossier Encaisse."),
    ("notes.encaisse", "notes.encaisse n'est pas un dossier Encaisse."),
])
def test_a_bad_path_is_a_plain_warning_then_the_start_screen(qtbot: QtBot, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, name: str,
                                                             says: str) -> None:
    (tmp_path / "a folder").mkdir()
    (tmp_path / "notes.encaisse").write_text("mes notes", encoding="utf-8")
    warnings: list[str] = []
    crashes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *args: warnings.append(text))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: crashes.append(box.text()))  # the "unexpected error" box
    controller = AppController(SyncRunner())  # the real error report, as when the window starts
    controller.exit_app = lambda _code: None
    controller.open_path(tmp_path / name)
    assert [text.endswith(says) for text in warnings] == [True] and crashes == []
    assert isinstance(controller.window, StartScreen)
    window: QWidget = controller.window
    qtbot.addWidget(window)

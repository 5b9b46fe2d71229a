"""Fichier > Exporter…: the save dialog (patched) chooses the file, the export runs, the status bar says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from app.services.workspace import Workspace
from app.ui import exporting
from app.ui.main_window import MainWindow
from app.ui.tasks import SyncRunner, TaskRunner
from app.ui.view_base import ViewContext
from tests.ui.conftest import AS_OF


def _patch_dialog(monkeypatch: pytest.MonkeyPatch, path: Path, selected: str) -> list[str]:
    asked: list[str] = []

    def fake(parent: object, title: str, start: str, filters: str, initial: str) -> tuple[str, str]:
        asked.extend([title, start, filters])
        return str(path), selected

    monkeypatch.setattr(exporting.QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


def test_export_menu_writes_the_file(qtbot: QtBot, demo_ws: Workspace, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    runner = TaskRunner()
    window = MainWindow(demo_ws.info(), ViewContext(demo_ws, runner, AS_OF))
    qtbot.addWidget(window)
    asked = _patch_dialog(monkeypatch, tmp_path / "balance", exporting._(exporting.FILTERS["pdf"]))
    action = next(a for a in window.export_actions if a.objectName() == "export_aging")
    assert action in window.menuBar().actions()[0].menu().actions()
    action.trigger()
    target = tmp_path / "balance.pdf"
    qtbot.waitUntil(lambda: target.is_file() and not runner.busy(), timeout=20_000)
    assert "*.xlsx" in asked[2] and "*.csv" in asked[2] and asked[1].endswith(".xlsx")
    assert len(PdfReader(target).pages) >= 1
    assert str(target) in window.statusBar().currentMessage()


def test_clients_export_as_xlsx(qtbot: QtBot, context: ViewContext, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_dialog(monkeypatch, tmp_path / "clients.xlsx", exporting._(exporting.FILTERS["csv"]))
    messages: list[str] = []
    exporting.start_export(None, context, "clients", messages.append)
    sheet = load_workbook(tmp_path / "clients.xlsx").active
    assert sheet.max_row > 10 and messages and "clients.xlsx" in messages[0]


def test_cancelled_dialog_exports_nothing(context: ViewContext, runner: SyncRunner, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporting.QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    messages: list[str] = []
    exporting.start_export(None, context, "aging", messages.append)
    assert messages == [] and list(tmp_path.iterdir()) == []

"""Aide > À propos d'Encaisse: the version, the shipped libraries with their licences, the data folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication, QLabel, QMenu
from pytestqt.qtbot import QtBot

from app import __version__
from app.paths import data_dir
from app.services.workspace import Workspace
from app.ui.about_dialog import AboutDialog
from app.ui.application import application_icon
from app.ui.main_window import MainWindow
from app.ui.view_base import ViewContext


def _labels(dialog: AboutDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel)]


def test_the_help_menu_opens_about_with_the_version_the_dossier_and_the_data_folder(
        qtbot: QtBot, context: ViewContext, demo_ws: Workspace) -> None:
    window = MainWindow(demo_ws.info(), context)
    qtbot.addWidget(window)
    titles = [menu.title() for menu in window.menuBar().findChildren(QMenu)]
    assert "&Aide" in titles
    window.about_action.trigger()
    dialog = next(widget for widget in QApplication.topLevelWidgets() if isinstance(widget, AboutDialog))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "À propos d'Encaisse"
    texts = _labels(dialog)
    assert f"Version {__version__}" in texts
    assert str(data_dir()) in texts
    assert str(demo_ws.path) in texts
    if path := os.environ.get("ENCAISSE_ABOUT_PNG"):  # to look at the dialog while working on it
        dialog.grab().save(path)


def test_the_libraries_show_with_their_version_and_licence(qtbot: QtBot) -> None:
    dialog = AboutDialog(None)
    qtbot.addWidget(dialog)
    rows = {name.lower(): (version, licence) for name, version, licence in dialog.library_rows()}
    assert rows["pyside6_essentials"][1] == "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"
    assert "BSD" in rows["reportlab"][1]
    assert rows["python"][0].startswith("3.")
    assert all(version != "?" and licence != "?" for version, licence in rows.values())
    assert "Aucun dossier ouvert" in _labels(dialog)


def test_open_the_data_folder_asks_the_desktop_for_that_folder(qtbot: QtBot) -> None:
    dialog = AboutDialog(Path("/tmp/x.encaisse"))
    qtbot.addWidget(dialog)
    opened: list[QUrl] = []
    dialog.open_url = lambda url: opened.append(url) or True
    dialog.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str(data_dir())]


def test_the_application_icon_carries_every_rendered_size(qtbot: QtBot) -> None:
    sizes = sorted(size.width() for size in application_icon().availableSizes())
    assert sizes == [16, 32, 48, 64, 128, 256]


def test_choosing_a_library_shows_the_text_of_its_licence(qtbot: QtBot) -> None:
    dialog = AboutDialog(None)
    qtbot.addWidget(dialog)
    names = [name.lower() for name, _version, _licence in dialog.library_rows()]
    dialog.libraries.setCurrentCell(names.index("reportlab"), 0)
    assert "Redistribution and use in source and binary forms" in dialog.licence_view.toPlainText()
    dialog.libraries.setCurrentCell(names.index("pyside6_essentials"), 0)  # its wheel carries no licence file
    assert dialog.licence_view.toPlainText() == (
        "PySide6_Essentials ne fournit pas le texte de sa licence ; "
        "sa licence est LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only.")

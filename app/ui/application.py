"""Starting the interface: the QApplication, Qt's own translations, then a start screen or a dossier."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from app import APP_NAME, __version__
from app.i18n import current_language
from app.paths import resource
from app.ui.controller import AppController
from app.ui.icons import icon, register_icons
from app.ui.screenshot import ScreenshotTaker
from app.ui.tasks import TaskRunner
from app.ui.views import VIEW_KEYS

_keep: list[object] = []  # Qt objects that must outlive run()'s locals (translators)


def create_application() -> QApplication:
    """The QApplication (reused if one exists, as under pytest-qt), styled and translated."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("encaisse")  # Wayland matches windows to encaisse.desktop (its icon, its name)
    app.setStyle("Fusion")
    register_icons()
    app.setWindowIcon(application_icon())
    app.setQuitOnLastWindowClosed(False)  # the controller closes the dossier first, then quits
    install_qt_translations(app, current_language())
    return app


def application_icon() -> QIcon:
    """The icon's rendered sizes (tools/make_icons.py: sharp at 16 px, no SVG plugin needed), else the SVG."""
    result = QIcon()
    for png in sorted(resource("icons/app").glob("encaisse-*.png")):
        result.addFile(str(png))
    return result if not result.isNull() else icon("encaisse.svg")


def install_qt_translations(app: QApplication, language: str) -> bool:
    """Qt's own dialogs (file dialogs, Yes/No buttons) in ``language`` when Qt ships it."""
    QLocale.setDefault(QLocale(language))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language == "en" or not translator.load(f"qtbase_{language}", folder):
        return False
    app.installTranslator(translator)
    _keep.append(translator)
    return True


def run(*, dossier_path: Path | None, demo: bool, screenshot: Path | None, view: str, as_of: date | None,
        read_only: bool = False) -> int:
    """Run the interface until it quits; returns the process exit code.

    Args:
        dossier_path: open this dossier; with neither it nor ``demo``, show the start screen.
        demo: open the demonstration dossier, generating it first if needed.
        screenshot: render the window offscreen on ``view`` into this PNG once the data is shown, then exit.
        view: the page shown first (one of VIEW_KEYS).
        as_of: the date figures are computed for (default: today).
    """
    if view not in VIEW_KEYS and not view.startswith("client:"):
        raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEW_KEYS)}")
    if screenshot is not None and dossier_path is None and not demo:
        print("encaisse: a screenshot needs a dossier (a path or --demo)", file=sys.stderr)
        return 2
    app = create_application()
    controller: AppController | None = None

    def parent_widget() -> QWidget | None:
        return controller.window if controller is not None else None

    runner = TaskRunner(parent_widget)
    controller = AppController(runner, as_of=as_of)
    controller.initial_view = view
    taker = ScreenshotTaker(controller, screenshot, view) if screenshot is not None else None
    if demo:
        controller.open_demo()
    elif dossier_path is not None:
        controller.open_path(dossier_path, read_only)
    else:
        controller.show_start()
    code = app.exec()
    runner.wait()
    del taker
    return code

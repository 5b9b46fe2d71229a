"""Aide > À propos d'Encaisse: the version, the data folder, the open dossier, the shipped libraries' licences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.i18n import _
from app.licences import LibraryLicence, licence_text, python_runtime, shipped_libraries
from app.paths import data_dir
from app.ui.widgets import brand

ICON_SIZE = 64


class AboutDialog(QDialog):
    """Read-only facts about this copy of Encaisse; ``open_url`` is replaceable so tests open nothing."""

    def __init__(self, dossier: Path | None, parent: QWidget | None = None,
                 libraries: list[LibraryLicence] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About Encaisse"))
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.data_folder = data_dir()
        self.version_label = QLabel(_("Version {version}").format(version=__version__))
        self.data_label = _path_label(self.data_folder)
        self.dossier_label = _path_label(dossier) if dossier is not None else QLabel(_("No dossier open"))
        self.open_button = QPushButton(_("Open the data folder"))
        self.open_button.clicked.connect(self.open_data_folder)
        self.rows = [python_runtime(), *(libraries if libraries is not None else shipped_libraries())]
        self.libraries = self._table(self.rows)
        self.licence_view = QPlainTextEdit()
        self.licence_view.setReadOnly(True)
        self.licence_view.setPlaceholderText(_("Select a library to read its licence."))
        self.libraries.currentCellChanged.connect(lambda row, _column, _row, _col: self.show_licence(row))
        self._layout()
        self.resize(760, 680)

    def _header(self) -> QHBoxLayout:
        logo, name, tagline = brand(ICON_SIZE, 1.8)
        text = QVBoxLayout()
        text.setSpacing(2)
        for widget in (name, self.version_label, tagline):
            text.addWidget(widget)
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(logo)
        header.addLayout(text, 1)
        return header

    def _layout(self) -> None:
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_label, 1)
        data_row.addWidget(self.open_button)
        form = QFormLayout()
        form.addRow(_("Data folder:"), data_row)
        form.addRow(_("Open dossier:"), self.dossier_label)
        note = QLabel(_("Encaisse is built on these libraries (in bold, those it uses directly); "
                       "each keeps its own licence."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(note)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.libraries)
        split.addWidget(self.licence_view)
        split.setSizes([300, 160])
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

    def _table(self, libraries: list[LibraryLicence]) -> QTableWidget:
        table = QTableWidget(len(libraries), 3)
        table.setHorizontalHeaderLabels([_("Library"), _("Version"), _("Licence")])
        for row, library in enumerate(libraries):
            for column, text in enumerate((library.name, library.version, library.licence)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if library.direct and column == 0:
                    font = item.font()
                    font.setBold(True)  # what Encaisse asks for, as opposed to what those libraries bring along
                    item.setFont(font)
                table.setItem(row, column, item)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)  # a list, not a form
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return table

    def show_licence(self, row: int) -> None:
        """The text of the licence of the library on ``row``, as that library ships it."""
        if not 0 <= row < len(self.rows):
            self.licence_view.clear()
            return
        library = self.rows[row]
        text = licence_text(library.name)
        self.licence_view.setPlainText(text if text is not None else _(
            "{name} does not ship the text of its licence with it; its licence is {licence}.").format(
                name=library.name, licence=library.licence))

    def open_data_folder(self) -> None:
        self.open_url(QUrl.fromLocalFile(str(self.data_folder)))

    def library_rows(self) -> list[tuple[str, str, str]]:
        """The table as text, row by row (name, version, licence)."""
        def text(row: int, column: int) -> str:
            item = self.libraries.item(row, column)
            return item.text() if item is not None else ""
        return [(text(row, 0), text(row, 1), text(row, 2)) for row in range(self.libraries.rowCount())]


def _path_label(path: Path) -> QLabel:
    label = QLabel(str(path))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy it into a file manager
    label.setWordWrap(True)
    return label


def show_about(parent: QWidget, dossier: Path | None) -> AboutDialog:
    """Open the About dialog over ``parent`` (window-modal, deleted when closed)."""
    dialog = AboutDialog(dossier, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def add_help_menu(window: QMainWindow, dossier: Path | None) -> QAction:
    """Aide > À propos d'Encaisse… and À propos de Qt…; returns the first (tests trigger it)."""
    menu = window.menuBar().addMenu(_("&Help"))
    about = QAction(_("&About Encaisse…"), window)
    about.setObjectName("help_about")
    about.setMenuRole(QAction.MenuRole.AboutRole)

    about.triggered.connect(lambda _checked=False: show_about(window, dossier))
    menu.addAction(about)
    about_qt = QAction(_("About &Qt…"), window)
    about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
    about_qt.setToolTip(f"Qt {qVersion()}")
    about_qt.triggered.connect(lambda _checked=False: QMessageBox.aboutQt(window))
    menu.addAction(about_qt)
    return about

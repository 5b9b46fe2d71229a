"""The window shown when no dossier is open: recent dossiers, new, open, demonstration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.services.dto import RecentDossier
from app.ui.about_dialog import show_about
from app.ui.drops import accept_dossier_drag, take_dropped_dossier
from app.ui.icons import icon
from app.ui.widgets import brand

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
EXISTS_ROLE = Qt.ItemDataRole.UserRole + 2


class StartScreen(QWidget):
    """What to open: recent dossiers (double-click), a new one, a file, or the demonstration.

    Signals:
        new_requested(), open_requested(), demo_requested(), quit_requested()
        open_path_requested(Path): a recent dossier double-clicked or a file dropped.
        forget_requested(Path): a missing recent dossier the user removes from the list.
    """

    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    quit_requested = Signal()
    open_path_requested = Signal(Path)
    forget_requested = Signal(Path)

    def __init__(self, recent: Callable[[], list[RecentDossier]]) -> None:
        super().__init__()
        self._recent = recent
        self._quitting = False
        self.recent_list = QListWidget()
        self.new_button = self._button(_("New dossier…"), "new.svg", self.new_requested.emit)
        self.open_button = self._button(_("Open…"), "open.svg", self.open_requested.emit)
        self.demo_button = self._button(_("Demonstration dossier"), "demo.svg", self.demo_requested.emit)
        self._build()
        self.setAcceptDrops(True)
        self.setWindowTitle(_("Encaisse"))
        self.setWindowIcon(icon("encaisse.svg"))
        self.resize(860, 520)
        self.refresh()

    def _button(self, text: str, icon_name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setIconSize(QSize(22, 22))
        button.setMinimumHeight(44)
        button.setStyleSheet("QPushButton { text-align: left; padding: 6px 14px; }")
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(32)
        layout.addLayout(self._left_column(), 2)
        layout.addLayout(self._right_column(), 3)

    def _left_column(self) -> QVBoxLayout:
        logo, title, tagline = brand(64, 2)
        column = QVBoxLayout()
        column.setSpacing(12)
        for widget in (logo, title, tagline):
            column.addWidget(widget)
        column.addSpacing(16)
        for button in (self.new_button, self.open_button, self.demo_button):
            column.addWidget(button)
        column.addStretch(1)
        about = QPushButton(_("&About Encaisse…"))
        about.setFlat(True)
        about.setStyleSheet("QPushButton { text-align: left; color: palette(link); padding: 2px 0; }")
        about.clicked.connect(lambda _checked=False: show_about(self, None))
        self.about_button = about
        column.addWidget(about)
        return column

    def _right_column(self) -> QVBoxLayout:
        heading = QLabel(_("Recent dossiers"))
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        self.recent_list.setIconSize(QSize(20, 20))
        self.recent_list.setSpacing(3)
        self.recent_list.itemActivated.connect(self._activated)
        self.empty_hint = QLabel(_("Dossiers you open will be listed here. Drop a .encaisse file to open it."))
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: palette(placeholder-text);")
        column = QVBoxLayout()
        column.addWidget(heading)
        column.addWidget(self.recent_list, 1)
        column.addWidget(self.empty_hint)
        return column

    def refresh(self) -> None:
        """Reload the recent list; missing files stay listed, greyed."""
        self.recent_list.clear()
        for entry in self._recent():
            self.recent_list.addItem(self._item(entry))
        self.empty_hint.setVisible(self.recent_list.count() == 0)

    def _item(self, entry: RecentDossier) -> QListWidgetItem:
        name = entry.name or entry.path.stem
        item = QListWidgetItem(icon("invoices.svg"), f"{name}\n{entry.path}")
        item.setData(PATH_ROLE, str(entry.path))
        item.setData(EXISTS_ROLE, entry.exists)
        if entry.exists:
            item.setToolTip(_("Double-click to open"))
        else:
            item.setForeground(QColor("#9e9e9e"))
            item.setToolTip(_("File not found: {path}").format(path=entry.path))
        return item

    def _activated(self, item: QListWidgetItem) -> None:
        path = Path(str(item.data(PATH_ROLE)))
        if item.data(EXISTS_ROLE):
            self.open_path_requested.emit(path)
            return
        answer = QMessageBox.question(
            self, _("Encaisse"), _("{path} cannot be found. Remove it from the recent list?").format(path=path))
        if answer == QMessageBox.StandardButton.Yes:
            self.forget_requested.emit(path)
            self.refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_dossier_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if (path := take_dropped_dossier(event)) is not None:
            self.open_path_requested.emit(path)

    def close_for_good(self) -> None:
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting:
            self.quit_requested.emit()
        event.accept()

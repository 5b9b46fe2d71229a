"""The main window of an open dossier: navigation pane, as-of date, the pages, menus and status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from app.formatting import format_count
from app.i18n import _, ngettext
from app.services.dto import DossierInfo, RecentDossier
from app.ui.client_page import CLIENT_PREFIX, ClientPageView, open_client, wire_client_pages
from app.ui.drops import accept_dossier_drag, take_dropped_dossier, take_dropped_import
from app.ui.icons import icon
from app.ui.todo_view import wire_todo
from app.ui.view_base import DossierView, ViewContext
from app.ui.views import VIEWS

Shortcut = QKeySequence | QKeySequence.StandardKey | str
DATE_DEBOUNCE_MS = 300  # typing 23/11/2026 digit by digit must not recompute on each digit


class MainWindow(QMainWindow):
    """An open dossier.

    Signals:
        new_requested(), open_requested(): the File menu's Nouveau and Ouvrir.
        open_path_requested(Path): a recent dossier chosen or a file dropped.
        close_requested(): Fermer le dossier.
        quit_requested(): Quitter, or the window closed.
    """

    new_requested = Signal()
    open_requested = Signal()
    open_path_requested = Signal(Path)
    close_requested = Signal()
    quit_requested = Signal()

    def __init__(self, info: DossierInfo, context: ViewContext,
                 recent: Callable[[], list[RecentDossier]] = list) -> None:
        super().__init__()
        self.info = info
        self.context = context
        self._recent = recent
        self._closing_for_good = False
        self.views: dict[str, DossierView] = {}
        self.nav = QListWidget()
        self.stack = QStackedWidget()
        self.as_of_edit = self._make_date_edit(context.as_of)
        self.view_status = QLabel()
        self._build()
        self.setAcceptDrops(True)
        self.setWindowIcon(icon("encaisse.svg"))
        self.setWindowTitle(self._title())
        self.resize(1280, 800)

    def _title(self) -> str:
        parts = [self.info.company.legal_name, str(self.info.path)]
        if self.info.read_only:
            parts[-1] += f" ({_('read-only')})"
        return " — ".join([*parts, _("Encaisse")])

    def _build(self) -> None:
        for spec in VIEWS:
            view = spec.factory(ViewContext(self.context.workspace, self.context.runner, self.context.as_of))
            view.status_changed.connect(lambda text, v=view: self._view_status(v, text))
            self.views[spec.key] = view
            self.stack.addWidget(view)
            self.nav.addItem(QListWidgetItem(icon(spec.icon), _(spec.label)))
        self._style_nav()
        self.nav.currentRowChanged.connect(self._switch)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        wire_client_pages(self)
        wire_todo(self)

    def _style_nav(self) -> None:
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFixedWidth(172)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setSpacing(2)
        self.nav.setStyleSheet(
            "QListWidget { background: palette(window); border-right: 1px solid palette(mid); padding: 8px 6px;"
            " outline: 0; }"
            "QListWidget::item { padding: 8px 6px; border-radius: 6px; }"
            "QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }"
        )

    def _make_date_edit(self, as_of: date) -> QDateEdit:
        edit = QDateEdit(QDate(as_of.year, as_of.month, as_of.day))
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        edit.setToolTip(_("Figures are computed as of this date"))
        timer = QTimer(edit)
        timer.setSingleShot(True)
        timer.setInterval(DATE_DEBOUNCE_MS)
        timer.timeout.connect(self._apply_as_of)
        edit.dateChanged.connect(lambda _d: timer.start())
        return edit

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(_("Date"))
        toolbar.setMovable(False)
        toolbar.setObjectName("as_of_toolbar")
        label = QLabel(_("As of"))
        label.setContentsMargins(12, 0, 6, 0)
        toolbar.addWidget(label)
        toolbar.addWidget(self.as_of_edit)
        self.addToolBar(toolbar)

    def _action(self, text: str, slot: Callable[[], object], shortcut: Shortcut | None = None,
                icon_name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        file_menu.addAction(self._action(_("&New dossier…"), self.new_requested.emit, QKeySequence.StandardKey.New,
                                         "new.svg"))
        file_menu.addAction(self._action(_("&Open…"), self.open_requested.emit, QKeySequence.StandardKey.Open,
                                         "open.svg"))
        self.recent_menu = file_menu.addMenu(_("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        from app.ui.exporting import add_export_actions  # the exports' menu items live with the export dialog

        self.export_actions = add_export_actions(self, file_menu, self.context)
        from app.ui.import_preview import add_import_action  # Fichier > Importer… lives with its preview dialog

        self.import_action = add_import_action(self, file_menu, self.context.workspace, self.context.runner,
                                               self.info.read_only, self._reload_all)
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Close dossier"), self.close_requested.emit,
                                         QKeySequence.StandardKey.Close))
        file_menu.addAction(self._action(_("&Quit"), self.quit_requested.emit, QKeySequence.StandardKey.Quit))
        view_menu = self.menuBar().addMenu(_("&View"))
        for row, spec in enumerate(VIEWS):
            shortcut = f"Ctrl+{row + 1}" if row < 9 else None
            view_menu.addAction(self._action(_(spec.label), partial(self.nav.setCurrentRow, row), shortcut,
                                             spec.icon))
        view_menu.addSeparator()
        view_menu.addAction(self._action(_("&Filter"), self.focus_filter, QKeySequence.StandardKey.Find))
        view_menu.addAction(self._action(_("Change the &date"), self._focus_date, "Ctrl+D"))
        from app.ui.dialogs.menu import add_entry_menu  # the "Saisie" menu lives with its dialogs

        self.entry_actions = add_entry_menu(self, self, self.info.read_only)
        from app.ui.ladder_editor import add_settings_menu  # the "Paramètres" menu lives with its dialog

        self.ladders_action = add_settings_menu(self, self.context.workspace, self.context.runner,
                                                self.info.read_only, self._reload_all)
        from app.ui.letter_menu import add_letter_menus  # letters: legal rates, letter texts, the day's letters

        self.letter_actions = add_letter_menus(self, self.context.workspace, self.context.runner,
                                               self.info.read_only, self.as_of)
        from app.ui.mail_settings import add_mail_menu  # Paramètres > Messagerie…

        self.mail_action = add_mail_menu(self, self.context.workspace, self.context.runner, self.info.read_only,
                                         self.as_of)
        from app.ui.about_dialog import add_help_menu  # Aide > À propos, last like every Help menu

        self.about_action = add_help_menu(self, self.info.path)

    def _reload_all(self) -> None:
        for view in self.views.values():
            view.invalidate()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        entries = [entry for entry in self._recent() if entry.exists]
        for entry in entries:
            action = self.recent_menu.addAction(f"{entry.name} — {entry.path}")
            action.triggered.connect(lambda _checked=False, p=entry.path: self.open_path_requested.emit(p))
        if not entries:
            self.recent_menu.addAction(_("No recent dossier")).setEnabled(False)

    def _build_status_bar(self) -> None:
        summary = QLabel(
            ngettext("{count} client", "{count} clients", self.info.client_count).format(
                count=format_count(self.info.client_count)) + " · " +
            ngettext("{count} invoice", "{count} invoices", self.info.invoice_count).format(
                count=format_count(self.info.invoice_count)))
        summary.setContentsMargins(0, 0, 8, 0)
        self.view_status.setContentsMargins(8, 0, 0, 0)
        self.statusBar().addWidget(self.view_status, 1)
        self.statusBar().addPermanentWidget(summary)

    def show_view(self, key: str) -> DossierView:
        """Bring page ``key`` to front (it loads if its data is stale); ``client:CODE`` is a client's page."""
        if key.startswith(CLIENT_PREFIX):
            return open_client(self, code=key.removeprefix(CLIENT_PREFIX))
        row = list(self.views).index(key)
        self.nav.setCurrentRow(row)
        return self.views[key]

    def show_client(self, client_id: int) -> ClientPageView:
        """Bring client ``client_id``'s page to front; its Back button returns to the current list."""
        return open_client(self, client_id)

    def current_view(self) -> DossierView:
        widget = self.stack.currentWidget()
        assert isinstance(widget, DossierView)
        return widget

    def as_of(self) -> date:
        qdate = self.as_of_edit.date()
        return date(qdate.year(), qdate.month(), qdate.day())

    def set_as_of(self, as_of: date) -> None:
        self.as_of_edit.setDate(QDate(as_of.year, as_of.month, as_of.day))
        self._apply_as_of()

    def focus_filter(self) -> None:
        self.current_view().focus_filter()

    def _focus_date(self) -> None:
        self.as_of_edit.setFocus()
        self.as_of_edit.setSelectedSection(QDateEdit.Section.DaySection)

    def _apply_as_of(self) -> None:
        as_of = self.as_of()
        self.context.as_of = as_of
        for view in self.views.values():
            view.set_as_of(as_of)

    def _switch(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        self.view_status.setText(self.current_view().status_text)

    def _view_status(self, view: DossierView, text: str) -> None:
        if view is self.stack.currentWidget():
            self.view_status.setText(text)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_dossier_drag(event, imports=not self.info.read_only)

    def dropEvent(self, event: QDropEvent) -> None:
        if (path := take_dropped_dossier(event)) is not None:
            self.open_path_requested.emit(path)
        elif not self.info.read_only and (path := take_dropped_import(event)) is not None:
            from app.ui.import_preview import start_import

            start_import(self, self.context.workspace, self.context.runner, path, self._reload_all)

    def close_for_good(self) -> None:
        """Close without asking the controller again (it already decided)."""
        self._closing_for_good = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing_for_good:
            event.accept()
            return
        event.ignore()  # the controller closes the dossier first, then the window
        QTimer.singleShot(0, self, self.quit_requested.emit)  # after this event: close() is not re-entrant



"""A client's page: header with risk grade and credit-limit warning, then identity and contacts, the ledger
(grand livre) with its running balance, and the history timeline whose documents open outside.

The page is not in the navigation pane: double-clicking a client in the Clients page or the aged balance
opens it (see :func:`wire_client_pages`), its "Back" button returns to the list.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.formatting import format_cents, format_count
from app.i18n import _, ngettext
from app.services import client_page as service
from app.services.case_links import CaseRef
from app.services.client_page import ClientPage, LedgerLine
from app.ui.dialogs.client_dialog import ClientDialog
from app.ui.dialogs.form import EntryDialog
from app.ui.dialogs.invoice_dialog import InvoiceDialog
from app.ui.dialogs.menu import reload_all
from app.ui.row_model import RowTableModel
from app.ui.view_base import DossierView, ViewContext
from app.ui.widgets import DataTable, caption

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

from app.ui.client_page_rows import (
    CASE_DIALOGS,
    EDIT_MENUS,
    FACTOR_LABELS,
    GRADE_COLOURS,
    LEDGER_COLUMNS,
    PAGE_ENTRIES,
    TIMELINE_COLUMNS,
    TimelineRow,
    case_choices,
    factor_value,
    form_label,
    risk_explanation,
    timeline,
)

CLIENT_PREFIX = "client:"  # --view client:CODE

class ClientPageView(DossierView):
    """One client as of the toolbar date.

    Signals:
        back_requested(): the "Back" button; the window shows the list the client was opened from.
        data_changed(): the client was edited from this page (every page's figures may have changed).
    """

    back_requested = Signal()
    data_changed = Signal()

    def __init__(self, context: ViewContext) -> None:
        super().__init__(context)
        self.client_id: int | None = None
        self.code: str | None = None
        self.page: ClientPage | None = None
        self.ledger_model: RowTableModel[LedgerLine] = RowTableModel(LEDGER_COLUMNS)
        self.timeline_model: RowTableModel[TimelineRow] = RowTableModel(TIMELINE_COLUMNS)
        self.back_button = QPushButton(_("← Back"))
        self.back_button.setToolTip(_("Back to the list (Alt+Left)"))
        back = QShortcut(QKeySequence("Alt+Left"), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_requested.emit)
        self.back_button.clicked.connect(self.back_requested.emit)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Edit the client's identity, terms and contacts")
                                    if not context.workspace.read_only else _("The dossier is open read-only."))
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_client)
        self.actions_button = QPushButton(_("Actions"))
        self.actions_button.setToolTip(_("Record a payment, a promise, a dispute… for this client"))
        self.actions_button.setEnabled(False)
        menu = QMenu(self.actions_button)
        for name, label, dialog_class, extra in PAGE_ENTRIES:
            action = menu.addAction(_(label))
            action.setObjectName(f"page_entry_{name}")
            action.triggered.connect(lambda _checked=False, c=dialog_class, e=extra: self.open_entry(c, **e))
        menu.addSeparator()
        self.edit_menus = {kind: menu.addMenu(_(label)) for kind, label in EDIT_MENUS}
        for kind, submenu in self.edit_menus.items():
            submenu.setObjectName(f"page_edit_{kind}")
        from app.ui.letter_menu import add_letter_actions  # issue 5: the letter entries live with their dialogs

        self.letter_actions = add_letter_actions(menu, self, self)
        self.actions_button.setMenu(menu)
        self.name_label = QLabel()
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
        self.subtitle = caption("")
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setMinimumWidth(96)
        self.figures = QLabel()
        self.figures.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.warning = QLabel()
        self.warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.warning.hide()
        self.tabs = QTabWidget()
        self.identity_box = QWidget()
        self.ledger_table = DataTable()
        self.ledger_proxy = QSortFilterProxyModel()
        self.ledger_proxy.setSourceModel(self.ledger_model)
        self.ledger_table.setModel(self.ledger_proxy)
        self.ledger_table.doubleClicked.connect(self._edit_ledger_line)
        self.timeline_table = DataTable()
        self.timeline_table.setModel(self.timeline_model)
        self.timeline_table.doubleClicked.connect(self._timeline_activated)
        self.timeline_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline_table.customContextMenuRequested.connect(self._timeline_menu)
        self.tabs.addTab(self._scrolled(self.identity_box), _("Identity && contacts"))
        self.tabs.addTab(self.ledger_table, _("Ledger"))
        self.tabs.addTab(self.timeline_table, _("History"))
        self.tabs.setCurrentIndex(1)
        self._fitted = False
        self._layout()

    @staticmethod
    def _scrolled(widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(widget)
        return area

    def _layout(self) -> None:
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.name_label)
        titles.addWidget(self.subtitle)
        titles.addWidget(self.warning)
        header = QHBoxLayout()
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addSpacing(12)
        header.addLayout(titles, 1)
        header.addWidget(self.figures)
        header.addSpacing(12)
        header.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.actions_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addSpacing(12)
        header.addWidget(self.badge)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    def show_client(self, client_id: int) -> None:
        """Show client ``client_id`` (loads now if visible, else when shown)."""
        self.client_id, self.code = client_id, None
        self.invalidate()

    def show_code(self, code: str) -> None:
        """Show the client whose account code is ``code`` (the command line's ``--view client:CODE``)."""
        self.client_id, self.code = None, code
        self.invalidate()

    def reload(self) -> None:
        workspace, as_of, client_id, code = self.context.workspace, self.context.as_of, self.client_id, self.code
        if client_id is None and code is None:
            return

        def work() -> ClientPage | None:
            wanted = client_id if client_id is not None else service.client_id_for_code(workspace, code or "")
            return None if wanted is None else service.client_page(workspace, wanted, as_of)

        self.context.runner.submit(work, self._show, context=self, progress=_("Loading the client…"))

    def _show(self, page: ClientPage | None) -> None:
        if page is None:
            self.name_label.setText(_("No client with code {code}").format(code=self.code))
            self._set_status("")
            self.loaded.emit()
            return
        self.page = page
        self.client_id, self.code = page.identity.id, None
        self.edit_button.setEnabled(not self.context.workspace.read_only)
        self.actions_button.setEnabled(not self.context.workspace.read_only)
        self._show_header(page)
        self._fill_identity(page)
        self.ledger_model.set_rows(page.ledger)
        self.timeline_model.set_rows(timeline(page))
        self._fill_edit_menus(page)
        if not self._fitted:
            self.ledger_table.fit_columns(LEDGER_COLUMNS, stretch_key="reference")
            self.timeline_table.fit_columns(TIMELINE_COLUMNS, stretch_key="summary")
            self._fitted = True
        if self.ledger_model.rowCount():  # the latest lines first in view, once the rows are laid out
            self.ledger_table.scrollToBottom()
            QTimer.singleShot(0, self.ledger_table, self.ledger_table.scrollToBottom)
        invoices = sum(1 for line in page.ledger if line.kind == service.INVOICE)
        self._set_status(_("{name} · {invoices} · balance {balance} · overdue {overdue}").format(
            name=page.identity.name,
            invoices=ngettext("{count} invoice", "{count} invoices", invoices).format(count=format_count(invoices)),
            balance=format_cents(page.balance_cents), overdue=format_cents(page.overdue_cents)))
        self.loaded.emit()

    def _show_header(self, page: ClientPage) -> None:
        ident = page.identity
        self.name_label.setText(ident.name)
        parts = [ident.account_code, ident.city, _("SIREN {siren}").format(siren=ident.siren) if ident.siren else "",
                 ident.segment_label]
        self.subtitle.setText(" · ".join(p for p in parts if p))
        figures = [_("Balance: {amount}").format(amount=format_cents(page.balance_cents)),
                   _("Overdue: {amount}").format(amount=format_cents(page.overdue_cents))]
        if ident.credit_limit_cents is not None:
            figures.append(_("Credit limit: {amount}").format(amount=format_cents(ident.credit_limit_cents)))
        self.figures.setText("\n".join(figures))
        colour = GRADE_COLOURS[page.risk.grade]
        self.badge.setText(_("Risk {grade}").format(grade=page.risk.grade))
        self.badge.setStyleSheet(f"background: {colour}; color: white; font-weight: bold; font-size: 15pt;"
                                 " border-radius: 8px; padding: 8px 12px;")
        self.badge.setToolTip(risk_explanation(page.risk))
        if page.over_credit_limit and ident.credit_limit_cents is not None:
            self.warning.setText(_("⚠ Balance {balance} is over the credit limit of {limit}").format(
                balance=format_cents(page.balance_cents), limit=format_cents(ident.credit_limit_cents)))
            self.warning.show()
        else:
            self.warning.hide()
        if ident.do_not_remind:
            self.subtitle.setText(self.subtitle.text() + " · " + _("Do not remind: {reason}").format(
                reason=ident.do_not_remind_reason))

    def _fill_identity(self, page: ClientPage) -> None:
        old = self.identity_box.layout()
        if old is not None:
            QWidget().setLayout(old)  # reparent the old layout and its widgets to a throwaway widget
        ident = page.identity
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        address = ", ".join(p for p in (ident.address_line1, ident.address_line2,
                                        f"{ident.postcode} {ident.city}".strip(), ident.country) if p)
        terms = (ngettext("{count} day", "{count} days", ident.payment_terms_days).format(
            count=ident.payment_terms_days) if ident.payment_terms_days is not None else _("Dossier default"))
        rows: list[tuple[str, str]] = [
            (_("Name"), ident.name), (_("Account code"), ident.account_code), (_("SIREN"), ident.siren or "—"),
            (_("VAT number"), ident.vat_number or "—"), (_("Address"), address or "—"),
            (_("Type"), _("Consumer") if ident.is_consumer else _("Business (B2B)")),
            (_("Language"), ident.language.value.upper()), (_("Segment"), ident.segment_label or "—"),
            (_("Reminder ladder"), ident.ladder_name or _("Dossier default")), (_("Payment terms"), terms),
            (_("Credit limit"), format_cents(ident.credit_limit_cents) if ident.credit_limit_cents is not None
             else _("None")),
            (_("Reminders"), _("Do not remind: {reason}").format(reason=ident.do_not_remind_reason)
             if ident.do_not_remind else _("Active")),
            (_("Notes"), ident.notes or "—"),
        ]
        for label, value in rows:
            form.addRow(label, form_label(value))
        contacts = QFormLayout()
        for contact in ident.contacts:
            title = ("★ " if contact.is_billing else "") + contact.name
            details = " · ".join(p for p in (contact.role, contact.email, contact.phone,
                                             _("billing contact") if contact.is_billing else "") if p)
            contacts.addRow(form_label(title), form_label(details))
        if not ident.contacts:
            contacts.addRow(form_label(_("No contact")))
        risk = QFormLayout()
        for factor in page.risk.factors:
            risk.addRow(_(FACTOR_LABELS[factor.key]), form_label(
                _("{value} → {points} pt").format(value=factor_value(factor), points=factor.points)))
        risk.addRow(_("Grade"), form_label(_("{grade} ({points} points)").format(
            grade=page.risk.grade, points=page.risk.points)))
        columns = QHBoxLayout()
        columns.addLayout(self._section(_("Identity"), form), 1)
        side = QVBoxLayout()
        side.addLayout(self._section(_("Contacts"), contacts))
        side.addLayout(self._section(_("Risk"), risk))
        side.addStretch(1)
        columns.addSpacing(24)
        columns.addLayout(side, 1)
        outer = QVBoxLayout(self.identity_box)
        outer.addLayout(columns)
        outer.addStretch(1)

    @staticmethod
    def _section(title: str, body: QFormLayout) -> QVBoxLayout:
        box = QVBoxLayout()
        heading = QLabel(title)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        box.addWidget(heading)
        box.addLayout(body)
        box.addSpacing(10)
        return box

    def edit_client(self) -> ClientDialog | None:
        """Open the client form on this client; saving it reloads the pages."""
        if self.client_id is None:
            return None
        dialog = ClientDialog(self.context.workspace, self.context.runner, self.context.as_of, self.client_id,
                              parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _result: self.data_changed.emit())
        dialog.open()
        return dialog

    def open_entry(self, dialog_class: Callable[..., EntryDialog], **extra: object) -> EntryDialog | None:
        """Open an entry form with this client chosen; saving it reloads the pages."""
        if self.client_id is None:
            return None
        dialog = dialog_class(self.context.workspace, self.context.runner, self.context.as_of,
                              client_id=self.client_id, parent=self, **extra)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _result: self.data_changed.emit())
        dialog.open()
        return dialog

    def _edit_ledger_line(self, index: QModelIndex) -> None:
        """Double-click on an invoice line: its edit form (no-reminder flag, dates, original)."""
        line = self.ledger_model.row_at(self.ledger_proxy.mapToSource(index).row())
        if line.kind == service.INVOICE and line.invoice_id is not None and not self.context.workspace.read_only:
            self.open_entry(InvoiceDialog, invoice_id=line.invoice_id)

    def _fill_edit_menus(self, page: ClientPage) -> None:
        """The Actions menu's "Edit" submenus: one line per dispute, promise and plan of the client."""
        for kind, submenu in self.edit_menus.items():
            submenu.clear()
            for label, ref in case_choices(page, kind):
                action = submenu.addAction(label)
                action.triggered.connect(lambda _checked=False, r=ref: self.edit_case(r))
            submenu.setEnabled(not submenu.isEmpty())

    def edit_case(self, ref: CaseRef) -> EntryDialog | None:
        """The edit form of a dispute, promise or plan of this client; saving it reloads the pages."""
        if self.context.workspace.read_only:
            return None
        dialog_class, keyword = CASE_DIALOGS[ref.kind]
        return self.open_entry(dialog_class, **{keyword: ref.id})

    def _timeline_activated(self, index: QModelIndex) -> None:
        """Double-click on a history row: its document if it has one, else its case's edit form."""
        row = self.timeline_model.row_at(index.row())
        if row.document_id is not None:
            self._open_document(row)
        elif row.case is not None:
            self.edit_case(row.case)

    def timeline_menu(self, row: TimelineRow) -> QMenu:
        """The history row's context menu: edit its case, open its document."""
        menu = QMenu(self)
        edit = menu.addAction(_("Edit…"))
        edit.setObjectName("timeline_edit")
        edit.setEnabled(row.case is not None and not self.context.workspace.read_only)
        if row.case is not None:
            ref = row.case
            edit.triggered.connect(lambda: self.edit_case(ref))
        if row.document_id is not None:
            menu.addAction(_("Open the document"), lambda: self._open_document(row))
        return menu

    def _timeline_menu(self, position: QPoint) -> None:
        index = self.timeline_table.indexAt(position)
        if index.isValid():
            self.timeline_menu(self.timeline_model.row_at(index.row())).exec(
                self.timeline_table.viewport().mapToGlobal(position))

    def _open_document(self, row: TimelineRow) -> None:
        if row.document_id is None:
            return
        workspace, document_id = self.context.workspace, row.document_id
        self.context.runner.submit(lambda: service.document_bytes(workspace, document_id), open_document,
                                   context=self, progress=_("Opening the document…"))


def open_document(document: tuple[str, bytes]) -> Path:
    """Write a stored document to a temporary folder and open it with the system's viewer."""
    filename, content = document
    folder = Path(tempfile.mkdtemp(prefix="encaisse-"))
    path = folder / (Path(filename).name or "document")
    path.write_bytes(content)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


def client_page_of(window: MainWindow) -> ClientPageView:
    """The window's client page, created and added to its stacked pages on first use."""
    page = window.views.get("client")
    if isinstance(page, ClientPageView):
        return page
    page = ClientPageView(ViewContext(window.context.workspace, window.context.runner, window.context.as_of))
    page.status_changed.connect(
        lambda text: window.view_status.setText(text) if window.stack.currentWidget() is page else None)
    page.back_requested.connect(lambda: _back(window))
    page.data_changed.connect(lambda: reload_all(window))
    window.views["client"] = page  # after the navigation's pages: it follows the as-of date like them
    window.stack.addWidget(page)
    window.nav.itemClicked.connect(lambda _item: _back(window))  # the current list, clicked again
    return page


def _back(window: MainWindow) -> None:
    window.stack.setCurrentIndex(max(0, window.nav.currentRow()))
    window.view_status.setText(window.current_view().status_text)


def open_client(window: MainWindow, client_id: int | None = None, code: str | None = None) -> ClientPageView:
    """Bring the client page to front on ``client_id`` (or the client with account code ``code``)."""
    page = client_page_of(window)
    if window.nav.currentRow() < 0 and "clients" in window.views:  # opened first (--view client:CODE):
        window.nav.setCurrentRow(list(window.views).index("clients"))  # Back goes to the client list
    if client_id is not None:
        page.show_client(client_id)
    else:
        page.show_code(code or "")
    window.stack.setCurrentWidget(page)
    window.view_status.setText(page.status_text)
    page.tabs.currentWidget().setFocus()  # the keyboard follows the page (Alt+Left goes back)
    return page


def _client_of(view: Any, index: QModelIndex) -> int | None:
    source = view.proxy.mapToSource(index)
    client_id = getattr(view.model.row_at(source.row()), "client_id", None)
    if client_id is None:
        client_id = getattr(view.model.row_at(source.row()), "id", None)
    return client_id if isinstance(client_id, int) else None


def wire_client_pages(window: MainWindow) -> None:
    """Double-clicking a client in the Clients page or a line of the aged balance opens its page."""
    for key in ("clients", "aging"):
        view = window.views.get(key)
        if view is None or not hasattr(view, "table"):
            continue
        view.table.doubleClicked.connect(_opener(window, view))


def _opener(window: MainWindow, view: Any) -> Callable[[QModelIndex], None]:
    def open_row(index: QModelIndex) -> None:
        client_id = _client_of(view, index)
        if client_id is not None:
            window.show_client(client_id)
    return open_row

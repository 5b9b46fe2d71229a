"""The "Saisie" (entry) menu of the main window: one action per entry dialog; a save reloads every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from app.domain.kinds import InvoiceKind
from app.i18n import N_, _
from app.ui.dialogs.client_dialog import ClientDialog
from app.ui.dialogs.cost_dialog import CostDialog
from app.ui.dialogs.dispute_dialog import DisputeDialog, ResolveDisputeDialog
from app.ui.dialogs.form import EntryDialog
from app.ui.dialogs.invoice_dialog import InvoiceDialog
from app.ui.dialogs.payment_dialog import PaymentDialog
from app.ui.dialogs.plan_dialog import PlanDialog
from app.ui.dialogs.promise_dialog import PromiseDialog
from app.ui.dialogs.writeoff_dialog import WriteOffDialog
from app.ui.view_base import DossierView, ViewContext

DialogFactory = Callable[[ViewContext, date, QWidget, int | None], EntryDialog]


class EntryHost(Protocol):
    """What the menu needs of the main window."""

    context: ViewContext
    views: dict[str, DossierView]

    def as_of(self) -> date: ...

    def current_view(self) -> DossierView: ...


def _credit_note(context: ViewContext, as_of: date, parent: QWidget, client_id: int | None) -> EntryDialog:
    return InvoiceDialog(context.workspace, context.runner, as_of, InvoiceKind.CREDIT_NOTE, client_id=client_id,
                         parent=parent)


def _new_client(context: ViewContext, as_of: date, parent: QWidget, _client_id: int | None) -> EntryDialog:
    return ClientDialog(context.workspace, context.runner, as_of, parent=parent)


def _for_client(cls: Callable[..., EntryDialog]) -> DialogFactory:
    """A dialog that starts on the client whose page is shown, if one is."""
    def factory(context: ViewContext, as_of: date, parent: QWidget, client_id: int | None) -> EntryDialog:
        return cls(context.workspace, context.runner, as_of, client_id=client_id, parent=parent)
    return factory


# (name, label, shortcut, factory); None separates groups.
ENTRIES: tuple[tuple[str, str, str | None, DialogFactory] | None, ...] = (
    ("client", N_("New &client…"), "Ctrl+Shift+C", _new_client),
    ("invoice", N_("New &invoice…"), "Ctrl+Shift+F", _for_client(InvoiceDialog)),
    ("credit_note", N_("New c&redit note…"), None, _credit_note),
    ("payment", N_("Record a &payment…"), "Ctrl+Shift+P", _for_client(PaymentDialog)),
    None,
    ("dispute", N_("Open a &dispute…"), None, _for_client(DisputeDialog)),
    ("resolve", N_("Re&solve a dispute…"), None, _for_client(ResolveDisputeDialog)),
    ("promise", N_("Promise to pa&y…"), None, _for_client(PromiseDialog)),
    ("plan", N_("Payment p&lan…"), None, _for_client(PlanDialog)),
    None,
    ("write_off", N_("&Write off as irrecoverable…"), None, _for_client(WriteOffDialog)),
    ("cost", N_("Recovery c&ost…"), None, _for_client(CostDialog)),
)


def open_entry(host: EntryHost, parent: QWidget, factory: DialogFactory) -> EntryDialog:
    """Show an entry dialog (not modal to the app, so the pages stay readable); a save reloads every page."""
    client_id = getattr(host.current_view(), "client_id", None)  # the client page's client, if shown
    dialog = factory(host.context, host.as_of(), parent, client_id if isinstance(client_id, int) else None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(lambda _result: reload_all(host))
    dialog.open()
    return dialog


def reload_all(host: EntryHost) -> None:
    for view in host.views.values():
        view.invalidate()


def add_entry_menu(window: QMainWindow, host: EntryHost, read_only: bool = False) -> dict[str, QAction]:
    """Add the "Saisie" menu to ``window``; returns its actions by name (tests trigger them)."""
    menu = window.menuBar().addMenu(_("&Entry"))
    actions: dict[str, QAction] = {}
    for entry in ENTRIES:
        if entry is None:
            menu.addSeparator()
            continue
        name, label, shortcut, factory = entry
        action = QAction(_(label), window)
        action.setObjectName(f"entry_{name}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setEnabled(not read_only)
        if read_only:
            action.setToolTip(_("The dossier is open read-only."))
        action.triggered.connect(lambda _checked=False, f=factory: open_entry(host, window, f))
        menu.addAction(action)
        actions[name] = action
    return actions

"""The client page on the demo dossier: ledger model, opening from the lists, Back, documents, screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QImage
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from app.formatting import format_cents
from app.services import clients
from app.services.dto import ClientRow
from app.services.workspace import Workspace
from app.ui import client_page as ui
from app.ui import client_page_rows as rows
from app.ui.client_page import ClientPageView, open_document
from app.ui.client_page_rows import timeline
from app.ui.dialogs.invoice_dialog import InvoiceDialog
from app.ui.dialogs.payment_dialog import PaymentDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import SyncRunner
from app.ui.view_base import ViewContext
from tests.conftest import TODAY
from tests.services.ledger import Ledger
from tests.ui.conftest import AS_OF
from tests.ui.test_screenshot import _run


def _busiest(ws: Workspace) -> ClientRow:
    return max(clients.list_clients(ws, AS_OF), key=lambda row: row.invoice_count)


def test_ledger_model_and_header(qtbot: QtBot, qtmodeltester: object, context: ViewContext) -> None:
    row = _busiest(context.workspace)
    view = ClientPageView(context)
    qtbot.addWidget(view)
    view.show_code(row.account_code)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.ensure_loaded()
    assert view.page is not None
    assert view.page.identity.id == row.id
    assert view.name_label.text() == row.name
    qtmodeltester.check(view.ledger_model)  # type: ignore[attr-defined]
    qtmodeltester.check(view.timeline_model)  # type: ignore[attr-defined]
    invoices = [line for line in view.ledger_model.rows if line.kind == "invoice"]
    assert len(invoices) == row.invoice_count
    assert view.page.balance_cents == row.open_cents  # same net balance as the client list
    balance = view.ledger_model.column_index("balance")
    assert view.ledger_model.index(0, balance).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert view.page.risk.grade in view.badge.text()
    assert all(str(f.points) in view.badge.toolTip() for f in view.page.risk.factors)
    dates = [r.on for r in timeline(view.page)]
    assert dates == sorted(dates, reverse=True)


def _double_click(qtbot: QtBot, table: QTableView, index: QModelIndex) -> None:
    # Qt emits doubleClicked only for the index the first press landed on: press, then double-click.
    centre = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def _window(qtbot: QtBot, context: ViewContext) -> MainWindow:
    window = MainWindow(context.workspace.info(), context)
    qtbot.addWidget(window)
    window.show()
    return window


def test_double_click_in_clients_opens_the_page_and_back_returns(qtbot: QtBot, context: ViewContext) -> None:
    window = _window(qtbot, context)
    clients_view = window.show_view("clients")
    clients_view.ensure_loaded()
    table = clients_view.table  # type: ignore[attr-defined]
    index = table.model().index(3, 1)
    wanted = table.model().index(3, 0).data()
    _double_click(qtbot, table, index)
    page = window.views["client"]
    assert isinstance(page, ClientPageView)
    assert window.stack.currentWidget() is page
    assert page.page is not None and page.page.identity.account_code == wanted
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is clients_view


def test_double_click_in_the_aged_balance_opens_the_page(qtbot: QtBot, context: ViewContext) -> None:
    window = _window(qtbot, context)
    aging = window.show_view("aging")
    aging.ensure_loaded()
    table = aging.table  # type: ignore[attr-defined]
    index = table.model().index(0, 1)
    wanted = table.model().index(0, 0).data()
    _double_click(qtbot, table, index)
    assert window.current_view() is window.views["client"]
    page = window.views["client"]
    assert isinstance(page, ClientPageView) and page.page is not None
    assert page.page.identity.account_code == wanted


def test_show_view_client_code(qtbot: QtBot, context: ViewContext) -> None:
    row = _busiest(context.workspace)
    window = _window(qtbot, context)
    page = window.show_view(f"client:{row.account_code}")
    assert isinstance(page, ClientPageView)
    assert page.page is not None and page.page.identity.id == row.id
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts only reach the active window
    qtbot.keyClick(page.ledger_table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_view() is window.views["clients"]


def test_unknown_code_says_so(qtbot: QtBot, context: ViewContext) -> None:
    view = ClientPageView(context)
    qtbot.addWidget(view)
    view.show_code("NOPE")
    view.ensure_loaded()
    assert "NOPE" in view.name_label.text()


def test_a_document_opens_from_a_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    path = open_document(("../relance.pdf", b"%PDF-1.4"))
    assert path.name == "relance.pdf" and path.read_bytes() == b"%PDF-1.4"
    assert opened == [QUrl.fromLocalFile(str(path))]
    assert ui.CLIENT_PREFIX == "client:"


def test_screenshot_of_a_client_page(tmp_path: Path, demo_path: Path, demo_ws: Workspace) -> None:
    row = _busiest(demo_ws)
    target = tmp_path / "client.png"
    result = _run(tmp_path, demo_path, target, f"client:{row.account_code}")
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(200, 1280, 7) for y in range(120, 780, 7)}
    assert len(colours) > 20


def test_edit_from_the_page_reloads_it_with_the_warning(qtbot: QtBot, ledger: Ledger, runner: SyncRunner) -> None:
    # ALPHA owes 1 250,00 € net; a 1 000,00 € credit limit set from the page turns the warning on.
    context = ViewContext(ledger.ws, runner, TODAY)
    window = MainWindow(ledger.ws.info(), context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_view("client:ALPHA")
    assert isinstance(page, ClientPageView) and page.page is not None
    assert page.edit_button.isEnabled() and not page.warning.isVisible()
    dialog = page.edit_client()
    assert dialog is not None and dialog.edits["name"].text() == "Alpha SARL"
    dialog.credit_limit.setText("1 000")
    dialog.submit()
    assert page.page.identity.credit_limit_cents == 100_000
    assert page.page.over_credit_limit and page.warning.isVisible()
    assert "1 250,00" in page.warning.text().replace("\u202f", " ").replace("\xa0", " ")


def test_read_only_dossier_cannot_be_edited(qtbot: QtBot, context: ViewContext) -> None:
    view = ClientPageView(context)
    qtbot.addWidget(view)
    view.show_code(_busiest(context.workspace).account_code)
    view.ensure_loaded()
    assert not view.edit_button.isEnabled()


def test_partial_payment_from_the_page_changes_its_ledger(qtbot: QtBot, ledger: Ledger, runner: SyncRunner) -> None:
    # ALPHA: F2 300,00 € open and overdue, F1 1 000,00 € not due; 100,00 € paid from the page goes to F2
    # (oldest due first): the ledger gains a −100,00 € line and the balance falls from 1 250,00 to 1 150,00 €.
    window = MainWindow(ledger.ws.info(), ViewContext(ledger.ws, runner, TODAY))
    qtbot.addWidget(window)
    window.show()
    page = window.show_view("client:ALPHA")
    assert isinstance(page, ClientPageView) and page.page is not None
    assert page.actions_button.isEnabled()
    action = page.actions_button.menu().findChild(QAction, "page_entry_payment")
    assert action is not None
    action.trigger()
    dialog = page.findChild(PaymentDialog)
    assert isinstance(dialog, PaymentDialog)
    assert dialog.client_combo.client_id() == page.page.identity.id
    dialog.amount.setText("100")
    dialog.amount.textEdited.emit("100")
    dialog.submit()
    assert page.page.balance_cents == 115_000
    last = [line for line in page.ledger_model.rows if line.kind == "payment"][-1]
    assert (last.on, last.amount_cents, last.balance_cents) == (TODAY, -10_000, 115_000)
    f2 = next(line for line in page.ledger_model.rows if line.reference == "F2")
    assert f2.open_cents == 20_000


def test_double_click_on_an_invoice_line_opens_its_form(qtbot: QtBot, ledger: Ledger, runner: SyncRunner) -> None:
    view = ClientPageView(ViewContext(ledger.ws, runner, TODAY))
    qtbot.addWidget(view)
    view.show()
    view.show_code("ALPHA")
    view.ensure_loaded()
    table = view.ledger_table
    row = next(i for i, line in enumerate(view.ledger_model.rows) if line.reference == "F1")
    _double_click(qtbot, table, view.ledger_proxy.mapFromSource(view.ledger_model.index(row, 2)))
    dialog = view.findChild(InvoiceDialog)
    assert isinstance(dialog, InvoiceDialog)
    assert dialog.number.text() == "F1"


def test_action_details_read_as_text(qapp: object) -> None:
    assert rows.detail_text("amount_cents", "104204").endswith(" : " + format_cents(104_204))
    assert rows.detail_text("promised_on", "2026-11-30").endswith("30/11/2026")
    assert rows.detail_text("", "texte libre") == "texte libre"
    assert rows.detail_text("unknown_key", "v") == "unknown_key : v"

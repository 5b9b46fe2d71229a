"""The background runner: work off the GUI thread, results and errors back on it, stale pages dropped."""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from app.errors import DossierNotFound
from app.services import clients, invoices
from app.services.dto import InvoiceQuery
from app.services.workspace import Workspace
from app.ui.invoice_model import InvoicePageModel
from app.ui.invoices_view import INVOICE_COLUMNS
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from app.ui.view_base import ViewContext
from tests.ui.conftest import AS_OF


def test_work_runs_off_the_gui_thread_and_returns_on_it(qtbot: QtBot, demo_ws: Workspace) -> None:
    runner = TaskRunner()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["work"] = threading.current_thread()
        return len(clients.list_clients(demo_ws, AS_OF))

    with qtbot.waitSignal(runner.idle, timeout=10_000):
        runner.submit(work, lambda count: seen.update(done=threading.current_thread(), count=count))
    assert seen["work"] is not threading.main_thread()
    assert seen["done"] is threading.main_thread()
    assert isinstance(seen["count"], int) and seen["count"] > 0


def test_errors_reach_the_handler_on_the_gui_thread(qtbot: QtBot) -> None:
    reported: list[BaseException] = []
    runner = TaskRunner(report=reported.append)

    def fail() -> None:
        raise DossierNotFound("introuvable")

    with qtbot.waitSignal(runner.idle, timeout=10_000):
        runner.submit(fail, lambda _none: reported.append(AssertionError("on_done called")))
        runner.submit(lambda: 1 / 0, lambda _none: None)
    assert [type(error) for error in reported] == [DossierNotFound, ZeroDivisionError]


def test_a_page_answering_an_old_query_is_dropped(qtbot: QtBot, demo_ws: Workspace) -> None:
    runner = TaskRunner()
    model = InvoicePageModel(INVOICE_COLUMNS, lambda q: invoices.query_invoices(demo_ws, q), runner)
    with qtbot.waitSignal(runner.idle, timeout=10_000):
        model.set_query(InvoiceQuery(as_of=AS_OF))
        model.set_query(InvoiceQuery(as_of=AS_OF, text="zzzz-no-such-invoice"))
    assert model.total == 0 and model.rowCount() == 0


def test_changing_the_date_recomputes_the_aged_balance(qtbot: QtBot, demo_ws: Workspace) -> None:
    runner = TaskRunner()
    window = MainWindow(demo_ws.info(), ViewContext(demo_ws, runner, AS_OF))
    qtbot.addWidget(window)
    window.show()
    view = window.show_view("aging")
    qtbot.waitUntil(lambda: getattr(view, "report", None) is not None, timeout=10_000)
    before = view.report.totals.net_cents  # type: ignore[attr-defined]
    window.as_of_edit.setDate(QDate(2025, 9, 30))
    qtbot.waitUntil(lambda: view.report.as_of == date(2025, 9, 30), timeout=10_000)  # type: ignore[attr-defined]
    assert view.report.totals.net_cents != before  # type: ignore[attr-defined]
    assert window.views["clients"].context.as_of == date(2025, 9, 30)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)  # no query left running at teardown

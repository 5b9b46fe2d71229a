"""The three pages on the demo dossier: clients filter, invoices paging, aged balance by date."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.records import InvoiceStatus
from app.formatting import bucket_label, format_cents, format_count
from app.services import clients, invoices, reports
from app.services.dto import InvoiceQuery
from app.ui.aging_view import AgingView
from app.ui.clients_view import ClientsView
from app.ui.columns import SORT_ROLE
from app.ui.invoice_model import PAGE_SIZE
from app.ui.invoice_status import status_colour, status_label
from app.ui.invoices_view import INVOICE_COLUMNS, InvoicesView
from app.ui.view_base import ViewContext
from tests.ui.conftest import AS_OF


def _visible_names(view: ClientsView) -> set[str]:
    column = view.model.column_index("name")
    return {view.proxy.index(row, column).data() for row in range(view.proxy.rowCount())}


def test_clients_filter_narrows_as_you_type(qtbot: QtBot, context: ViewContext) -> None:
    view = ClientsView(context)
    qtbot.addWidget(view)
    view.ensure_loaded()
    everyone = clients.list_clients(context.workspace, AS_OF)
    assert view.proxy.rowCount() == len(everyone) > 10
    target = next(row for row in everyone if len(row.name.split()) >= 2 and row.name.split()[0].isascii())
    other = next(row for row in everyone if target.name.split()[0] not in row.name)
    qtbot.keyClicks(view.filter_box, target.name.split()[0].upper())
    qtbot.waitUntil(lambda: view.proxy.rowCount() < len(everyone))
    names = _visible_names(view)
    assert target.name in names and other.name not in names
    assert str(view.proxy.rowCount()) in view.count_label.text()
    view.filter_box.clear()
    qtbot.waitUntil(lambda: view.proxy.rowCount() == len(everyone))


def test_clients_mark_overdue_rows(qtbot: QtBot, context: ViewContext) -> None:
    view = ClientsView(context)
    qtbot.addWidget(view)
    view.ensure_loaded()
    column = view.model.column_index("overdue")
    late = next(row for row in range(view.model.rowCount()) if view.model.row_at(row).overdue_cents > 0)
    on_time = next(row for row in range(view.model.rowCount()) if view.model.row_at(row).overdue_cents == 0)
    assert view.model.index(late, column).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert view.model.index(on_time, column).data(Qt.ItemDataRole.ForegroundRole) is None
    assert view.model.index(late, column).data() == format_cents(view.model.row_at(late).overdue_cents)
    assert view.model.index(late, column).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_invoices_first_page_total_filter_and_more(qtbot: QtBot, context: ViewContext) -> None:
    view = InvoicesView(context)
    qtbot.addWidget(view)
    view.ensure_loaded()
    total = invoices.query_invoices(context.workspace, InvoiceQuery(as_of=AS_OF, limit=1)).total_count
    assert view.model.total == total > PAGE_SIZE
    assert view.model.rowCount() == PAGE_SIZE
    assert format_count(total) in view.count_label.text()  # "1 500 factures"
    view.model.fetchMore(view.model.index(-1, -1))
    assert view.model.rowCount() == min(2 * PAGE_SIZE, total)
    names = (view.model.row_at(row).client_name for row in range(PAGE_SIZE))
    client = next(name for name in names if name.isascii())
    word = max(client.split(), key=len)
    qtbot.keyClicks(view.filter_box, word.lower())  # keyClicks types ASCII only
    qtbot.waitUntil(lambda: view.model.total < total)
    shown = [view.model.row_at(row).client_name for row in range(view.model.rowCount())]
    assert shown and all(word.lower() in name.lower() for name in shown)
    assert str(view.model.total) in view.count_label.text()


def test_invoices_header_click_sorts_in_the_database(qtbot: QtBot, context: ViewContext) -> None:
    view = InvoicesView(context)
    qtbot.addWidget(view)
    view.ensure_loaded()
    section = next(i for i, column in enumerate(INVOICE_COLUMNS) if column.key == "amount")
    view.table.horizontalHeader().setSortIndicator(section, Qt.SortOrder.AscendingOrder)
    assert view.model.query is not None and view.model.query.sort == "amount"
    amounts = [view.model.index(row, section).data(SORT_ROLE) for row in range(view.model.rowCount())]
    assert amounts == sorted(amounts)
    smallest = invoices.query_invoices(context.workspace, InvoiceQuery(as_of=AS_OF, sort="amount", limit=1))
    assert amounts[0] == smallest.rows[0].amount_incl_cents
    status = next(i for i, column in enumerate(INVOICE_COLUMNS) if column.key == "status")
    view.table.horizontalHeader().setSortIndicator(status, Qt.SortOrder.AscendingOrder)
    assert view.table.horizontalHeader().sortIndicatorSection() == section  # not sortable: arrow stays


def test_aging_recomputes_for_an_earlier_date(qtbot: QtBot, context: ViewContext) -> None:
    view = AgingView(context)
    qtbot.addWidget(view)
    view.show()
    assert view.report is not None and view.report.as_of == AS_OF
    now_total = view.totals_model.row_at(0).net_cents
    earlier = date(2025, 6, 30)
    view.set_as_of(earlier)
    assert view.report.as_of == earlier
    expected = reports.aged_balance(context.workspace, earlier).totals.net_cents
    assert view.totals_model.row_at(0).net_cents == expected != now_total
    net = view.totals_model.column_index("net")
    assert view.totals_model.index(0, net).data() == format_cents(expected)


def test_aging_headers_come_from_bucket_bounds(qtbot: QtBot, context: ViewContext) -> None:
    view = AgingView(context)
    qtbot.addWidget(view)
    view.ensure_loaded()
    assert view.report is not None
    headers = [view.model.headerData(i, Qt.Orientation.Horizontal) for i in range(view.model.columnCount())]
    assert headers[2:2 + len(view.report.bucket_bounds)] == [bucket_label(b) for b in view.report.bucket_bounds]
    assert len(headers) == 2 + len(view.report.bucket_bounds) + 4


def test_bucket_labels(qapp: object) -> None:
    from app.i18n import set_language
    set_language("en")
    assert [bucket_label(b) for b in ((None, 0), (1, 30), (91, None))] == ["Not due", "1–30 d", "> 90 d"]
    set_language("fr")


def test_invoices_open_only_with_status_colours_and_marks(qtbot: QtBot, context: ViewContext) -> None:
    view = InvoicesView(context)
    qtbot.addWidget(view)
    view.ensure_loaded()
    everything = view.model.total
    view.only_open.setChecked(True)
    assert 0 < view.model.total < everything
    rows = [view.model.row_at(row) for row in range(view.model.rowCount())]
    assert all(row.open_cents > 0 for row in rows)
    keys = [column.key for column in INVOICE_COLUMNS]
    late = next(i for i, row in enumerate(rows) if row.status == InvoiceStatus.OVERDUE)
    due = next(i for i, row in enumerate(rows) if row.status == InvoiceStatus.NOT_DUE)
    status = view.model.index(late, keys.index("status"))
    assert status.data() == status_label(InvoiceStatus.OVERDUE)
    assert status.data(Qt.ItemDataRole.ForegroundRole) == status_colour(InvoiceStatus.OVERDUE)
    assert view.model.index(late, keys.index("number")).data(Qt.ItemDataRole.DecorationRole) is not None
    assert view.model.index(due, keys.index("number")).data(Qt.ItemDataRole.DecorationRole) is None


def test_aging_view_and_cli_agree_to_the_cent(qtbot: QtBot, context: ViewContext, demo_path: Path) -> None:
    """What the window shows and what `encaisse aging --format json` prints are the same figures."""

    view = AgingView(context)
    qtbot.addWidget(view)
    view.show()
    shown = {view.model.row_at(row).account_code: view.model.row_at(row) for row in range(view.model.rowCount())}
    result = subprocess.run([sys.executable, "-m", "app", "aging", str(demo_path), "--as-of", AS_OF.isoformat(),
                             "--format", "json"], capture_output=True, text=True, check=True)
    printed = json.loads(result.stdout)
    assert {line["account_code"] for line in printed["lines"]} == set(shown)
    for line in printed["lines"]:
        row = shown[line["account_code"]]
        assert list(row.buckets) == line["buckets_cents"] and row.net_cents == line["net_cents"]
    totals = view.totals_model.row_at(0)
    assert list(totals.buckets) == printed["totals"]["buckets_cents"]
    assert sum(totals.buckets) == totals.total_cents == printed["totals"]["total_cents"]

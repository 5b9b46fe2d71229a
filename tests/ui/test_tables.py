"""Every table model passes Qt's model tester; sorting uses raw values, filtering every word."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.services import clients, invoices, reports
from app.services.dto import AgingLine, ClientRow, InvoiceQuery
from app.services.workspace import Workspace
from app.ui.aging_view import aging_columns
from app.ui.clients_view import CLIENT_COLUMNS
from app.ui.columns import SORT_ROLE
from app.ui.filtering import WordFilterProxy, fold
from app.ui.invoice_model import PAGE_SIZE, InvoicePageModel
from app.ui.invoices_view import INVOICE_COLUMNS
from app.ui.row_model import RowTableModel
from app.ui.tasks import SyncRunner
from tests.ui.conftest import AS_OF


def _client(code: str, name: str, open_cents: int) -> ClientRow:
    return ClientRow(id=len(code), account_code=code, name=name, city="Lyon", segment_label="", email="",
                     phone="", invoice_count=1, open_cents=open_cents, overdue_cents=0, max_days_past_due=0,
                     credit_limit_cents=None, do_not_remind=False)


def test_client_model_and_proxy_pass_the_model_tester(qtmodeltester: ModelTester, demo_ws: Workspace) -> None:
    model = RowTableModel(CLIENT_COLUMNS, clients.list_clients(demo_ws, AS_OF))
    assert model.rowCount() > 10
    qtmodeltester.check(model)
    proxy = WordFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("sarl")
    proxy.sort(1)
    qtmodeltester.check(proxy)


def test_aging_models_pass_the_model_tester(qtmodeltester: ModelTester, demo_ws: Workspace) -> None:
    report = reports.aged_balance(demo_ws, AS_OF)
    columns = aging_columns(report.bucket_bounds)
    qtmodeltester.check(RowTableModel(columns, report.lines))
    qtmodeltester.check(RowTableModel(columns, (report.totals,)))


def test_invoice_page_model_passes_the_model_tester(qtmodeltester: ModelTester, demo_ws: Workspace) -> None:
    model = InvoicePageModel(INVOICE_COLUMNS, lambda q: invoices.query_invoices(demo_ws, q), SyncRunner())
    model.set_query(InvoiceQuery(as_of=AS_OF))
    assert model.rowCount() == PAGE_SIZE < model.total
    qtmodeltester.check(model)


def test_amounts_sort_on_cents_not_on_text(qapp: object) -> None:
    rows = [_client("C1", "Un", 100_000), _client("C2", "Deux", 99_900), _client("C3", "Trois", 20_000)]
    model = RowTableModel(CLIENT_COLUMNS, rows)
    proxy = WordFilterProxy()
    proxy.setSourceModel(model)
    column = model.column_index("open")
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    shown = [proxy.index(row, column).data() for row in range(proxy.rowCount())]
    # As text, "1 000,00 €" would come before "200,00 €" and "999,00 €".
    assert [proxy.index(row, column).data(SORT_ROLE) for row in range(3)] == [20_000, 99_900, 100_000]
    assert shown[-1].startswith("1") and "000,00" in shown[-1]


@pytest.mark.parametrize(("typed", "expected"), [
    ("", {"C1", "C2", "C3"}),
    ("societe", {"C1", "C2"}),
    ("SOCIÉTÉ lyon", {"C1", "C2"}),
    ("société générale", {"C1"}),
    ("générale martin", set()),
    ("c3", {"C3"}),
])
def test_filter_keeps_rows_holding_every_word(qapp: object, typed: str, expected: set[str]) -> None:
    rows = [_client("C1", "Société Générale", 1), _client("C2", "Société Martin", 2),
            replace(_client("C3", "Dupont", 3), city="Paris")]
    proxy = WordFilterProxy()
    proxy.setSourceModel(RowTableModel(CLIENT_COLUMNS, rows))
    proxy.set_text(typed)
    assert {proxy.index(row, 0).data() for row in range(proxy.rowCount())} == expected


def test_fold_drops_case_and_accents() -> None:
    assert fold("Éts Bêta & Çie") == "ets beta & cie"


def test_totals_row_is_the_sum_of_the_lines(demo_ws: Workspace) -> None:
    report = reports.aged_balance(demo_ws, AS_OF)
    columns = aging_columns(report.bucket_bounds)
    lines, totals = RowTableModel(columns, report.lines), RowTableModel[AgingLine](columns, (report.totals,))
    for section, column in enumerate(columns[2:], start=2):
        summed = sum(lines.index(row, section).data(SORT_ROLE) for row in range(lines.rowCount()))
        assert totals.index(0, section).data(SORT_ROLE) == summed, column.key
    assert totals.index(0, 1).data() not in ("", None)  # the "Total" label

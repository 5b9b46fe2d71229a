"""The dashboard service: aged balance bars, top clients, DSO trend with best possible DSO, cash forecast."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from app.domain.forecast import OpenAmount, average_delays, weekly_forecast
from app.services import reports
from app.services.clock import fixed_clock
from app.services.dashboard import (
    CASH_KPI,
    TOP_CLIENTS,
    client_delays,
    dashboard,
    longest_term_days,
    not_yet_due_cents,
    paid_amounts,
)
from app.services.demo import create_demo_dossier
from app.services.workspace import Workspace, open_workspace
from tests.conftest import TODAY
from tests.services.ledger import Ledger

DEMO_AS_OF = date(2026, 3, 31)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCAISSE_HOME", str(tmp_path_factory.mktemp("home")))
        path = create_demo_dossier(tmp_path_factory.mktemp("demo") / "demo.encaisse", as_of=DEMO_AS_OF)
    workspace = open_workspace(path, read_only=True, clock=fixed_clock(DEMO_AS_OF))
    yield workspace
    workspace.close()


def test_ledger_aged_balance_bars(ledger: Ledger) -> None:
    # ALPHA: F1 1 000,00 € not due, F2 300,00 € in 1–30; BETA: F3 800,00 € in > 90.
    board = dashboard(ledger.ws, TODAY)
    assert board.bucket_bounds == ((None, 0), (1, 30), (31, 60), (61, 90), (91, None))
    assert board.total.buckets == (100_000, 30_000, 0, 0, 80_000)
    assert board.total.total_cents == 210_000
    assert [(bar.account_code, bar.client_name, bar.total_cents) for bar in board.top_clients] == [
        ("ALPHA", "Alpha SARL", 130_000), ("BETA", "Bêta SAS", 80_000)]
    assert board.top_clients[0].buckets == (100_000, 30_000, 0, 0, 0)


def test_ledger_cash_forecast_by_hand(ledger: Ledger) -> None:
    # ALPHA's habit: 200,00 € paid on 10/11 for F2 due 01/11 → 9 days late. BETA has paid nothing.
    # F2 (300,00 €) expected 10/11, already past → week 1; F3 (800,00 €, no habit) due 01/08 → week 1;
    # F1 (1 000,00 €) due 30/11 + 9 days = 09/12 = as_of + 16 days → week 3.
    board = dashboard(ledger.ws, TODAY)
    assert len(board.forecast) == 12
    assert [week.cents for week in board.forecast[:4]] == [110_000, 0, 100_000, 0]
    assert sum(week.cents for week in board.forecast) == 210_000
    assert board.forecast[2].start == TODAY + timedelta(days=14)
    assert board.cash_next_4_weeks == 210_000
    tile = board.kpis.get(CASH_KPI)
    assert (tile.value, tile.unit, tile.period_start, tile.period_end) == (
        210_000, "cents", TODAY, TODAY + timedelta(days=27))
    assert "12" in tile.formula
    with ledger.ws.dossier.reading() as session:
        delays = client_delays(session, TODAY)
    assert list(delays.values()) == [pytest.approx(9.0)]  # ALPHA only


def test_ledger_kpis_are_the_key_figures_plus_cash(ledger: Ledger) -> None:
    board = dashboard(ledger.ws, TODAY)
    figures = reports.key_figures(ledger.ws, TODAY)
    assert board.kpis.kpis[:-1] == figures.kpis
    assert board.kpis.kpis[-1].key == CASH_KPI


def test_ledger_best_possible_dso_every_month(ledger: Ledger) -> None:
    board = dashboard(ledger.ws, TODAY, months=6)
    assert [point.month_end for point in board.dso] == [
        date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31), TODAY]
    for point in board.dso:
        assert point.current_cents == reports.aged_balance(ledger.ws, point.month_end).totals.buckets[0]
    # 31/07: F3 (800,00 €) issued 02/07, due 01/08 → all not due; the window's sales are F3 only.
    july = board.dso[1]
    assert july.current_cents == 80_000
    assert july.best_possible == pytest.approx(july.accounting)
    # Today: F1 not due, 1 000,00 €; sales of the 3-month window (24/08–23/11 by month: Sep–Nov)
    # = F1 + F2 − A1 = 1 400,00 €.
    assert board.dso[-1].current_cents == 100_000
    series = reports.dso_series(ledger.ws, TODAY, months=6)
    last = series[-1]
    assert (board.dso[-1].accounting, board.dso[-1].countback, board.dso[-1].best_possible) == (
        last.accounting, last.countback, last.best_possible)
    assert [p.accounting for p in board.dso] == [p.accounting for p in series]
    with ledger.ws.dossier.reading() as session:
        assert longest_term_days(session) == 30  # F1, F2, F3 are all due 30 days after issue
        assert not_yet_due_cents(session, date(2026, 7, 31), 30) == not_yet_due_cents(session, date(2026, 7, 31))


def test_demo_top_ten_and_totals_match_the_aged_balance(demo_ws: Workspace) -> None:
    board = dashboard(demo_ws, DEMO_AS_OF)
    report = reports.aged_balance(demo_ws, DEMO_AS_OF)
    assert board.total.buckets == report.totals.buckets
    expected = sorted((line for line in report.lines if line.total_cents > 0), key=lambda line: -line.total_cents)
    assert len(board.top_clients) == TOP_CLIENTS
    assert [bar.total_cents for bar in board.top_clients] == [line.total_cents for line in expected[:TOP_CLIENTS]]
    by_code = {line.account_code: line for line in report.lines}
    for bar in board.top_clients:
        assert bar.buckets == by_code[bar.account_code].buckets
        assert bar.client_name == by_code[bar.account_code].client_name


def test_demo_best_possible_dso_is_the_not_due_bucket_each_month(demo_ws: Workspace) -> None:
    board = dashboard(demo_ws, DEMO_AS_OF)
    assert len(board.dso) == 24
    assert board.dso[-1].month_end == DEMO_AS_OF
    for point in board.dso[::4] + board.dso[-1:]:
        assert point.current_cents == reports.aged_balance(demo_ws, point.month_end).totals.buckets[0]
    assert all(point.best_possible is not None for point in board.dso)
    assert all(p.best_possible <= p.accounting for p in board.dso if p.best_possible and p.accounting)


def test_demo_forecast_agrees_with_the_domain_rule(demo_ws: Workspace) -> None:
    board = dashboard(demo_ws, DEMO_AS_OF)
    with demo_ws.dossier.reading() as session:
        in_sql = client_delays(session, DEMO_AS_OF)
        in_python = average_delays(paid_amounts(session, DEMO_AS_OF))
        items = [OpenAmount(item.client_id, item.due_date, item.open_cents)
                 for item in reports.open_items(session, DEMO_AS_OF)]
    assert in_sql.keys() == in_python.keys()
    assert all(in_sql[client] == pytest.approx(in_python[client]) for client in in_sql)
    weeks = weekly_forecast(items, in_python, DEMO_AS_OF)
    assert [week.cents for week in board.forecast] == [week.cents for week in weeks]
    assert board.cash_next_4_weeks == sum(week.cents for week in weeks[:4])
    assert 0 < board.cash_next_4_weeks <= board.total.total_cents


@pytest.mark.parametrize("period_months", [None, 1, 12])
def test_demo_kpis_from_the_daily_flows_are_the_key_figures(demo_ws: Workspace, period_months: int | None) -> None:
    """The dashboard derives receivables, sales, issued and collected sums from its daily flows; key_figures
    queries each (write-offs and credit notes included in the demo)."""
    board = dashboard(demo_ws, DEMO_AS_OF, period_months=period_months)
    assert board.kpis.kpis[:-1] == reports.key_figures(demo_ws, DEMO_AS_OF, period_months).kpis

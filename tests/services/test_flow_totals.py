"""The running sums kept by triggers (migration 0009) stay equal to the invoices and allocations they sum, through
the services and hand edits, on upgrade too; and a dashboard refreshed after a payment shows it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain import kpis
from app.domain.forecast import average_delays
from app.domain.records import SettlementKind
from app.services import payment_habits, payments, reports
from app.services.dashboard import dashboard, not_yet_due_cents, paid_amounts
from app.services.demo import create_demo_dossier
from app.services.dto import AllocationInput
from app.services.workspace import Workspace, open_workspace
from tests.conftest import TODAY
from tests.services.ledger import Ledger
from tests.services.older_dossiers import downgrade

# Each kept table next to the same sums made from the invoices and allocations themselves (through the
# invoice, not the allocations' copies); pairs that came back to 0 are left out.
KEPT = {
    "invoice_flows": (
        "SELECT kind, due_date, issue_date, cents FROM invoice_flows WHERE cents != 0",
        "SELECT kind, due_date, issue_date, SUM(amount_incl_cents) FROM invoices GROUP BY 1, 2, 3",
    ),
    "settlement_flows": (
        "SELECT on_date, due_date, kind, cents FROM settlement_flows WHERE cents != 0",
        "SELECT a.on_date, i.due_date, a.kind, SUM(a.amount_cents) FROM allocations a "
        "JOIN invoices i ON i.id = a.invoice_id GROUP BY 1, 2, 3",
    ),
    "payment_habits": (
        "SELECT client_id, month, kind, cents, weighted_days, late_weighted_days FROM payment_habits "
        "WHERE cents != 0",
        "SELECT i.client_id, substr(a.on_date, 1, 7), a.kind, SUM(a.amount_cents), "
        "SUM(a.amount_cents * CAST(julianday(a.on_date) - julianday(i.due_date) AS INTEGER)), "
        "SUM(a.amount_cents * MAX(0, CAST(julianday(a.on_date) - julianday(i.due_date) AS INTEGER))) "
        "FROM allocations a JOIN invoices i ON i.id = a.invoice_id WHERE a.kind != 'write_off' GROUP BY 1, 2, 3",
    ),
}


def _kept_right(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        for table, (kept, direct) in KEPT.items():
            assert sorted(connection.execute(kept)) == sorted(connection.execute(direct)), table
            assert connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0, table
    return True


def _write(path: Path, statement: str, *params: object) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(statement, params)


def test_sums_follow_payments_credit_notes_edits_and_deletions(workspace: Workspace, ledger: Ledger) -> None:
    path = workspace.path
    assert _kept_right(path)
    f4 = ledger.invoice("BETA", "F4", date(2026, 10, 2), date(2026, 11, 2), 30_000)
    ledger.pay("BETA", date(2026, 11, 20), 10_000, (f4, 10_000))  # 18 days late
    ledger.pay("BETA", date(2026, 10, 20), 5_000, (f4, 5_000))  # early
    with workspace.dossier.reading() as session:
        credit = session.execute(text("SELECT id FROM invoices WHERE number = 'A1'")).scalar_one()
    payments.allocate_credit_note(workspace, credit, (AllocationInput(f4, 4_000),))
    assert _kept_right(path)
    _write(path, "UPDATE invoices SET due_date = '2026-11-10', issue_date = '2026-10-05' WHERE id = ?", f4)
    _write(path, "UPDATE invoices SET amount_incl_cents = 40000 WHERE id = ?", f4)
    _write(path, "UPDATE invoices SET client_id = (SELECT id FROM clients WHERE account_code = 'ALPHA') "
           "WHERE id = ?", f4)
    assert _kept_right(path)
    _write(path, "UPDATE allocations SET on_date = '2026-11-21', amount_cents = 9000 WHERE on_date = '2026-11-20'")
    _write(path, "UPDATE allocations SET client_id = 999, due_date = '2000-01-01'")  # a hand edit, undone
    assert _kept_right(path)
    _write(path, "INSERT INTO allocations (invoice_id, kind, amount_cents, on_date, reason, client_id, due_date) "
           "VALUES (?, 'write_off', 1000, '2026-11-22', 'test', 1, '2026-11-10')", f4)  # copies given
    assert _kept_right(path)
    _write(path, "DELETE FROM allocations WHERE invoice_id = ?", f4)
    assert _kept_right(path)
    ledger.invoice("BETA", "F5", date(2026, 11, 3), date(2026, 12, 3), 12_000)
    _write(path, "DELETE FROM invoices WHERE number = 'F5'")
    assert _kept_right(path)


def test_an_existing_dossier_gets_its_sums_on_upgrade(tmp_path: Path) -> None:
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=date(2026, 3, 31))
    assert _kept_right(path)  # a new dossier keeps them from its first invoice
    downgrade(path, "0008")
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "payment_habits" not in tables
    open_workspace(path).close()
    assert _kept_right(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("as_of", [date(2026, 3, 31), date(2026, 3, 17), date(2026, 2, 28), date(2025, 12, 1)])
def test_delays_read_from_monthly_sums_equal_the_payments_one_by_one(demo_ws: Workspace, as_of: date) -> None:
    with demo_ws.dossier.reading() as session:
        delays = payment_habits.client_delays(session, as_of)
        expected = average_delays(paid_amounts(session, as_of))
        assert delays.keys() == expected.keys() and len(delays) > 5
        assert all(delays[client] == pytest.approx(expected[client]) for client in delays)
        # Days late only, payments and credit notes, over any span: the risk grades' figure.
        start = as_of - timedelta(days=200)
        late = payment_habits.average_delays(session, start, as_of,
                                             [SettlementKind.PAYMENT, SettlementKind.CREDIT_NOTE], late_only=True)
        rows = session.execute(text(
            "SELECT client_id, SUM(amount_cents), SUM(amount_cents * MAX(0, julianday(on_date) - julianday(due_date))) "
            "FROM allocations WHERE kind != 'write_off' AND on_date BETWEEN :start AND :end GROUP BY client_id"),
            {"start": start.isoformat(), "end": as_of.isoformat()}).all()
        assert late == pytest.approx({client: weighted / cents for client, cents, weighted in rows})


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    path = create_demo_dossier(tmp_path_factory.mktemp("demo") / "demo.encaisse", as_of=date(2026, 3, 31))
    ws = open_workspace(path, read_only=True)
    yield ws
    ws.close()


def test_a_refresh_after_a_payment_shows_it(workspace: Workspace, ledger: Ledger) -> None:
    before = dashboard(workspace, TODAY)
    with workspace.dossier.reading() as session:
        f2, alpha = session.execute(text("SELECT id, client_id FROM invoices WHERE number = 'F2'")).one()
    ledger.pay("ALPHA", TODAY, 30_000, (f2, 30_000))  # the rest of F2 (due 01/11), 22 days late
    after = dashboard(workspace, TODAY)
    assert after.total.total_cents == before.total.total_cents - 30_000
    assert after.kpis.get("receivables").value == before.kpis.get("receivables").value - 30_000
    with workspace.dossier.reading() as session:
        assert after.total.total_cents == reports.receivables_on(session, TODAY)  # straight from the invoices
        assert after.dso[-1].current_cents == not_yet_due_cents(session, TODAY)
        settled = session.execute(text(
            "SELECT i.due_date, a.on_date, a.amount_cents FROM allocations a JOIN invoices i ON i.id = a.invoice_id "
            "WHERE a.kind != 'write_off' AND a.on_date > :start AND a.on_date <= :end"),
            {"start": (TODAY - timedelta(days=92)).isoformat(), "end": TODAY.isoformat()}).all()
        period = reports.kpi_period(session, TODAY)
        assert period.start > TODAY - timedelta(days=93)
        expected_late = kpis.weighted_days_late([(date.fromisoformat(due), date.fromisoformat(on), cents)
                                                 for due, on, cents in settled
                                                 if date.fromisoformat(on) >= period.start])
        assert payment_habits.client_delays(session, TODAY)[alpha] == pytest.approx(
            (20_000 * 9 + 30_000 * 22) / 50_000)
    assert after.kpis.get("average_days_late").value == pytest.approx(expected_late)
    assert after.kpis.get("average_days_late").value != before.kpis.get("average_days_late").value
    assert after.dso[-1].accounting != before.dso[-1].accounting
    assert sum(week.cents for week in after.forecast) == sum(week.cents for week in before.forecast) - 30_000

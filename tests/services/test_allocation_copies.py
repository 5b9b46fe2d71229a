"""The invoice's client and due date each allocation carries (kept by triggers), and the sums read through them."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.domain.periods import month_ends
from app.services import reports
from app.services.dashboard import client_delays, not_yet_due_cents, not_yet_due_on
from app.services.demo import create_demo_dossier
from app.services.workspace import Workspace, open_workspace
from tests.services.ledger import Ledger
from tests.services.older_dossiers import downgrade

# Every allocation's copies next to its invoice's values: equal rows mean the copies are right.
COPIES = """
SELECT a.id, a.client_id, a.due_date, i.client_id, i.due_date
FROM allocations a JOIN invoices i ON i.id = a.invoice_id ORDER BY a.id
"""


def _copies(path: Path) -> list[tuple[int, tuple[int, str], tuple[int, str]]]:
    with sqlite3.connect(path) as connection:
        return [(allocation, (client, due), (invoice_client, invoice_due))
                for allocation, client, due, invoice_client, invoice_due in connection.execute(COPIES)]


def _all_right(path: Path) -> bool:
    rows = _copies(path)
    return bool(rows) and all(kept == invoice for _id, kept, invoice in rows)


def _write(path: Path, statement: str, *params: object) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(statement, params)


def test_copies_follow_inserts_moves_and_the_invoice(workspace: Workspace, ledger: Ledger) -> None:
    path = workspace.path
    f1 = ledger.invoice("BETA", "F4", date(2026, 11, 2), date(2026, 12, 2), 30_000)
    ledger.pay("BETA", date(2026, 11, 20), 10_000, (f1, 10_000))
    assert _all_right(path)
    assert _copies(path)[-1][1][1] == "2026-12-02"
    _write(path, "UPDATE invoices SET due_date = '2026-12-31' WHERE id = ?", f1)
    _write(path, "UPDATE invoices SET client_id = (SELECT id FROM clients WHERE account_code = 'ALPHA') "
           "WHERE id = ?", f1)
    assert _all_right(path)
    assert _copies(path)[-1][1][1] == "2026-12-31"
    f2 = ledger.invoice("ALPHA", "F5", date(2026, 11, 3), date(2026, 11, 18), 40_000)
    _write(path, "UPDATE allocations SET invoice_id = ? WHERE invoice_id = ?", f2, f1)  # moved to another invoice
    assert _all_right(path)
    assert _copies(path)[-1][1][1] == "2026-11-18"
    _write(path, "UPDATE allocations SET client_id = 999, due_date = '2000-01-01'")  # a hand edit is undone
    assert _all_right(path)
    _write(path, "DELETE FROM allocations WHERE invoice_id = ?", f2)
    assert _all_right(path)  # the others are untouched


def test_guards_still_refuse_an_over_allocation(workspace: Workspace, ledger: Ledger) -> None:
    small = ledger.invoice("ALPHA", "F9", date(2026, 11, 2), date(2026, 12, 2), 10_000)
    with pytest.raises(sqlite3.IntegrityError, match="exceed the invoice"):
        _write(workspace.path, "UPDATE allocations SET invoice_id = ?", small)  # 200,00 € onto 100,00 €
    with pytest.raises(sqlite3.IntegrityError, match="exceed the payment"):
        _write(workspace.path, "UPDATE allocations SET amount_cents = 25000")
    _write(workspace.path, "UPDATE allocations SET reason = 'checked'")  # other columns are free


def test_not_yet_due_in_one_pass_equals_one_query_per_day(workspace: Workspace, ledger: Ledger) -> None:
    f4 = ledger.invoice("ALPHA", "F4", date(2026, 9, 15), date(2026, 11, 15), 70_000)
    days = [*month_ends(date(2026, 11, 23), 6), date(2026, 11, 9), date(2026, 11, 10)]
    days.sort()
    with workspace.dossier.reading() as session:
        before = not_yet_due_on(session, days)
        assert before == {day: not_yet_due_cents(session, day) for day in days}
    # A payment received early and backdated into September lowers the not-yet-due amount of Sep and Oct ends.
    ledger.pay("ALPHA", date(2026, 9, 20), 30_000, (f4, 30_000))
    with workspace.dossier.reading() as session:
        after = not_yet_due_on(session, days)
        assert after == {day: not_yet_due_cents(session, day) for day in days}
    assert after[date(2026, 9, 30)] == before[date(2026, 9, 30)] - 30_000
    assert after[date(2026, 10, 31)] == before[date(2026, 10, 31)] - 30_000
    assert after[date(2026, 8, 31)] == before[date(2026, 8, 31)]


def test_demo_not_yet_due_and_delays_agree_with_the_direct_queries(tmp_path: Path) -> None:
    as_of = date(2026, 3, 31)
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=as_of)
    ws = open_workspace(path, read_only=True)
    try:
        with ws.dossier.reading() as session:
            days = [*month_ends(as_of, 30), date(2026, 3, 15)]
            days.sort()
            assert not_yet_due_on(session, days) == {day: not_yet_due_cents(session, day) for day in days}
            assert not_yet_due_on(session, [as_of])[as_of] == reports.aged_balance(ws, as_of).totals.buckets[0]
            assert client_delays(session, as_of)
    finally:
        ws.close()


def test_an_existing_dossier_gets_its_copies_on_upgrade(tmp_path: Path) -> None:
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=date(2026, 11, 23))
    downgrade(path, "0005")
    with sqlite3.connect(path) as connection:
        assert "due_date" not in {row[1] for row in connection.execute("PRAGMA table_info(allocations)")}
        triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert "allocation_copies_insert" not in triggers and "allocations_within_invoice_update" in triggers
    ws = open_workspace(path)
    try:
        assert ws.dossier.migrated_from == "0005"
    finally:
        ws.close()
    assert _all_right(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    _write(path, "UPDATE invoices SET due_date = '2027-01-31' WHERE id = (SELECT invoice_id FROM allocations "
           "ORDER BY id LIMIT 1)")
    assert _all_right(path)

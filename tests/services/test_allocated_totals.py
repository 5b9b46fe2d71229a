"""What each payment and credit note has given to invoices (kept by triggers), and the unallocated credits read
through it."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from app.domain.kinds import InvoiceKind
from app.services import payments
from app.services.demo import create_demo_dossier
from app.services.dto import AllocationInput
from app.services.queries import net_balance_by_client, open_invoices, unallocated_credit_by_client
from app.services.workspace import Workspace, open_workspace
from tests.services.ledger import Ledger
from tests.services.older_dossiers import downgrade

RECOMPUTED = """
SELECT 'payment', p.id, p.allocated_cents, p.allocated_through,
       (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a WHERE a.payment_id = p.id),
       (SELECT MAX(a.on_date) FROM allocations a WHERE a.payment_id = p.id)
FROM payments p
UNION ALL
SELECT i.kind, i.id, i.applied_cents, i.applied_through,
       (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a WHERE a.credit_note_id = i.id),
       (SELECT MAX(a.on_date) FROM allocations a WHERE a.credit_note_id = i.id)
FROM invoices i
"""


def _kept_equal_recomputed(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(RECOMPUTED).fetchall()
    return bool(rows) and all((kept, through) == (summed, latest) for _k, _id, kept, through, summed, latest in rows)


def _write(path: Path, statement: str, *params: object) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(statement, params)


def _by_difference(ws: Workspace, as_of: date) -> dict[int, int]:
    """The former definition: open invoices − net balance, per client."""
    with ws.dossier.reading() as session:
        open_by_client: dict[int, int] = {}
        for _id, client_id, _due, cents in session.execute(open_invoices(as_of)):
            open_by_client[client_id] = open_by_client.get(client_id, 0) + int(cents)
        credits = {client: open_by_client.get(client, 0) - net
                   for client, net in net_balance_by_client(session, as_of).items()}
    return {client: cents for client, cents in credits.items() if cents}


def _credits(ws: Workspace, as_of: date) -> dict[int, int]:
    with ws.dossier.reading() as session:
        return unallocated_credit_by_client(session, as_of)


def test_totals_follow_inserts_updates_and_deletes(workspace: Workspace, ledger: Ledger) -> None:
    path = workspace.path
    assert _kept_equal_recomputed(path)
    f4 = ledger.invoice("BETA", "F4", date(2026, 11, 2), date(2026, 12, 2), 30_000)
    with sqlite3.connect(path) as connection:
        a1 = connection.execute("SELECT id FROM invoices WHERE number = 'A1'").fetchone()[0]
    payments.allocate_credit_note(workspace, a1, (AllocationInput(f4, 6_000),))
    ledger.pay("BETA", date(2026, 11, 21), 9_000, (f4, 4_000))
    assert _kept_equal_recomputed(path)
    _write(path, "UPDATE allocations SET amount_cents = 3000, on_date = '2026-11-22' WHERE credit_note_id = ?", a1)
    assert _kept_equal_recomputed(path)
    _write(path, "UPDATE allocations SET payment_id = (SELECT id FROM payments WHERE amount_cents = 5000) "
           "WHERE payment_id = (SELECT id FROM payments WHERE amount_cents = 9000)")  # moved to another payment
    assert _kept_equal_recomputed(path)
    _write(path, "DELETE FROM allocations WHERE credit_note_id = ?", a1)
    assert _kept_equal_recomputed(path)
    _write(path, "DELETE FROM allocations")
    assert _kept_equal_recomputed(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT SUM(allocated_cents) + SUM(allocated_through IS NOT NULL) "
                                  "FROM payments").fetchone() == (0,)


def test_unallocated_credits_as_of_any_date_equal_open_minus_net(workspace: Workspace, ledger: Ledger) -> None:
    """ALPHA: 50 € unallocated since 15/11; BETA: the 100 € credit note A1, half applied on 20/11 to F4."""
    f4 = ledger.invoice("BETA", "F4", date(2026, 11, 2), date(2026, 12, 2), 30_000)
    with sqlite3.connect(workspace.path) as connection:
        a1 = connection.execute("SELECT id FROM invoices WHERE number = 'A1'").fetchone()[0]
    payments.allocate_credit_note(workspace, a1, (AllocationInput(f4, 5_000),))
    _write(workspace.path, "UPDATE allocations SET on_date = '2026-11-20' WHERE credit_note_id = ?", a1)
    alpha, beta = (ledger._clients[code] for code in ("ALPHA", "BETA"))
    assert _credits(workspace, date(2026, 11, 23)) == {alpha: 5_000, beta: 5_000}
    assert _credits(workspace, date(2026, 11, 19)) == {alpha: 5_000, beta: 10_000}  # applied after that day
    assert _credits(workspace, date(2026, 11, 14)) == {beta: 10_000}  # ALPHA's payment not received yet
    for day in (date(2026, 8, 31), date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 19), date(2026, 11, 23)):
        assert _credits(workspace, day) == _by_difference(workspace, day)


def test_demo_unallocated_credits_equal_open_minus_net(tmp_path: Path) -> None:
    as_of = date(2026, 3, 31)
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=as_of)
    assert _kept_equal_recomputed(path)
    ws = open_workspace(path, read_only=True)
    try:
        for day in (as_of, as_of - timedelta(days=45), date(2025, 6, 30)):
            credits = _credits(ws, day)
            assert credits == _by_difference(ws, day)
        assert credits
    finally:
        ws.close()


def test_an_existing_dossier_gets_its_totals_on_upgrade(tmp_path: Path) -> None:
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=date(2026, 11, 23))
    downgrade(path, "0006")
    with sqlite3.connect(path) as connection:
        assert "allocated_cents" not in {row[1] for row in connection.execute("PRAGMA table_info(payments)")}
    ws = open_workspace(path)
    try:
        assert ws.dossier.migrated_from == "0006"
    finally:
        ws.close()
    assert _kept_equal_recomputed(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        kinds = {row[0] for row in connection.execute("SELECT DISTINCT kind FROM invoices")}
    assert InvoiceKind.CREDIT_NOTE.value in kinds

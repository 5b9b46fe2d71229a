"""The settled totals the triggers keep on each invoice, and the open amounts read through them."""

from __future__ import annotations

import sqlite3
from datetime import date

from app.services.queries import open_invoices
from app.services.workspace import Workspace
from tests.conftest import Ledger

RECOMPUTED = """
SELECT i.number, i.settled_cents, i.settled_through,
       (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a WHERE a.invoice_id = i.id),
       (SELECT MAX(a.on_date) FROM allocations a WHERE a.invoice_id = i.id)
FROM invoices i ORDER BY i.number
"""


def _kept_and_recomputed(ws: Workspace) -> list[tuple[str, tuple[int, str | None], tuple[int, str | None]]]:
    with sqlite3.connect(ws.path) as connection:
        return [(number, (kept, through), (summed, latest))
                for number, kept, through, summed, latest in connection.execute(RECOMPUTED)]


def _open(ws: Workspace, as_of: date) -> dict[int, int]:
    with ws.dossier.reading() as session:
        return {invoice_id: int(cents) for invoice_id, _c, _d, cents in session.execute(open_invoices(as_of))}


def test_totals_follow_every_kind_of_change_to_the_allocations(workspace: Workspace, ledger: Ledger) -> None:
    rows = _kept_and_recomputed(workspace)
    assert ("F2", (20_000, "2026-11-10"), (20_000, "2026-11-10")) in rows
    with sqlite3.connect(workspace.path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        allocation = connection.execute("SELECT id FROM allocations").fetchone()[0]
        connection.execute("UPDATE allocations SET on_date = '2026-11-20', amount_cents = 15000 WHERE id = ?",
                           (allocation,))
    assert ("F2", (15_000, "2026-11-20"), (15_000, "2026-11-20")) in _kept_and_recomputed(workspace)
    with sqlite3.connect(workspace.path) as connection:
        connection.execute("UPDATE allocations SET invoice_id = (SELECT id FROM invoices WHERE number = 'F1')")
    rows = _kept_and_recomputed(workspace)
    assert ("F1", (15_000, "2026-11-20"), (15_000, "2026-11-20")) in rows
    assert ("F2", (0, None), (0, None)) in rows
    with sqlite3.connect(workspace.path) as connection:
        connection.execute("DELETE FROM allocations")
    assert all(kept == (0, None) for _n, kept, _r in _kept_and_recomputed(workspace))


def test_an_invoice_paid_after_the_as_of_date_is_open_on_it(workspace: Workspace, ledger: Ledger) -> None:
    """F2 (500 €) received 200 € on 10/11: 500 € open the day before, 300 € after; F1 is issued 31/10."""
    before_payment, after_payment = _open(workspace, date(2026, 11, 9)), _open(workspace, date(2026, 11, 23))
    assert sorted(before_payment.values()) == [50_000, 80_000, 100_000]  # F2 whole before its 10/11 payment
    assert sorted(after_payment.values()) == [30_000, 80_000, 100_000]
    assert sorted(_open(workspace, date(2026, 10, 1)).values()) == [80_000]  # F1 and F2 not issued yet

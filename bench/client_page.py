"""Benchmark: one client's page (ledger, history, promises, plans, disputes, risk) next to raw SQL fetching
the same rows.

Usage: python bench/client_page.py LARGE.encaisse [--as-of YYYY-MM-DD] [--invoices 500]
(make the file with `python bench/generate.py --keep LARGE.encaisse`).

The generated dossier's busiest client has about 160 invoices. To measure the 500-invoice case of the
issue, the bench works on a temporary copy where the next busiest clients are folded into the busiest one
(their invoices, payments, promises, disputes, plans, actions and costs change client) until it has at
least ``--invoices`` invoices; the original file is never written.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from common import last_issue_date, median_time

from app.services.client_page import client_page
from app.services.clock import fixed_clock
from app.services.workspace import open_workspace

OWNED = ("invoices", "payments", "promises", "disputes", "plans", "actions", "recovery_costs", "contacts")

# The most direct way: the rows the page shows, fetched with one SELECT each and no further work.
RAW_SQL = (
    "SELECT * FROM clients WHERE id = :client",
    "SELECT * FROM contacts WHERE client_id = :client",
    "SELECT i.id, i.number, i.kind, i.issue_date, i.due_date, i.amount_incl_cents,"
    " i.amount_incl_cents - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a"
    "  WHERE a.invoice_id = i.id AND a.on_date <= :as_of)"
    " FROM invoices i WHERE i.client_id = :client AND i.issue_date <= :as_of ORDER BY i.issue_date",
    "SELECT a.* FROM allocations a JOIN invoices i ON i.id = a.invoice_id"
    " WHERE i.client_id = :client AND a.on_date <= :as_of",
    "SELECT * FROM payments WHERE client_id = :client AND received_on <= :as_of ORDER BY received_on",
    "SELECT d.*, di.invoice_id FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id"
    " WHERE d.client_id = :client",
    "SELECT p.*, pi.invoice_id FROM promises p JOIN promise_invoices pi ON pi.promise_id = p.id"
    " WHERE p.client_id = :client",
    "SELECT p.*, i.due_on, i.amount_cents FROM plans p JOIN instalments i ON i.plan_id = p.id"
    " WHERE p.client_id = :client",
    "SELECT a.id, a.occurred_on, a.kind, a.channel, a.summary, a.details, d.filename FROM actions a"
    " LEFT JOIN stored_documents d ON d.id = a.document_id WHERE a.client_id = :client"
    " ORDER BY a.occurred_on DESC, a.recorded_at DESC",
    "SELECT ai.* FROM action_invoices ai JOIN actions a ON a.id = ai.action_id WHERE a.client_id = :client",
    "SELECT * FROM recovery_costs WHERE client_id = :client",
)


def raw_rows(path: Path, client_id: int, as_of: date) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    params = {"client": client_id, "as_of": as_of.isoformat()}
    count = sum(len(connection.execute(statement, params).fetchall()) for statement in RAW_SQL)
    connection.close()
    return count


def busiest_clients(path: Path) -> list[tuple[int, int]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = connection.execute("SELECT client_id, COUNT(*) FROM invoices WHERE kind = 'invoice'"
                              " GROUP BY client_id ORDER BY 2 DESC LIMIT 20").fetchall()
    connection.close()
    return [(int(a), int(b)) for a, b in rows]


def fold_clients(source: Path, target: Path, wanted: int) -> tuple[int, int]:
    """Copy ``source`` to ``target`` and fold the busiest clients into the first until it has ``wanted``
    invoices; returns (client id, invoice count)."""
    shutil.copyfile(source, target)
    ranking = busiest_clients(source)
    keeper, count = ranking[0]
    connection = sqlite3.connect(target)
    for other, extra in ranking[1:]:
        if count >= wanted:
            break
        for table in OWNED:
            connection.execute(f"UPDATE {table} SET client_id = ? WHERE client_id = ?", (keeper, other))
        count += extra
    connection.commit()
    connection.close()
    return keeper, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.encaisse"
        client_id, count = fold_clients(args.path, path, args.invoices)
        as_of = args.as_of or last_issue_date(path)
        ws = open_workspace(path, read_only=True, clock=fixed_clock(as_of))
        ours_s, page = median_time(args.runs, lambda: client_page(ws, client_id, as_of))
        limit_s, rows = median_time(args.runs, lambda: raw_rows(path, client_id, as_of))
        ws.close()
    assert not isinstance(page, int)
    print(f"as of {as_of}: client #{client_id} with {count} invoices; {len(page.ledger)} ledger lines, "  # type: ignore[attr-defined]
          f"{len(page.history)} history entries, risk {page.risk.grade}; raw SQL fetched {rows} rows")  # type: ignore[attr-defined]
    print(f"BENCH client_page ours_s={ours_s:.4f} limit_s={limit_s:.4f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main()

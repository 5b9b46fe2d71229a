"""Benchmark: open the large dossier and show the first screen of invoices; one filter keystroke; memory.

Usage: python bench/invoice_table.py LARGE.encaisse
The invoice view shows exactly what query_invoices returns (one page per fetch), so the service is what is timed.
Each figure is printed next to the most direct way: a raw sqlite3 query for the same page.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
from datetime import date
from pathlib import Path

from common import median_time

from app.services import invoices
from app.services.clock import fixed_clock
from app.services.dto import InvoiceQuery
from app.services.workspace import backup_on_open, open_workspace

PAGE = 200
# The most direct way to show the same screen: count the matches, read one page in due-date order, then
# the settled amounts and client names of that page only.
MATCH = " AND (i.number LIKE :t OR i.client_id IN (SELECT id FROM clients WHERE name LIKE :t))"
RAW_COUNT = "SELECT count(*) FROM invoices i WHERE i.kind = 'invoice' AND i.issue_date <= :d{match}"
RAW_PAGE = """SELECT i.id, i.number, i.client_id, i.issue_date, i.due_date, i.amount_incl_cents FROM invoices i
WHERE i.kind = 'invoice' AND i.issue_date <= :d{match} ORDER BY i.due_date DESC, i.id DESC LIMIT 200"""
RAW_SETTLED = "SELECT invoice_id, on_date, amount_cents, kind FROM allocations WHERE invoice_id IN ({ids})"
RAW_NAMES = "SELECT id, name FROM clients WHERE id IN ({ids})"


def raw(path: Path, as_of: date, text: str) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    params = {"d": as_of.isoformat(), "t": f"%{text}%"}
    match = MATCH if text else ""
    connection.execute(RAW_COUNT.format(match=match), params).fetchone()
    rows = connection.execute(RAW_PAGE.format(match=match), params).fetchall()
    ids = ",".join(str(row[0]) for row in rows) or "0"
    connection.execute(RAW_SETTLED.format(ids=ids)).fetchall()
    connection.execute(RAW_NAMES.format(ids=",".join(str(row[2]) for row in rows) or "0")).fetchall()
    connection.close()


def ours_open_and_first_page(path: Path, as_of: date) -> None:
    """What the window does before its first screen: open for writing (lock, schema), then the first page;
    the backup on open runs right after on the worker, timed apart."""
    ws = open_workspace(path, clock=fixed_clock(as_of), backup=False)
    invoices.query_invoices(ws, InvoiceQuery(as_of=as_of, descending=True, limit=PAGE))
    ws.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    connection = sqlite3.connect(f"file:{args.path}?mode=ro", uri=True)
    as_of = date.fromisoformat(connection.execute("SELECT MAX(issue_date) FROM invoices").fetchone()[0])
    connection.close()

    open_s = median_time(args.runs, lambda: ours_open_and_first_page(args.path, as_of))[0]
    raw_open_s = median_time(args.runs, lambda: raw(args.path, as_of, ""))[0]
    ws = open_workspace(args.path, clock=fixed_clock(as_of), backup=False)
    backup_s = median_time(1, lambda: backup_on_open(ws))[0]
    keystroke_s = median_time(args.runs, lambda: invoices.query_invoices(
        ws, InvoiceQuery(as_of=as_of, text="dur", descending=True)))[0]
    raw_keystroke_s = median_time(args.runs, lambda: raw(args.path, as_of, "dur"))[0]
    ws.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"open + first page {open_s:.3f} s (target < 0.5 s); filter keystroke {keystroke_s:.3f} s "
          f"(target < 0.1 s); peak RSS {rss_mb:.0f} MB (target < 400 MB); backup on open, after the first "
          f"screen: {backup_s:.3f} s")
    print(f"BENCH invoices_open_first_page ours_s={open_s:.4f} limit_s={raw_open_s:.4f} "
          f"ratio={open_s / raw_open_s:.2f}")
    print(f"BENCH invoices_filter_keystroke ours_s={keystroke_s:.4f} limit_s={raw_keystroke_s:.4f} "
          f"ratio={keystroke_s / raw_keystroke_s:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: open the large dossier and show the first screen of invoices; one filter keystroke; memory.

Usage: python bench/invoice_table.py LARGE.encaisse
The invoice view shows exactly what query_invoices returns (one page per fetch), so the service is what is timed.
Each figure is printed next to the most direct way: a raw sqlite3 query for the same page.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.services import invoices
from app.services.clock import fixed_clock
from app.services.dto import InvoiceQuery
from app.services.workspace import open_workspace

PAGE = 200
RAW_FIRST_PAGE = """
SELECT i.id, i.number, i.kind, i.client_id, c.name, i.issue_date, i.due_date, i.amount_incl_cents, i.no_reminder,
       (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a WHERE a.invoice_id = i.id AND a.on_date <= :d)
FROM invoices i JOIN clients c ON c.id = i.client_id
WHERE i.kind = 'invoice' AND i.issue_date <= :d AND (i.number LIKE :t OR c.name LIKE :t)
ORDER BY i.due_date, i.id LIMIT 200
"""
RAW_COUNT = """SELECT count(*) FROM invoices i JOIN clients c ON c.id = i.client_id
WHERE i.kind = 'invoice' AND i.issue_date <= :d AND (i.number LIKE :t OR c.name LIKE :t)"""


def timed(runs: int, work: Callable[[], object]) -> float:
    work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def raw(path: Path, as_of: date, text: str) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    params = {"d": as_of.isoformat(), "t": f"%{text}%"}
    connection.execute(RAW_COUNT, params).fetchone()
    connection.execute(RAW_FIRST_PAGE, params).fetchall()
    connection.close()


def ours_open_and_first_page(path: Path, as_of: date) -> None:
    ws = open_workspace(path, read_only=True, clock=fixed_clock(as_of))
    invoices.query_invoices(ws, InvoiceQuery(as_of=as_of, limit=PAGE))
    ws.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    connection = sqlite3.connect(f"file:{args.path}?mode=ro", uri=True)
    as_of = date.fromisoformat(connection.execute("SELECT MAX(issue_date) FROM invoices").fetchone()[0])
    connection.close()

    open_s = timed(args.runs, lambda: ours_open_and_first_page(args.path, as_of))
    raw_open_s = timed(args.runs, lambda: raw(args.path, as_of, ""))
    ws = open_workspace(args.path, read_only=True, clock=fixed_clock(as_of))
    keystroke_s = timed(args.runs, lambda: invoices.query_invoices(ws, InvoiceQuery(as_of=as_of, text="dur")))
    raw_keystroke_s = timed(args.runs, lambda: raw(args.path, as_of, "dur"))
    ws.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"open + first page {open_s:.3f} s (target < 0.5 s); filter keystroke {keystroke_s:.3f} s "
          f"(target < 0.1 s); peak RSS {rss_mb:.0f} MB (target < 400 MB)")
    print(f"BENCH invoices_open_first_page ours_s={open_s:.4f} limit_s={raw_open_s:.4f} "
          f"ratio={open_s / raw_open_s:.2f}")
    print(f"BENCH invoices_filter_keystroke ours_s={keystroke_s:.4f} limit_s={raw_keystroke_s:.4f} "
          f"ratio={keystroke_s / raw_keystroke_s:.2f}")


if __name__ == "__main__":
    main()

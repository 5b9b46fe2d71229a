"""Benchmark: the "À faire" list for every client, next to one hand-written SQL query of the open due invoices.

Usage: python bench/bench_next_steps.py LARGE.encaisse [--as-of YYYY-MM-DD]
(make the file with `python bench/generate.py --keep LARGE.encaisse`).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from common import last_issue_date

from app.services import next_steps
from app.services.clock import fixed_clock
from app.services.workspace import open_workspace

# The most direct way to the raw material of the list: every invoice due on or before the date and still open.
RAW_OPEN_DUE_SQL = """
SELECT id, client_id, due_date, open
FROM (SELECT i.id, i.client_id, i.due_date,
             i.amount_incl_cents - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a
                                    WHERE a.invoice_id = i.id AND a.on_date <= :as_of) AS open
      FROM invoices i WHERE i.kind = 'invoice' AND i.issue_date <= :as_of AND i.due_date <= :as_of)
WHERE open > 0
"""


def raw_open_due(path: Path, as_of: date) -> dict[int, int]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = connection.execute(RAW_OPEN_DUE_SQL, {"as_of": as_of.isoformat()}).fetchall()
    connection.close()
    return {row[0]: row[3] for row in rows}


def interleaved(runs: int, ours: Callable[[], Any], limit: Callable[[], Any]) -> tuple[float, float, Any, Any]:
    """Median seconds of ``runs`` runs of each, after one warm-up run of each, the two taking turns: on a shared
    machine a burst of load then weighs on both sides rather than on one (as when all of one side ran first)."""
    ours_result, limit_result = ours(), limit()
    ours_samples, limit_samples = [], []
    for _ in range(runs):
        start = time.perf_counter()
        ours_result = ours()
        ours_samples.append(time.perf_counter() - start)
        start = time.perf_counter()
        limit_result = limit()
        limit_samples.append(time.perf_counter() - start)
    return statistics.median(ours_samples), statistics.median(limit_samples), ours_result, limit_result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ws = open_workspace(args.path, read_only=True, clock=fixed_clock(date.today()))
    as_of = args.as_of or last_issue_date(args.path)
    ours_s, limit_s, todo, raw = interleaved(args.runs, lambda: next_steps.build_todo(ws, as_of),
                                             lambda: raw_open_due(args.path, as_of))
    ws.close()
    claimed = {(inv.invoice_id, inv.open_cents) for s in todo.suggestions for inv in s.invoices if inv.days_late > 0}
    assert claimed <= set(raw.items()), "a suggestion claims an invoice the raw query does not see open and due"
    kinds = Counter(s.kind.value for s in todo.suggestions)
    print(f"as of {as_of}: {len(todo.suggestions)} suggestions ({dict(kinds)}) over {len(raw)} open due invoices; "
          f"every invoice claimed is open and due by the raw query")
    print(f"BENCH next_steps ours_s={ours_s:.4f} limit_s={limit_s:.4f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main()

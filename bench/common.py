"""What every benchmark shares: a median timing and the large dossier's last invoice date."""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def median_time(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    """Median seconds of ``runs`` runs after one warm-up run (caches filled), and the last result."""
    result = work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def last_issue_date(path: Path) -> date:
    """The generated dossier's as-of date: its latest invoice."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return date.fromisoformat(connection.execute("SELECT MAX(issue_date) FROM invoices").fetchone()[0])
    finally:
        connection.close()

# The most direct way: per client, open amount of each invoice as of the date, bucketed by days past due
# (the fastest form found on SQLite: a correlated sum on the covering allocation index).
RAW_AGING_SQL = """
SELECT client_id,
  SUM(CASE WHEN due_date >= :as_of THEN open ELSE 0 END),
  SUM(CASE WHEN due_date < :as_of AND due_date >= :d30 THEN open ELSE 0 END),
  SUM(CASE WHEN due_date < :d30 AND due_date >= :d60 THEN open ELSE 0 END),
  SUM(CASE WHEN due_date < :d60 AND due_date >= :d90 THEN open ELSE 0 END),
  SUM(CASE WHEN due_date < :d90 THEN open ELSE 0 END)
FROM (SELECT i.client_id, i.due_date,
             i.amount_incl_cents - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a
                                    WHERE a.invoice_id = i.id AND a.on_date <= :as_of) AS open
      FROM invoices i WHERE i.kind = 'invoice' AND i.issue_date <= :as_of)
WHERE open > 0
GROUP BY client_id
"""

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

"""Benchmark: aged balance per client + 24-month DSO series, next to one hand-written SQL GROUP BY.

Usage: python bench/aging.py LARGE.encaisse [--as-of YYYY-MM-DD]
(make the file with `python bench/generate.py --keep LARGE.encaisse`).
"""

from __future__ import annotations

import argparse
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from common import RAW_AGING_SQL, last_issue_date, median_time

from app.services import reports
from app.services.clock import fixed_clock
from app.services.workspace import open_workspace


def raw_buckets(path: Path, as_of: date) -> dict[int, tuple[int, ...]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    params = {"as_of": as_of.isoformat(), **{f"d{days}": (as_of - timedelta(days=days)).isoformat()
                                             for days in (30, 60, 90)}}
    rows = connection.execute(RAW_AGING_SQL, params).fetchall()
    connection.close()
    return {row[0]: tuple(row[1:]) for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ws = open_workspace(args.path, read_only=True, clock=fixed_clock(date.today()))
    as_of = args.as_of or last_issue_date(args.path)

    def ours() -> object:
        return reports.aged_balance(ws, as_of), reports.dso_series(ws, as_of, months=24)

    ours_s, (report, series) = median_time(args.runs, ours)
    limit_s, raw = median_time(args.runs, lambda: raw_buckets(args.path, as_of))
    ws.close()
    mine = {line.client_id: line.buckets for line in report.lines if line.total_cents}
    assert mine == raw, "the service and the raw query disagree"
    print(f"as of {as_of}: {len(report.lines)} clients, total {report.totals.total_cents / 100:,.2f} EUR, "
          f"{len(series)} DSO points; service and raw SQL agree to the cent")
    print(f"BENCH aging_dso ours_s={ours_s:.4f} limit_s={limit_s:.4f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main()

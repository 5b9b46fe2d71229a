"""Benchmark: the dashboard refresh (service + drawing the charts offscreen) next to hand-written SQL doing
the same sums (then the same drawing).

Usage: python bench/dashboard.py LARGE.encaisse [--as-of YYYY-MM-DD]
(make the file with `python bench/generate.py --keep LARGE.encaisse`; it is opened read-only).
"""

from __future__ import annotations

import argparse
import math
import os
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import RAW_AGING_SQL, median_time

from app.domain.periods import add_months, month_ends
from app.services import reports
from app.services.clock import fixed_clock
from app.services.dashboard import Dashboard, dashboard
from app.services.workspace import open_workspace

NOT_DUE_SQL = """
SELECT COALESCE(SUM(i.amount_incl_cents - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a
                                            WHERE a.invoice_id = i.id AND a.on_date <= :d)), 0)
FROM invoices i WHERE i.kind = 'invoice' AND i.due_date >= :d AND i.due_date <= :bound AND i.issue_date <= :d
"""
TERM_SQL = "SELECT MAX(julianday(due_date) - julianday(issue_date)) FROM invoices WHERE kind = 'invoice'"
MONTHS_SQL = [
    "SELECT substr(issue_date, 1, 7), kind, SUM(amount_incl_cents) FROM invoices WHERE issue_date <= :as_of "
    "GROUP BY 1, 2",
    "SELECT substr(on_date, 1, 7), SUM(amount_cents) FROM allocations WHERE on_date <= :as_of GROUP BY 1",
]
DELAYS_SQL = """
SELECT i.client_id, SUM(a.amount_cents), SUM(a.amount_cents * (julianday(a.on_date) - julianday(i.due_date)))
FROM allocations a JOIN invoices i ON i.id = a.invoice_id
WHERE a.kind = 'payment' AND a.on_date > :year_ago AND a.on_date <= :as_of GROUP BY i.client_id
"""
# The key figures' sums over the period: sales, collections, amount-weighted days late, disputed sales,
# write-offs, and the receivables at the period's start.
KPI_SQL = [
    "SELECT kind, SUM(amount_incl_cents) FROM invoices WHERE issue_date BETWEEN :start AND :as_of GROUP BY kind",
    "SELECT kind, SUM(amount_cents) FROM allocations WHERE on_date BETWEEN :start AND :as_of GROUP BY kind",
    "SELECT SUM(a.amount_cents * (julianday(a.on_date) - julianday(i.due_date))), SUM(a.amount_cents) "
    "FROM allocations a JOIN invoices i ON i.id = a.invoice_id WHERE a.kind = 'payment' "
    "AND a.on_date BETWEEN :start AND :as_of",
    "SELECT COALESCE(SUM(i.amount_incl_cents), 0) FROM invoices i WHERE i.kind = 'invoice' "
    "AND i.issue_date BETWEEN :start AND :as_of AND i.id IN (SELECT invoice_id FROM dispute_invoices)",
    "SELECT COALESCE(SUM(i.amount_incl_cents - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocations a "
    "WHERE a.invoice_id = i.id AND a.on_date < :start)), 0) FROM invoices i "
    "WHERE i.kind = 'invoice' AND i.issue_date < :start",
    "SELECT COUNT(*) FROM promises",
]


def raw_sums(path: Path, as_of: date, months: int = 24) -> tuple[dict[int, tuple[int, ...]], list[int]]:
    """Every sum the dashboard shows, each in its most direct SQL; returns the aging rows and not-due sums."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    params = {"as_of": as_of.isoformat(), "year_ago": add_months(as_of, -12).isoformat(),
              "start": (add_months(as_of, -3) + timedelta(days=1)).isoformat(),
              **{f"d{days}": (as_of - timedelta(days=days)).isoformat() for days in (30, 60, 90)}}
    buckets = {row[0]: tuple(row[1:]) for row in connection.execute(RAW_AGING_SQL, params)}
    for statement in MONTHS_SQL + KPI_SQL + [DELAYS_SQL]:
        connection.execute(statement, params).fetchall()
    term = math.ceil(connection.execute(TERM_SQL).fetchone()[0] or 0)
    not_due = [int(connection.execute(NOT_DUE_SQL, {"d": end.isoformat(),
                                                    "bound": (end + timedelta(days=term)).isoformat()}).fetchone()[0])
               for end in month_ends(as_of, months)]
    connection.close()
    return buckets, not_due


class Charts:
    """The three charts on offscreen canvases, at the size the dashboard gives them at 1280×800."""

    def __init__(self) -> None:
        from app.ui.application import create_application
        from app.ui.charts import AgingChart, DsoChart, ForecastChart

        create_application()
        self.aging, self.dso, self.forecast = AgingChart(), DsoChart(), ForecastChart()
        for chart, size in ((self.aging, (560, 500)), (self.dso, (500, 250)), (self.forecast, (500, 250))):
            chart.resize(*size)

    def draw(self, board: Dashboard) -> None:
        self.aging.show_bars(board.bucket_bounds, board.total, board.top_clients)
        self.dso.show_trend(board.dso)
        self.forecast.show_weeks(board.forecast)
        for chart in (self.aging, self.dso, self.forecast):
            chart.draw()  # type: ignore[no-untyped-call]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    connection = sqlite3.connect(f"file:{args.path}?mode=ro", uri=True)
    as_of = args.as_of or date.fromisoformat(connection.execute("SELECT MAX(issue_date) FROM invoices").fetchone()[0])
    connection.close()
    ws = open_workspace(args.path, read_only=True, clock=fixed_clock(as_of))

    service_s, board = median_time(args.runs, lambda: dashboard(ws, as_of))
    assert isinstance(board, Dashboard)
    kpis_s, _report = median_time(args.runs, lambda: reports.key_figures(ws, as_of))
    charts = Charts()
    start = time.perf_counter()
    charts.draw(board)
    first_s = time.perf_counter() - start
    # The charts keep their artists and the glyphs of their texts from one refresh to the next (as the dashboard
    # page does): each timed draw shows figures not drawn before (a week earlier each time), as a refresh does.
    boards = iter([dashboard(ws, as_of - timedelta(days=7 * week)) for week in range(1, args.runs + 2)])
    draw_s, _none = median_time(args.runs, lambda: charts.draw(next(boards)))
    raw_s, raw = median_time(args.runs, lambda: raw_sums(args.path, as_of))
    ws.close()
    assert isinstance(raw, tuple)
    buckets: dict[int, tuple[int, ...]] = raw[0]
    not_due: list[int] = raw[1]
    totals = tuple(sum(row[i] for row in buckets.values()) for i in range(len(board.bucket_bounds)))
    assert totals == board.total.buckets, "the service and the raw query disagree on the aged balance"
    assert not_due == [point.current_cents for point in board.dso], "best possible DSO: not-due sums disagree"
    top = sorted(buckets.values(), key=lambda row: -sum(row))[:10]
    assert [sum(row) for row in top] == [bar.total_cents for bar in board.top_clients]
    ours_s, limit_s = service_s + draw_s, raw_s + draw_s
    print(f"as of {as_of}: {len(buckets)} clients with a balance, total {board.total.total_cents / 100:,.2f} EUR, "
          f"{len(board.dso)} DSO points, cash expected in 4 weeks {board.cash_next_4_weeks / 100:,.2f} EUR; "
          "service and raw SQL agree to the cent")
    print(f"service {service_s:.3f} s (key figures alone {kpis_s:.3f} s), drawing {draw_s:.3f} s "
          f"(the first, building the charts, {first_s:.3f} s), raw SQL {raw_s:.3f} s")
    print(f"BENCH dashboard ours_s={ours_s:.4f} limit_s={limit_s:.4f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main()

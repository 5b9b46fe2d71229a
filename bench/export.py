"""Benchmark: XLSX export of the large dossier's aged balance (5,000 clients), next to a bare openpyxl loop.

Ours: ``exports.export_aged_balance`` end to end (aged balance, company header, styled workbook, atomic
write). The limit: the same aged balance, then its rows appended as plain values to a write-only
openpyxl workbook (no title, no styles, no number formats), which is the least any XLSX export costs.

Usage: python bench/export.py LARGE.encaisse [--as-of YYYY-MM-DD]
(make the file with `python bench/generate.py --keep LARGE.encaisse`).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from common import last_issue_date, median_time
from openpyxl import Workbook, load_workbook

from app.io.tables import aging_amounts, aging_header
from app.services import exports, reports
from app.services.clock import fixed_clock
from app.services.workspace import Workspace, open_workspace

TARGET_S = 3.0


def bare_export(ws: Workspace, as_of: date, path: Path) -> None:
    report = reports.aged_balance(ws, as_of)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Balance")
    sheet.append(aging_header(report.bucket_bounds))
    for line in (*report.lines, report.totals):
        sheet.append([line.account_code, line.client_name, *(cents / 100 for cents in aging_amounts(line))])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ws = open_workspace(args.path, read_only=True, clock=fixed_clock(date.today()))
    as_of = args.as_of or last_issue_date(args.path)
    with tempfile.TemporaryDirectory() as folder:
        ours_path, bare_path = Path(folder) / "ours.xlsx", Path(folder) / "bare.xlsx"
        ours_s = median_time(args.runs, lambda: exports.export_aged_balance(ws, as_of, ours_path, "xlsx"))[0]
        limit_s = median_time(args.runs, lambda: bare_export(ws, as_of, bare_path))[0]
        query_s = median_time(args.runs, lambda: reports.aged_balance(ws, as_of))[0]
        table = exports.aging_export_table(ws, as_of)
        sheet = load_workbook(ours_path, read_only=True).active
        rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        size = ours_path.stat().st_size
    ws.close()
    assert rows == 4 + len(table.rows) + 1, "the workbook does not hold every client"
    print(f"as of {as_of}: {len(table.rows)} clients, {size / 1024:.0f} KiB; aged balance query {query_s:.3f} s, "
          f"workbook (ours) {ours_s - query_s:.3f} s, bare loop {limit_s - query_s:.3f} s; target < {TARGET_S} s")
    assert ours_s < TARGET_S, f"XLSX export took {ours_s:.2f} s (target {TARGET_S} s)"
    print(f"BENCH export_xlsx ours_s={ours_s:.4f} limit_s={limit_s:.4f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main()

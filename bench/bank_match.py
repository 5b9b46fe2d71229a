"""Benchmark: match a 2,000-line statement against the large dossier, next to a raw SQL read of its open invoices.

Usage: python bench/bank_match.py LARGE.encaisse [--lines 2000]
(make the file with `python bench/generate.py --keep LARGE.encaisse`). The statement is built from the dossier:
payments of one invoice with its number in the label, of one invoice by amount and name, of two invoices of a
client, payments from unknown payers, and debits; the bench checks the proposals find the invoices meant.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from common import last_issue_date, median_time

from app.io.import_records import BankLine, ImportKind, ParsedFile, SourceRef
from app.services import bank_import
from app.services.bank_dto import StatementPreview
from app.services.clock import fixed_clock
from app.services.workspace import open_workspace

RAW_OPEN_SQL = """
SELECT i.id, i.client_id, i.due_date, i.amount_incl_cents - i.settled_cents, i.number, c.name
FROM invoices i JOIN clients c ON c.id = i.client_id
WHERE i.kind = 'invoice' AND i.settled_cents < i.amount_incl_cents AND i.issue_date <= :as_of
"""


def raw_open(path: Path, as_of: date) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(RAW_OPEN_SQL, {"as_of": as_of.isoformat()}).fetchall()
    finally:
        connection.close()


def statement(rows: list[tuple[object, ...]], count: int, as_of: date) -> tuple[ParsedFile, dict[str, int]]:
    """``count`` lines drawn from the open invoices; returns the file and, per line meant to match, its invoice."""
    rng = random.Random(7)
    by_client: dict[object, list[tuple[object, ...]]] = {}
    for row in rows:
        by_client.setdefault(row[1], []).append(row)
    picked = rng.sample(rows, count)
    lines, meant = [], {}
    for n, (invoice_id, client_id, _due, open_cents, number, name) in enumerate(picked):
        ref, day = f"bench:{n}", as_of - timedelta(days=n % 5)
        shape = n % 5
        if shape == 0:
            text, payer, cents = f"VIR SEPA FACTURE {number}", "", open_cents
        elif shape == 1:
            text, payer, cents = "VIREMENT", str(name).upper(), open_cents
        elif shape == 2 and len(by_client[client_id]) > 1:
            two = by_client[client_id][:2]
            text, payer, cents = "REGLEMENT", str(name), sum(int(str(r[3])) for r in two)
        elif shape == 3:
            text, payer, cents = "VIR INCONNU", f"Payeur {n}", 1 + n
        else:
            text, payer, cents = "PRLV FOURNISSEUR", "EDF", -(1000 + n)
        if shape in (0, 1):
            meant[ref] = int(str(invoice_id))
        lines.append(BankLine(SourceRef("bench.xml", n + 1), ref, day, day, int(str(cents)),
                              counterparty_name=payer, text=text))
    return ParsedFile(ImportKind.CAMT053, "bench.xml", bank_lines=tuple(lines), statement_date=as_of), meant


def found(preview: StatementPreview, meant: dict[str, int]) -> int:
    hits = 0
    for line in preview.lines:
        best = line.best
        if best is not None and meant.get(line.line.bank_reference) in {i.invoice_id for i in best.invoices}:
            hits += 1
    return hits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    as_of = last_issue_date(args.path)
    ws = open_workspace(args.path, read_only=True, clock=fixed_clock(as_of))
    rows = raw_open(args.path, as_of)
    parsed, meant = statement(rows, args.lines, as_of)
    ours_s, preview = median_time(args.runs, lambda: bank_import.preview_statement(ws, parsed))
    limit_s, _rows = median_time(args.runs, lambda: raw_open(args.path, as_of))
    ws.close()
    hits = found(preview, meant)
    assert hits >= 0.9 * len(meant), f"only {hits} of {len(meant)} lines found their invoice"
    print(f"as of {as_of}: {len(rows)} open invoices, {len(parsed.bank_lines)} lines, "
          f"{hits}/{len(meant)} lines meant for one invoice found it")
    print(f"BENCH bank_match ours_s={ours_s:.4f} limit_s={limit_s:.4f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main()

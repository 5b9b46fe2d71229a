"""Benchmark: a generated 500,000-line FEC imported into a new dossier (preview + apply), next to csv.reader +
executemany of the same rows into a bare SQLite table.

Usage: python bench/import_fec.py [--lines 500000] [--runs 3] [--keep DIR]
The FEC holds 5,000 customers, sales entries of 3 lines (411 / 706 / 44571) and bank receipts of 2 lines
(512 / 411), four receipts in five lettered with their invoice.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from app.services import imports
from app.services.clock import fixed_clock
from app.services.dto import CompanyInput
from app.services.workspace import create_workspace

SIREN = "732829320"
HEADER = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|"
          "PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise")
CLIENTS = 5_000


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def generate(path: Path, lines: int) -> int:
    """Write the FEC; returns the number of entry lines."""
    start = date(2026, 1, 1)
    written = 0
    invoice = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(HEADER + "\n")
        while written + 5 <= lines:
            invoice += 1
            client = invoice % CLIENTS
            aux, name = f"C{client:05d}", f"Client {client:05d}"
            day = start + timedelta(days=invoice % 330)
            text = day.strftime("%Y%m%d")
            ttc = 10_000 + (invoice * 7919) % 900_000
            ht = ttc * 5 // 6
            number = f"F{invoice:07d}"
            letter = f"L{invoice:06d}" if invoice % 5 else ""
            handle.write(f"VT|Ventes|V{invoice}|{text}|411000|Clients|{aux}|{name}|{number}|{text}|Facture|"
                         f"{_amount(ttc)}|0,00|{letter}|{text if letter else ''}|{text}||\n")
            handle.write(f"VT|Ventes|V{invoice}|{text}|706000|Prestations|||{number}|{text}|Facture|0,00|"
                         f"{_amount(ht)}|||{text}||\n")
            handle.write(f"VT|Ventes|V{invoice}|{text}|445710|TVA collectée|||{number}|{text}|Facture|0,00|"
                         f"{_amount(ttc - ht)}|||{text}||\n")
            paid = (day + timedelta(days=30)).strftime("%Y%m%d")
            handle.write(f"BQ|Banque|B{invoice}|{paid}|512000|Banque|||R{invoice}|{paid}|Virement|{_amount(ttc)}|"
                         f"0,00|||{paid}||\n")
            handle.write(f"BQ|Banque|B{invoice}|{paid}|411000|Clients|{aux}|{name}|R{invoice}|{paid}|Virement {number}|"
                         f"0,00|{_amount(ttc)}|{letter}|{paid if letter else ''}|{paid}||\n")
            written += 5
    return written


def direct(fec: Path, target: Path) -> float:
    """The most direct way: csv.reader over the file and one executemany into a bare 18-column table."""
    started = time.perf_counter()
    connection = sqlite3.connect(target)
    connection.execute("CREATE TABLE lines (" + ", ".join(f"c{i} TEXT" for i in range(18)) + ")")
    with fec.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="|")
        next(reader)
        connection.executemany("INSERT INTO lines VALUES (" + ",".join("?" * 18) + ")", reader)
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def ours(fec: Path, dossier: Path) -> tuple[float, str]:
    company = CompanyInput(legal_name="Bench SARL", siren=SIREN)
    ws = create_workspace(dossier, company, clock=fixed_clock(date(2026, 11, 23)))
    try:
        started = time.perf_counter()
        preview = imports.preview_import(ws, fec)
        previewed = time.perf_counter() - started
        result = imports.apply_import(ws, preview, backup=False)
        elapsed = time.perf_counter() - started
    finally:
        ws.close()
    detail = (f"preview {previewed:.2f} s, apply {elapsed - previewed:.2f} s: {result.created} created, "
              f"{len(preview.refused)} refused")
    return elapsed, detail


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3, help="rounds of (reference, ours); the medians are compared")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the FEC and the dossier in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="encaisse-fec-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ENCAISSE_HOME", str(folder / "home"))
    fec = folder / f"{SIREN}FEC20261231.txt"
    count = generate(fec, args.lines)
    print(f"FEC: {count:,} lines, {fec.stat().st_size / 1e6:.0f} MB ({fec})")
    # Both sides run on this interpreter; ours is mostly Python, the reference mostly C: a CPython built without
    # PGO/LTO (pyenv's default) makes the ratio about 10 % worse than a distribution's or python.org's build.
    print(f"Python {sys.version.split()[0]} at {sys.executable}")
    limits, ours_runs = [], []
    for _round in range(args.runs):  # interleaved: both sides see the same moments of a noisy machine
        for stale in (folder / "bench.encaisse", folder / "bench.encaisse.lock", folder / "direct.sqlite"):
            stale.unlink(missing_ok=True)
        limits.append(direct(fec, folder / "direct.sqlite"))
        ours_runs.append(ours(fec, folder / "bench.encaisse"))
        print(f"  reference {limits[-1]:.2f} s, Encaisse {ours_runs[-1][0]:.2f} s ({ours_runs[-1][1]})")
    limit_s = statistics.median(limits)
    ours_s, detail = sorted(ours_runs)[len(ours_runs) // 2]
    print(f"csv.reader + executemany into a bare table: {limit_s:.2f} s (median of {args.runs})")
    print(f"Encaisse import (preview + apply, one transaction): {ours_s:.2f} s (median of {args.runs}: {detail}); "
          "budget 20 s")
    print(f"BENCH import_fec ours_s={ours_s:.4f} limit_s={limit_s:.4f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main()

"""Times the large demo dossier against raw sqlite3 executemany of the same rows into the same schema."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.services.demo import DEMO_COMPANY, LARGE_SIZE, TABLE_ORDER, create_demo_dossier, generate_rows, read_ladders
from app.services.workspace import create_workspace

AS_OF = date(2026, 6, 30)


def _sql_value(value: Any) -> Any:
    """What SQLAlchemy's SQLite dialect stores for a Python value (dates as ISO text)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _tuples(rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    columns = list(rows[0])
    return columns, [tuple(_sql_value(row[column]) for column in columns) for row in rows]


def time_ours(path: Path, as_of: date) -> float:
    start = time.perf_counter()
    create_demo_dossier(path, as_of=as_of, large=True)
    return time.perf_counter() - start


def time_limit(folder: Path, as_of: date) -> tuple[float, float, int]:
    """Raw executemany of the same generated rows into an empty dossier: (insert s, generate s, rows)."""
    path = folder / "limit.encaisse"
    workspace = create_workspace(path, DEMO_COMPANY)
    with workspace.dossier.reading() as session:
        ladders = read_ladders(session)
    workspace.close()
    start = time.perf_counter()
    rows = generate_rows(as_of=as_of, size=LARGE_SIZE, seed=7, ladders=ladders)
    generate_s = time.perf_counter() - start
    prepared = {name: _tuples(rows[name]) for name in TABLE_ORDER if rows[name]}
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    connection.execute("BEGIN")
    for name, (columns, values) in prepared.items():
        marks = ", ".join("?" * len(columns))
        connection.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", values)
    connection.execute("COMMIT")
    insert_s = time.perf_counter() - start
    connection.close()
    return insert_s, generate_s, sum(len(values) for _columns, values in prepared.values())


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, help="write the large dossier here and keep it")
    parser.add_argument("--keep", type=Path, help="same as path: keep the generated dossier there")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF, help="last day of the data")
    args = parser.parse_args(argv)
    kept: Path | None = args.keep or args.path
    with tempfile.TemporaryDirectory(prefix="encaisse-bench-") as scratch:
        target = kept or Path(scratch) / "large.encaisse"
        ours_s = time_ours(target, args.as_of)
        limit_s, generate_s, row_count = time_limit(Path(scratch), args.as_of)
    print(f"rows={row_count} as_of={args.as_of.isoformat()} generate_s={generate_s:.2f} (of ours)")
    print(f"dossier {target.resolve()}" + ("" if kept else " (temporary, removed)"))
    print(f"BENCH generate_large ours_s={ours_s:.2f} limit_s={limit_s:.2f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])

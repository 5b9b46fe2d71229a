"""Large reads made cheap: rows as plain values, without building SQLAlchemy's Row objects."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable, Select, func, select
from sqlalchemy.orm import Session


def plain_rows(session: Session, statement: Executable) -> Sequence[tuple[Any, ...]]:
    """The rows of ``statement`` as the driver's own tuples, for reads of thousands of rows whose values the
    caller converts itself: no result processing, so SQLite gives dates as ISO text and booleans as 0/1.

    SQLAlchemy's Row objects and their processors cost about as much as the query itself on such reads."""
    result = session.connection().execute(statement)
    try:
        rows: Sequence[tuple[Any, ...]] = result.cursor.fetchall()
        return rows
    finally:
        result.close()


def packed_rows(session: Session, statement: Select[*tuple[Any, ...]]) -> list[list[Any]]:
    """The rows of ``statement`` (tens of thousands, of numbers, text and nulls) as lists of plain values, SQLite
    packing them into one JSON array that Python's C decoder unpacks.

    The whole search then runs in one step of the driver, which releases Python's lock meanwhile (a read on
    another thread really runs beside Python work, instead of taking the lock back row by row), and the packed
    read costs less than fetching the rows one by one."""
    rows = statement.subquery("packed")
    text = session.connection().execute(select(func.json_group_array(func.json_array(*rows.c)))).scalar_one()
    found: list[list[Any]] = json.loads(text)
    return found

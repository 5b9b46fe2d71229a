"""Large reads as the driver returns them: plain tuples, without building SQLAlchemy's Row objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session


def plain_rows(session: Session, statement: Executable) -> Sequence[tuple[Any, ...]]:
    """The rows of ``statement`` as the driver's own tuples, for reads of tens of thousands of rows whose values
    the caller converts itself: no result processing, so SQLite gives dates as ISO text and booleans as 0/1.

    SQLAlchemy's Row objects and their processors cost about as much as the query itself on such reads."""
    result = session.connection().execute(statement)
    try:
        rows: Sequence[tuple[Any, ...]] = result.cursor.fetchall()
        return rows
    finally:
        result.close()

"""The clock services receive, so that every date-dependent result can be pinned in tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

Clock = Callable[[], date]


def system_clock() -> date:
    return date.today()


def fixed_clock(day: date) -> Clock:
    """A clock that always says ``day``."""
    return lambda: day

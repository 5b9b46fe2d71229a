"""Calendar helpers: month starts and ends, month arithmetic, trailing periods."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Period:
    """A closed range of days ``start..end`` (both included)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends before it starts: {self.start} > {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def trailing_days(as_of: date, days: int) -> Period:
    """The ``days`` days ending on ``as_of`` included."""
    return Period(as_of - timedelta(days=days - 1), as_of)


def month_ends(as_of: date, count: int) -> list[date]:
    """The last ``count`` month ends up to ``as_of``, oldest first; the current month ends at ``as_of``."""
    ends = [as_of]
    cursor = month_start(as_of)
    for _ in range(count - 1):
        cursor = add_months(cursor, -1)
        ends.append(month_end(cursor))
    return list(reversed(ends))

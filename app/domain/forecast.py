"""Cash-in forecast: when open invoices should be paid, given each client's own payment habits.

A client's habit is its average delay (payment date − due date, in days), weighted by the amounts it
paid over the last months. An open invoice is expected on its due date shifted by that delay; when the
expected date has already passed, the money is expected in the first week (it is late, not lost).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

WEEKS = 12


@dataclass(frozen=True, slots=True)
class PaidAmount:
    """``cents`` of an invoice due on ``due_date`` paid by client ``client_id`` on ``paid_on``."""

    client_id: int
    due_date: date
    paid_on: date
    cents: int


@dataclass(frozen=True, slots=True)
class OpenAmount:
    """``cents`` still open on an invoice of client ``client_id`` due on ``due_date``."""

    client_id: int
    due_date: date
    cents: int


@dataclass(frozen=True, slots=True)
class ForecastWeek:
    """Cash expected from ``start`` to ``end`` (both included)."""

    start: date
    end: date
    cents: int


def average_delays(paid: Iterable[PaidAmount]) -> dict[int, float]:
    """client_id → amount-weighted average of (payment date − due date) in days; negative = pays early.

    Example: 100 € paid 10 days late and 300 € paid 2 days early → (100×10 + 300×(−2)) ÷ 400 = 1.0 day.
    Clients without a positive paid amount are absent (no habit known: expected on the due date).
    """
    weighted: dict[int, int] = {}
    amounts: dict[int, int] = {}
    for item in paid:
        if item.cents <= 0:
            continue
        weighted[item.client_id] = weighted.get(item.client_id, 0) + item.cents * (item.paid_on - item.due_date).days
        amounts[item.client_id] = amounts.get(item.client_id, 0) + item.cents
    return {client: weighted[client] / amounts[client] for client in amounts}


def expected_date(due_date: date, delay_days: float) -> date:
    """The due date shifted by the delay, rounded to the nearest day (half away from zero)."""
    return due_date + timedelta(days=_shift(delay_days))


def _shift(delay_days: float) -> int:
    return int(abs(delay_days) + 0.5) * (1 if delay_days >= 0 else -1)


def week_index(expected: date, as_of: date, weeks: int = WEEKS) -> int | None:
    """0-based week of ``expected`` counted from ``as_of`` (week 0 = as_of … as_of + 6 days).

    Dates before ``as_of`` fall in week 0; dates after the last week give None.
    """
    index = max(0, (expected - as_of).days // 7)
    return index if index < weeks else None


def weekly_forecast(items: Iterable[OpenAmount], delays: Mapping[int, float], as_of: date,
                    weeks: int = WEEKS) -> list[ForecastWeek]:
    """Cash expected in each of the ``weeks`` weeks starting on ``as_of``, from the open amounts."""
    return weekly_sums(((item.client_id, item.due_date, item.cents) for item in items), delays, as_of, weeks)


def weekly_sums(amounts: Iterable[tuple[int, date, int]], delays: Mapping[int, float], as_of: date,
                weeks: int = WEEKS) -> list[ForecastWeek]:
    """:func:`weekly_forecast` of (client_id, due date, cents) triples.

    Tens of thousands of open invoices share a few thousand clients and due dates: each client's shift in days
    and each due date's distance to ``as_of`` are worked out once (the week of an expected date is
    :func:`week_index` of the due date shifted by :func:`expected_date`).
    """
    sums = [0] * weeks
    shifts: dict[int, int] = {}
    offsets: dict[date, int] = {}
    for client_id, due_date, cents in amounts:
        shift = shifts.get(client_id)
        if shift is None:
            shift = shifts[client_id] = _shift(delays.get(client_id, 0.0))
        offset = offsets.get(due_date)
        if offset is None:
            offset = offsets[due_date] = (due_date - as_of).days
        index = max(0, offset + shift) // 7
        if index < weeks:
            sums[index] += cents
    return [ForecastWeek(as_of + timedelta(days=7 * i), as_of + timedelta(days=7 * i + 6), cents)
            for i, cents in enumerate(sums)]

"""Per-client sums of settlements over a span of days, read from the monthly sums the triggers keep (revision
0009) for whole months and from the allocations for the days at either end: a year of payments of a large
dossier costs a few thousand rows instead of a hundred thousand."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from app.domain.periods import add_months, month_end, month_start
from app.domain.records import SettlementKind
from app.models import Allocation, PaymentHabit
from app.services.reports import driver_rows


@dataclass(slots=True)
class Habit:
    """A client's settlements over a span: cents, cents × days past due (signed) and cents × days late (≥ 0)."""

    cents: int = 0
    weighted_days: int = 0
    late_weighted_days: int = 0

    def add(self, cents: int, weighted: int, late: int) -> None:
        self.cents += cents
        self.weighted_days += weighted
        self.late_weighted_days += late


def habits(session: Session, start: date, end: date, kinds: Sequence[SettlementKind],
           client_ids: Collection[int] | None = None) -> dict[int, Habit]:
    """client_id → its allocations of ``kinds`` dated from ``start`` to ``end`` (both included), summed."""
    sums: dict[int, Habit] = {}
    first, last = _whole_months(start, end)
    if first <= last:
        for client_id, cents, weighted, late in driver_rows(session, _monthly(first, last, kinds, client_ids)):
            sums.setdefault(client_id, Habit()).add(int(cents), int(weighted), int(late))
        edges = [(start, first - timedelta(days=1)), (last + timedelta(days=1), end)]
    else:
        edges = [(start, end)]
    for since, until in edges:
        if since <= until:
            for client_id, cents, weighted, late in driver_rows(session, _daily(since, until, kinds, client_ids)):
                sums.setdefault(client_id, Habit()).add(int(cents), int(weighted), int(late))
    return sums


def average_delays(session: Session, start: date, end: date, kinds: Sequence[SettlementKind],
                   client_ids: Collection[int] | None = None, late_only: bool = False) -> dict[int, float]:
    """client_id → amount-weighted average of days past due (``late_only``: days late, early counting 0) of
    its settlements of ``kinds`` from ``start`` to ``end``; clients without a positive amount are absent."""
    return {client_id: (habit.late_weighted_days if late_only else habit.weighted_days) / habit.cents
            for client_id, habit in habits(session, start, end, kinds, client_ids).items() if habit.cents > 0}


def client_delays(session: Session, as_of: date, months: int = 12) -> dict[int, float]:
    """client_id → average delay in days of its payments over the last ``months`` months up to ``as_of``,
    weighted by amounts (:func:`app.domain.forecast.average_delays`)."""
    return average_delays(session, add_months(as_of, -months) + timedelta(days=1), as_of, [SettlementKind.PAYMENT])


def _whole_months(start: date, end: date) -> tuple[date, date]:
    """The first day of the first whole month within ``start``..``end`` and the last day of the last one
    (the first after the second when there is none)."""
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last = end if end == month_end(end) else month_start(end) - timedelta(days=1)
    return first, last


def _monthly(first: date, last: date, kinds: Sequence[SettlementKind], client_ids: Collection[int] | None
             ) -> Select[int, int, int, int]:
    conditions = [PaymentHabit.month.between(first.isoformat()[:7], last.isoformat()[:7]),
                  PaymentHabit.kind.in_([kind.value for kind in kinds])]
    if client_ids is not None:
        conditions.append(PaymentHabit.client_id.in_(client_ids))
    return (select(PaymentHabit.client_id, func.sum(PaymentHabit.cents), func.sum(PaymentHabit.weighted_days),
                   func.sum(PaymentHabit.late_weighted_days))
            .where(*conditions).group_by(PaymentHabit.client_id))


def _daily(since: date, until: date, kinds: Sequence[SettlementKind], client_ids: Collection[int] | None
             ) -> Select[int, int, int, int]:
    """The same sums from the allocations themselves (their client and due-date copies), for a few days."""
    days = func.round(func.julianday(Allocation.on_date) - func.julianday(Allocation.due_date))
    conditions = [Allocation.kind.in_(list(kinds)), Allocation.on_date >= since, Allocation.on_date <= until]
    if client_ids is not None:
        conditions.append(Allocation.client_id.in_(client_ids))
    return (select(Allocation.client_id, func.sum(Allocation.amount_cents), func.sum(Allocation.amount_cents * days),
                   func.sum(case((days > 0, Allocation.amount_cents * days), else_=0)))
            .where(*conditions).group_by(Allocation.client_id))

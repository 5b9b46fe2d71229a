"""Days sales outstanding (DSO): accounting method, countback method and best possible DSO, monthly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.records import MonthFigures


def dso_accounting(receivables_cents: int, sales_cents: int, days: int) -> float | None:
    """Accounting DSO in days: ``receivables ÷ sales × days``.

    Receivables and sales incl. tax, in cents; ``days`` is the length of the sales period.
    None when sales are 0 or negative (credit notes exceeding invoices): no meaningful DSO.
    """
    if sales_cents <= 0:
        return None
    return receivables_cents / sales_cents * days


def best_possible_dso(current_cents: int, sales_cents: int, days: int) -> float | None:
    """Best possible DSO in days: ``current (not yet due) receivables ÷ sales × days``.

    What DSO would be if every overdue invoice were paid. None when sales are 0 or negative.
    """
    return dso_accounting(current_cents, sales_cents, days)


def dso_countback(months: Sequence[MonthFigures]) -> float | None:
    """Countback DSO in days (épuisement du chiffre d'affaires), months given oldest first.

    Start from the last month's receivables; walking backwards, while they exceed a month's
    sales subtract those sales and add the month's full days; then add the remaining fraction
    ``remaining ÷ sales × days`` of the month that exhausts them. Example: receivables 150 at
    the end of a 30-day month with sales 100, preceded by a 31-day month with sales 80 →
    30 + 50/80 × 31 days.
    0.0 when the last receivables are 0 or negative; None when there are no months or the
    history runs out before the receivables are exhausted (the true DSO is longer than it).
    """
    if not months:
        return None
    remaining = months[-1].receivables_cents
    if remaining <= 0:
        return 0.0
    total_days = 0.0
    for month in reversed(months):
        # remaining > 0 here, so reaching the else branch implies sales_cents > 0.
        if remaining > month.sales_cents:
            remaining -= month.sales_cents
            total_days += month.days
        else:
            return total_days + remaining / month.sales_cents * month.days
    return None


@dataclass(frozen=True, slots=True)
class DsoPoint:
    """DSO figures at one month end, in days; None where the formula has no answer."""

    month_end: date
    accounting: float | None
    countback: float | None
    best_possible: float | None


def dso_series(months: Sequence[MonthFigures], window_months: int = 3) -> list[DsoPoint]:
    """One :class:`DsoPoint` per month (oldest first).

    Accounting and best possible DSO use the month's receivables against the sales and days of
    the trailing ``window_months`` months ending with it; at the start of the history the window
    is shorter (the months available), its days shrinking accordingly. Countback uses the whole
    history up to that month.
    """
    if window_months < 1:
        raise ValueError(f"window_months must be at least 1, got {window_months}")
    points = []
    for i, month in enumerate(months):
        window = months[max(0, i - window_months + 1) : i + 1]
        sales = sum(m.sales_cents for m in window)
        days = sum(m.days for m in window)
        points.append(
            DsoPoint(
                month_end=month.month_end,
                accounting=dso_accounting(month.receivables_cents, sales, days),
                countback=dso_countback(months[: i + 1]),
                best_possible=best_possible_dso(month.current_cents, sales, days),
            )
        )
    return points

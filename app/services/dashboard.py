"""The dashboard (tableau de bord) in one call: key figures, aged balance by bucket and top clients, the DSO
trend with the best possible DSO of every month, and the 12-week cash-in forecast."""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.domain import aging, dso
from app.domain.forecast import WEEKS, ForecastWeek, PaidAmount, weekly_sums
from app.domain.kinds import InvoiceKind
from app.domain.periods import add_months, month_ends
from app.domain.records import MonthFigures, SettlementKind
from app.i18n import N_, _
from app.models import Allocation, Client, Invoice, SettlementFlow
from app.services import reports
from app.services.dto import Kpi, KpiReport
from app.services.gc_pause import collector_paused
from app.services.payment_habits import client_delays
from app.services.queries import settled_on
from app.services.settings import AGING_LIMITS, DSO_WINDOW_MONTHS, read_setting
from app.services.workspace import Workspace

T = TypeVar("T")
TOP_CLIENTS = 10
HABIT_MONTHS = 12  # a client's payment habit is read from its payments of the last 12 months
CASH_KPI = "cash_next_4_weeks"
CASH_LABEL = N_("Cash expected in 4 weeks")
CASH_FORMULA = N_("Open invoices expected in the next 4 weeks: each due date shifted by the client's average "
                  "delay over its payments of the last 12 months (weighted by amounts); late ones count "
                  "in the first week.")


@dataclass(frozen=True, slots=True)
class AgingBar:
    """One bar of the aged-balance chart: a client (or the total, ``client_id`` None) split by bucket."""

    client_id: int | None
    account_code: str
    client_name: str
    buckets: tuple[int, ...]
    total_cents: int


@dataclass(frozen=True, slots=True)
class DsoTrendPoint:
    """DSO at one month end in days (None where there is no answer); ``current_cents`` is what was not yet
    due then, from which the best possible DSO is computed."""

    month_end: date
    accounting: float | None
    countback: float | None
    best_possible: float | None
    current_cents: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the dashboard shows as of ``as_of``.

    Attributes:
        kpis: the key figures, ``cash_next_4_weeks`` last.
        bucket_bounds: days-past-due bounds of the aging buckets (None = open end), as in AgingReport.
        total: the whole aged balance as one bar; ``top_clients``: the largest open balances, largest first.
        dso: one point per month, oldest first, the last one at ``as_of``.
        forecast: cash expected per week, 12 weeks starting on ``as_of``.
    """

    as_of: date
    kpis: KpiReport
    bucket_bounds: tuple[tuple[int | None, int | None], ...]
    total: AgingBar
    top_clients: tuple[AgingBar, ...]
    dso: tuple[DsoTrendPoint, ...]
    forecast: tuple[ForecastWeek, ...]
    cash_next_4_weeks: int


def dashboard(ws: Workspace, as_of: date, months: int = 24, period_months: int | None = None) -> Dashboard:
    """The dashboard's figures on ``as_of``: key figures over ``period_months`` months (default: the DSO
    window setting) and ``months`` months of DSO trend.

    The independent reads (open items and key figures; the daily flows with the trend's not-yet-due
    amounts; payment habits) run side by side, each on its own connection: SQLite lets readers work at once
    and releases Python's lock while it sums, so a large dossier's dashboard takes about half the time. No
    task waits for another inside the pool (a waiting worker would hold one of the two).
    """
    with collector_paused():
        return _dashboard(ws, as_of, months, period_months)


def _dashboard(ws: Workspace, as_of: date, months: int, period_months: int | None) -> Dashboard:
    count = max(months + 12, reports.COUNTBACK_MONTHS)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dashboard") as pool:
        daily = pool.submit(_reading, ws, lambda session: _flows_and_not_due(session, as_of, months))
        delays = pool.submit(_reading, ws, lambda session: client_delays(session, as_of, HABIT_MONTHS))
        with ws.dossier.reading() as session:
            limits = aging.BucketLimits(tuple(read_setting(session, AGING_LIMITS)))
            window = int(read_setting(session, DSO_WINDOW_MONTHS))
            items = reports.open_rows(session, as_of)
            balance = aging.aged_balance_of(items, as_of, limits)
            top = sorted(balance.rows, key=lambda row: -row.total_cents)[:TOP_CLIENTS]
            names = _names(session, [row.client_id for row in top if row.client_id is not None])
            flows, not_due = daily.result()
            figures = reports.month_figures(session, as_of, count, 0, flows)
            # All open cents and those not yet due (bucket 0: due on or after as_of) are the aged balance's.
            open_cents = (balance.totals.total_cents, balance.totals.buckets[0])
            kpi_report = reports.key_figures_in(session, as_of, open_cents, period_months,
                                                figures[-reports.COUNTBACK_MONTHS:], flows)
        weeks = weekly_sums(((client_id, due, cents) for client_id, due, cents, _disputed in items), delays.result(),
                            as_of, WEEKS)
        trend_points = _dso_trend(figures, months, window, not_due)
    cash = sum(week.cents for week in weeks[:4])
    cash_kpi = Kpi(CASH_KPI, _(CASH_LABEL), cash, "cents", _(CASH_FORMULA), as_of, as_of + timedelta(days=27))
    totals = balance.totals
    return Dashboard(
        as_of,
        KpiReport(as_of, (*kpi_report.kpis, cash_kpi)),
        tuple(aging.bucket_bounds(limits)),
        AgingBar(None, "", "", totals.buckets, totals.total_cents),
        tuple(AgingBar(row.client_id, *names[row.client_id], row.buckets, row.total_cents)
              for row in top if row.client_id is not None),
        tuple(trend_points),
        tuple(weeks),
        cash,
    )


def _flows_and_not_due(session: Session, as_of: date, months: int) -> tuple[reports.Flows, dict[date, int]]:
    """The daily flows, and the trend's not-yet-due amounts from the invoice pairs they hold."""
    flows = reports.flows(session, as_of)
    return flows, not_yet_due_on(session, month_ends(as_of, months), flows.invoiced_pairs)


def _reading(ws: Workspace, work: Callable[[Session], T]) -> T:
    with ws.dossier.reading() as session:
        return work(session)


def _names(session: Session, client_ids: list[int]) -> dict[int, tuple[str, str]]:
    if not client_ids:
        return {}
    statement = select(Client.id, Client.account_code, Client.name).where(Client.id.in_(client_ids))
    return {client_id: (code, name) for client_id, code, name in session.execute(statement)}


def not_yet_due_cents(session: Session, day: date, longest_term_days: int | None = None) -> int:
    """Open cents on ``day`` of invoices due on or after it: the aging's "not due" bucket.

    Only invoices due on or after ``day`` are read (the kind/due-date covering index), each open amount
    probed on the allocations' covering index. ``longest_term_days`` (see :func:`longest_term_days`)
    bounds the due dates worth reading: an invoice issued by ``day`` is due by ``day`` + that term.
    """
    conditions = [Invoice.kind == InvoiceKind.INVOICE, Invoice.due_date >= day, Invoice.issue_date <= day]
    if longest_term_days is not None:
        conditions.append(Invoice.due_date <= day + timedelta(days=longest_term_days))
    statement = select(func.coalesce(func.sum(Invoice.amount_incl_cents - settled_on(day)), 0)).where(*conditions)
    return int(session.scalar(statement) or 0)


def not_yet_due_on(session: Session, days: Sequence[date],
                   invoiced_pairs: Iterable[tuple[date, date, int]] | None = None) -> dict[date, int]:
    """:func:`not_yet_due_cents` on each of ``days`` (sorted) in a few grouped reads instead of one query per day.

    Not yet due on a day d = what invoices issued by d and due on or after it amount to − what was settled on
    them by d. The first part is summed per (due, issue) pair along the invoices' due-date index (or taken
    from ``invoiced_pairs``, :attr:`app.services.reports.Flows.invoiced_pairs` read up to the last day or
    later); each pair adds to the few days between its two dates. The second only concerns settlements made by
    their invoice's due date (an allocation is never dated before its invoice): those made by d less those due
    before d, from the running sums the triggers keep by date and by due date (two partial indexes).
    """
    if not days:
        return {}
    first, last = days[0], days[-1]
    totals = dict.fromkeys(days, 0)
    if invoiced_pairs is None:
        invoiced_pairs = [(due, issued, int(cents)) for due, issued, cents in session.execute(
            select(Invoice.due_date, Invoice.issue_date, func.sum(Invoice.amount_incl_cents))
            .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.due_date >= first, Invoice.issue_date <= last)
            .group_by(Invoice.due_date, Invoice.issue_date))]
    for until, since, cents in invoiced_pairs:
        for day in days[bisect_left(days, since):bisect_right(days, until)]:
            totals[day] += int(cents)
    # Settlements due before the first day are counted in both sums of every day: they are left out of both.
    early = (SettlementFlow.on_date <= SettlementFlow.due_date, SettlementFlow.due_date >= first)
    for column, bound, later, sign in ((SettlementFlow.on_date, SettlementFlow.on_date <= last, bisect_left, -1),
                                       (SettlementFlow.due_date, SettlementFlow.due_date < last, bisect_right, 1)):
        statement = select(type_coerce(column, String), func.sum(SettlementFlow.cents)).where(
            *early, bound).group_by(column)
        for when, cents in reports.driver_rows(session, statement):
            # made by d: every day from its date on; due before d: every day after its due date.
            for day in days[later(days, reports.day(when)):]:
                totals[day] += sign * int(cents)
    return totals


def longest_term_days(session: Session) -> int:
    """The longest span between an invoice's issue and due dates, in days (0 without invoices)."""
    span = func.julianday(Invoice.due_date) - func.julianday(Invoice.issue_date)
    value = session.scalar(select(func.max(span)).where(Invoice.kind == InvoiceKind.INVOICE))
    return max(0, math.ceil(value or 0))


def _dso_trend(figures: list[MonthFigures], months: int, window: int, current: dict[date, int]) -> list[DsoTrendPoint]:
    """The last ``months`` points of DSO from ``figures`` (which start earlier: countback walks back until
    receivables are used up), with each month's not-yet-due amount (``current``) for the best possible DSO."""
    shown = len(figures) - months
    figures = [*figures[:shown], *(dataclasses.replace(month, current_cents=current[month.month_end])
                                   for month in figures[shown:])]
    points = dso.dso_series(figures, window)[shown:]
    return [DsoTrendPoint(point.month_end, point.accounting, point.countback, point.best_possible,
                          month.current_cents)
            for point, month in zip(points, figures[shown:], strict=True)]


def paid_amounts(session: Session, as_of: date) -> list[PaidAmount]:
    """The payments :func:`client_delays` sums, one by one (tests compare both)."""
    statement = (
        select(Invoice.client_id, Invoice.due_date, Allocation.on_date, Allocation.amount_cents)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(Allocation.kind == SettlementKind.PAYMENT, Allocation.on_date > add_months(as_of, -HABIT_MONTHS),
               Allocation.on_date <= as_of)
    )
    return [PaidAmount(client_id, due_date, on_date, int(cents))
            for client_id, due_date, on_date, cents in session.execute(statement)]

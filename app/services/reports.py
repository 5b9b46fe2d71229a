"""Figures as of a date: the aged balance, monthly receivable flows, the DSO series and the key figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.domain import aging, dso, kpis
from app.domain.kinds import InvoiceKind
from app.domain.periods import Period, add_months, month_ends, month_start
from app.domain.records import MonthFigures, OpenItem, PaymentFacts, PromiseFacts, SettlementKind
from app.models import Allocation, Client, Invoice, InvoiceFlow, Payment, Promise, SettlementFlow, dispute_invoices
from app.services.dto import AgingLine, AgingReport, DsoPointView, KpiReport
from app.services.gc_pause import collector_paused
from app.services.kpi_labels import kpi_view
from app.services.queries import (
    disputed_invoice_ids,
    open_invoices,
    settled_on,
    unallocated_credit_by_client,
)
from app.services.settings import AGING_LIMITS, DSO_WINDOW_MONTHS, PROMISE_GRACE_DAYS, read_setting
from app.services.workspace import Workspace


def open_items(session: Session, as_of: date) -> list[OpenItem]:
    """Every invoice open on ``as_of`` with its due date and whether it is disputed then."""
    return [OpenItem(*row) for row in open_rows(session, as_of)]


def open_rows(session: Session, as_of: date) -> list[tuple[int, date, int, bool]]:
    """:func:`open_items` as (client_id, due date, open cents, disputed) tuples.

    Tens of thousands of rows on a large dossier: due dates are read as text and parsed here (the dialect's
    date processing costs more than the query), the rows straight from the database's cursor (SQLAlchemy's
    own rows would double the time)."""
    disputed = disputed_invoice_ids(session, as_of)
    amounts = open_invoices(as_of).subquery("open_amounts")
    statement = select(amounts.c.id, amounts.c.client_id, type_coerce(amounts.c.due_date, String),
                       amounts.c.open_cents)
    return [(client_id, day(due_date), int(open_cents), invoice_id in disputed)
            for invoice_id, client_id, due_date, open_cents in driver_rows(session, statement)]


def driver_rows(session: Session, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` as plain tuples from the driver's cursor, on the session's connection (same
    transaction); dates given as parameters are passed as the ISO text the dialect stores."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    values = [_stored(params[name]) for name in compiled.positiontup or ()]
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        return list(cursor.execute(str(compiled), values).fetchall())
    finally:
        cursor.close()


def _stored(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def aged_balance(ws: Workspace, as_of: date, limits: Sequence[int] | None = None) -> AgingReport:
    """The balance âgée per client on ``as_of``, with disputed amounts and unallocated credits apart."""
    with collector_paused(), ws.dossier.reading() as session:
        bucket_limits = aging.BucketLimits(tuple(limits or read_setting(session, AGING_LIMITS)))
        balance = aging.aged_balance_of(open_rows(session, as_of), as_of, bucket_limits)
        open_by_client = {row.client_id: row.total_cents for row in balance.rows if row.client_id is not None}
        credits = unallocated_credit_by_client(session, as_of, open_by_client)
        wanted = {row.client_id for row in balance.rows} | set(credits)
        names = {
            client_id: (code, name)
            for client_id, code, name in session.execute(select(Client.id, Client.account_code, Client.name))
            if client_id in wanted
        }
    return _report(balance, credits, names)


def _report(balance: aging.AgedBalance, credits: dict[int, int],
            names: dict[int, tuple[str, str]]) -> AgingReport:
    empty = (0,) * balance.limits.count
    rows = {row.client_id: row for row in balance.rows}
    # Clients with only credits (overpaid) still appear: they lower the net total and must be seen.
    order = [row.client_id for row in balance.rows] + sorted(set(credits) - set(rows))
    lines = []
    for client_id in order:
        assert client_id is not None
        row = rows.get(client_id) or aging.AgingRow(client_id, empty, 0, 0)
        code, name = names[client_id]
        credit = credits.get(client_id, 0)
        lines.append(AgingLine(client_id, code, name, row.buckets, row.total_cents, row.disputed_cents, credit,
                               row.total_cents - credit))
    total_credit = sum(credits.values())
    totals = balance.totals
    return AgingReport(
        balance.as_of, tuple(aging.bucket_bounds(balance.limits)), tuple(lines),
        AgingLine(None, "", "", totals.buckets, totals.total_cents, totals.disputed_cents, total_credit,
                  totals.total_cents - total_credit),
    )


def _months(days: dict[date, int]) -> dict[tuple[int, int], int]:
    """Sums per (year, month) of sums per day."""
    months: dict[tuple[int, int], int] = {}
    for day, total in days.items():
        key = (day.year, day.month)
        months[key] = months.get(key, 0) + total
    return months


@dataclass(frozen=True, slots=True)
class Flows:
    """Cents per day up to ``as_of``: invoices and credit notes issued, allocations dated (all kinds); and
    the invoices issued by ``as_of`` per (due date, issue date) pair, which the not-yet-due amounts of any
    earlier day derive from (app.services.dashboard.not_yet_due_on)."""

    as_of: date
    invoiced: dict[date, int]
    credited: dict[date, int]
    settled: dict[date, int]
    invoiced_pairs: list[tuple[date, date, int]]

    def receivables_on(self, day: date) -> int:
        """:func:`receivables_on` for a ``day`` up to ``as_of``, from the same sums (no second read)."""
        assert day <= self.as_of
        return (sum(cents for on, cents in self.invoiced.items() if on <= day)
                - sum(cents for on, cents in self.settled.items() if on <= day))

    def between(self, days: dict[date, int], period: Period) -> int:
        """The cents of ``days`` (one of the sums above) within ``period``, which ends by ``as_of``."""
        assert period.end <= self.as_of
        return sum(cents for on, cents in days.items() if period.start <= on <= period.end)


def flows(session: Session, as_of: date) -> Flows:
    """The daily sums month figures and receivables at any earlier day derive from.

    Read from the running sums the triggers keep (revision 0009): invoices per (due, issue) pair, a couple of
    thousand, the days of issue derived from them; credit notes and allocations per day."""
    pairs = [(day(due), day(issued), int(cents)) for due, issued, cents in driver_rows(session, (
        select(_text(InvoiceFlow.due_date), _text(InvoiceFlow.issue_date), InvoiceFlow.cents)
        .where(InvoiceFlow.kind == InvoiceKind.INVOICE.value, InvoiceFlow.issue_date <= as_of)))]
    invoiced: dict[date, int] = {}
    for _due, issued, cents in pairs:
        invoiced[issued] = invoiced.get(issued, 0) + cents
    credited = select(_text(InvoiceFlow.issue_date), func.sum(InvoiceFlow.cents)).where(
        InvoiceFlow.kind == InvoiceKind.CREDIT_NOTE.value, InvoiceFlow.issue_date <= as_of).group_by(
        InvoiceFlow.issue_date)
    settled = select(_text(SettlementFlow.on_date), func.sum(SettlementFlow.cents)).where(
        SettlementFlow.on_date <= as_of).group_by(SettlementFlow.on_date)
    return Flows(as_of, invoiced, {day(on): int(cents) for on, cents in driver_rows(session, credited)},
                 {day(on): int(cents) for on, cents in driver_rows(session, settled)}, pairs)


def _text(column: InstrumentedAttribute[date]) -> ColumnElement[str]:
    """A date column read as its ISO text (parsed by :func:`day`, faster than the dialect's processing)."""
    return type_coerce(column, String)


@cache
def day(text: str) -> date:
    """An ISO date read as text; a dossier holds a few thousand distinct days, each parsed once."""
    return date.fromisoformat(text)


def month_figures(session: Session, as_of: date, count: int, current_cents: int,
                  daily: Flows | None = None) -> list[MonthFigures]:
    """The last ``count`` months up to ``as_of``: sales, and receivables at each month end.

    Receivables at a date = invoices issued by then − everything settled by then (allocations are
    never dated before their invoice). ``current_cents`` (not yet due) is only known for ``as_of``
    itself; earlier months carry 0 and their best possible DSO is not reported. ``daily``: the
    :func:`flows` to ``as_of`` when the caller has read them.
    """
    daily = daily or flows(session, as_of)
    invoiced, credited, settled = _months(daily.invoiced), _months(daily.credited), _months(daily.settled)
    ends = month_ends(as_of, count)
    first = (ends[0].year, ends[0].month)
    cumulative = sum(v for k, v in invoiced.items() if k < first) - sum(v for k, v in settled.items() if k < first)
    figures = []
    for end in ends:
        key = (end.year, end.month)
        cumulative += invoiced.get(key, 0) - settled.get(key, 0)
        figures.append(MonthFigures(end, (end - month_start(end)).days + 1,
                                    invoiced.get(key, 0) - credited.get(key, 0), cumulative,
                                    current_cents if end == as_of else 0))
    return figures


def dso_series(ws: Workspace, as_of: date, months: int = 24) -> list[DsoPointView]:
    """Monthly DSO (accounting and countback) over ``months`` months; best possible DSO for the last one."""
    with ws.dossier.reading() as session:
        window = int(read_setting(session, DSO_WINDOW_MONTHS))
        current = _current_cents(session, as_of)
        # Countback needs history before the first month shown: it walks back until receivables are used up.
        figures = month_figures(session, as_of, months + 12, current)
    points = dso.dso_series(figures, window)[-months:]
    return [DsoPointView(p.month_end, p.accounting, p.countback,
                         p.best_possible if p.month_end == as_of else None) for p in points]


def _current_cents(session: Session, as_of: date) -> int:
    """Open cents not yet due on ``as_of``: only invoices due on or after it are looked at."""
    statement = select(func.coalesce(func.sum(Invoice.amount_incl_cents - settled_on(as_of)), 0)).where(
        Invoice.kind == InvoiceKind.INVOICE, Invoice.due_date >= as_of, Invoice.issue_date <= as_of)
    return int(session.scalar(statement) or 0)


def kpi_period(session: Session, as_of: date, months: int | None = None) -> Period:
    """The ``months`` months ending on ``as_of`` (default: the dossier's ``dso.window_months``), as_of included."""
    months = months or int(read_setting(session, DSO_WINDOW_MONTHS))
    return Period(add_months(as_of, -months) + timedelta(days=1), as_of)


def key_figures(ws: Workspace, as_of: date, period_months: int | None = None) -> KpiReport:
    """The dashboard's figures on ``as_of`` over the last ``period_months`` months (default: the DSO window
    setting), each with its formula.

    Every figure comes from sums the database makes over indexes (the domain supplies the formulas),
    so the cost does not grow with the number of invoices loaded into Python.
    """
    with ws.dossier.reading() as session:
        return key_figures_in(session, as_of, open_cents(open_rows(session, as_of), as_of), period_months)


def open_cents(rows: list[tuple[int, date, int, bool]], as_of: date) -> tuple[int, int]:
    """Open cents of :func:`open_rows`: in all, and not yet due on ``as_of`` (due on or after it)."""
    return sum(row[2] for row in rows), sum(row[2] for row in rows if row[1] >= as_of)


COUNTBACK_MONTHS = 36  # how far back the countback DSO may walk before receivables are used up


def key_figures_in(session: Session, as_of: date, open_cents: tuple[int, int], period_months: int | None = None,
                   figures: list[MonthFigures] | None = None, daily: Flows | None = None) -> KpiReport:
    """:func:`key_figures` within a caller's session, from the open cents on ``as_of`` it has already summed
    (all, and not yet due: see :func:`open_cents`), and the COUNTBACK_MONTHS month figures and the
    :func:`flows` to ``as_of`` when it has them too."""
    period = kpi_period(session, as_of, period_months)
    start = period.start - timedelta(days=1)
    disputed, written_off = _disputed_issued(session, period), _written_off(session, period)
    if daily is None:
        begin = receivables_on(session, start)
        sales, issued, collected = _sales(session, period), _issued(session, period), _collected(session, period)
    else:  # the same sums from the daily flows: what was applied in the period, less the write-offs
        begin = daily.receivables_on(start)
        issued = daily.between(daily.invoiced, period)
        sales = issued - daily.between(daily.credited, period)
        collected = daily.between(daily.settled, period) - written_off
    days_late = _days_late(session, period)
    grace = int(read_setting(session, PROMISE_GRACE_DAYS))
    promises, payments = _promises(session), _payments(session, as_of, grace)
    if figures is None:
        figures = month_figures(session, as_of, COUNTBACK_MONTHS, 0)
    total, current = open_cents
    values = {
        "receivables": total,
        "overdue": total - current,
        "overdue_rate": kpis.percent(total - current, total),  # kpis.overdue_rate from its two sums
        "dso_accounting": dso.dso_accounting(total, sales, period.days),
        "dso_countback": dso.dso_countback(figures),
        "best_possible_dso": dso.best_possible_dso(current, sales, period.days),
        "cei": kpis.cei(begin, sales, total, current),
        "average_days_late": days_late,
        "collection_rate": kpis.collection_rate(begin, sales, collected),
        "dispute_rate": kpis.percent(disputed, issued),
        "promise_kept_rate": kpis.promise_kept_rate(promises, payments, as_of, grace),
        "write_off_rate": kpis.percent(written_off, issued),
    }
    return KpiReport(as_of, tuple(kpi_view(key, value, period) for key, value in values.items()))


def receivables_on(session: Session, day: date) -> int:
    """Open invoice cents on ``day``: issued by then − settled by then (an allocation is never dated
    before its invoice, and never exceeds it, so this equals the sum of open amounts)."""
    issued = session.scalar(select(func.coalesce(func.sum(Invoice.amount_incl_cents), 0)).where(
        Invoice.kind == InvoiceKind.INVOICE, Invoice.issue_date <= day)) or 0
    settled = session.scalar(select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(
        Allocation.on_date <= day)) or 0
    return int(issued) - int(settled)


def _issued(session: Session, period: Period) -> int:
    """Invoices (not credit notes) issued in the period, incl. tax."""
    return int(session.scalar(select(func.coalesce(func.sum(Invoice.amount_incl_cents), 0)).where(
        Invoice.kind == InvoiceKind.INVOICE, Invoice.issue_date.between(period.start, period.end))) or 0)


def _days_late(session: Session, period: Period) -> float | None:
    """:func:`app.domain.kpis.weighted_days_late` of the payments and credit notes applied in the period, summed
    by SQLite from the running sums the triggers keep per (date, due date, kind) (revision 0009)."""
    late = func.max(0, func.round(func.julianday(SettlementFlow.on_date) - func.julianday(SettlementFlow.due_date)))
    weighted, total = session.execute(
        select(func.sum(SettlementFlow.cents * late), func.sum(SettlementFlow.cents))
        .where(SettlementFlow.on_date.between(period.start, period.end),
               SettlementFlow.kind != SettlementKind.WRITE_OFF.value)).one()
    return float(weighted) / int(total) if total and int(total) > 0 else None


def _disputed_issued(session: Session, period: Period) -> int:
    """Invoices issued in the period that have ever been disputed, incl. tax."""
    disputed = select(dispute_invoices.c.invoice_id)
    return int(session.scalar(select(func.coalesce(func.sum(Invoice.amount_incl_cents), 0)).where(
        Invoice.kind == InvoiceKind.INVOICE, Invoice.issue_date.between(period.start, period.end),
        Invoice.id.in_(disputed))) or 0)


def _written_off(session: Session, period: Period) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(
        Allocation.kind == SettlementKind.WRITE_OFF, Allocation.on_date.between(period.start, period.end))) or 0)


def _sales(session: Session, period: Period) -> int:
    signed = func.sum(Invoice.amount_incl_cents)
    total = 0
    for kind, sign in ((InvoiceKind.INVOICE, 1), (InvoiceKind.CREDIT_NOTE, -1)):
        total += sign * int(session.scalar(select(func.coalesce(signed, 0)).where(
            Invoice.kind == kind, Invoice.issue_date.between(period.start, period.end))) or 0)
    return total


def _collected(session: Session, period: Period) -> int:
    """Payments and credit notes applied to invoices during the period (write-offs are not collected)."""
    statement = select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(
        Allocation.on_date.between(period.start, period.end), Allocation.kind != SettlementKind.WRITE_OFF)
    return int(session.scalar(statement) or 0)


def _promises(session: Session) -> list[PromiseFacts]:
    rows = session.execute(select(Promise.client_id, Promise.made_on, Promise.promised_on, Promise.amount_cents))
    return [PromiseFacts(*row) for row in rows]


def _payments(session: Session, as_of: date, grace_days: int) -> list[PaymentFacts]:
    """Payments of clients with promises, from their first promise on to their last promise's deadline: a
    promise only counts the payments received from the day it was made to its date plus the grace days
    (app.domain.kpis.promise_outcomes), so others never matter."""
    span = (select(Promise.client_id, func.min(Promise.made_on).label("made_on"),
                   func.max(Promise.promised_on).label("promised_on"))
            .group_by(Promise.client_id).subquery("promised"))
    last_day = func.date(span.c.promised_on, f"+{int(grace_days)} days")
    rows = driver_rows(session, (
        select(Payment.client_id, type_coerce(Payment.received_on, String), Payment.amount_cents)
        .join(span, span.c.client_id == Payment.client_id)
        .where(Payment.received_on <= as_of, Payment.received_on >= span.c.made_on,
               type_coerce(Payment.received_on, String) <= last_day)))
    return [PaymentFacts(client_id, day(received_on), cents) for client_id, received_on, cents in rows]

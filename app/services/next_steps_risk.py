"""Clients' risk grades for the "À faire" priority, their factors summed by the database for thousands of clients."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.domain.kinds import InvoiceKind
from app.domain.ladder_engine_facts import ClientCase
from app.domain.periods import Period, trailing_days
from app.domain.records import SettlementKind
from app.domain.risk import WINDOW_DAYS, grade_letter
from app.models import Allocation, Dispute, Invoice
from app.services.payment_habits import average_delays

_DELAY_KINDS = (SettlementKind.PAYMENT, SettlementKind.CREDIT_NOTE)


@dataclass(frozen=True, slots=True)
class RiskSums:
    """Per client: payments' weighted delay, share of invoices paid late, open disputes over the year."""

    window: Period
    delays: dict[int, float]
    shares: dict[int, float]
    disputes: dict[int, int]


def risk_sums(session: Session, as_of: date, client_ids: Collection[int] | None = None) -> RiskSums:
    """The factors the database sums for every client, or only for ``client_ids`` (those the list suggests
    something for: a third of a large dossier's clients, and a third of the rows to sum)."""
    window = trailing_days(as_of, WINDOW_DAYS)
    disputes = {client: int(count) for client, count in session.execute(
        select(Dispute.client_id, func.count(Dispute.id)).where(
            Dispute.opened_on <= as_of, Dispute.resolved_on.is_(None) | (Dispute.resolved_on > as_of),
            _among(Dispute.client_id, client_ids))
        .group_by(Dispute.client_id))}
    # Payments' weighted days late: whole months from the sums revision 0009 keeps, the edges from allocations.
    delays = average_delays(session, window.start, as_of, _DELAY_KINDS, client_ids, late_only=True)
    return RiskSums(window, delays,
                    _shares_paid_late(session, window.start, as_of, client_ids), disputes)


def _among(column: InstrumentedAttribute[int], client_ids: Collection[int] | None) -> ColumnElement[bool]:
    """``column`` in ``client_ids`` (everything when None), the ids sent as one JSON parameter whatever their
    number (SQLite limits bound parameters)."""
    if client_ids is None:
        return true()
    ids = func.json_each(json.dumps(sorted(client_ids))).table_valued("value")
    return column.in_(select(ids.c.value))  # read client by client on the indexes of revision 0010


def risk_grades(sums: RiskSums, as_of: date, client_ids: Iterable[int],
                cases: Mapping[int, ClientCase]) -> dict[int, str]:
    """client id → the grade :func:`app.domain.risk.assess` gives (tests check both agree): the payments'
    weighted delay and the share of invoices paid late over the year, the overdue amount against the credit
    limit, open disputes and promises broken in the year."""
    grades = {}
    for client_id in set(client_ids):
        case_ = cases[client_id]
        broken = sum(1 for p in case_.promises if p.state == "broken" and p.promised_on in sums.window)
        grades[client_id] = grade_letter(sums.delays.get(client_id), sums.shares.get(client_id),
                                         _versus_limit(case_, as_of), sums.disputes.get(client_id, 0), broken)
    return grades


def _shares_paid_late(session: Session, start: date, as_of: date,
                      client_ids: Collection[int] | None) -> dict[int, float]:
    """app.domain.risk.share_paid_late per client. An invoice is fully settled on its latest settlement (the
    total the triggers keep reaches its amount then); one written off is left out, as the domain does."""
    written_off = select(Allocation.invoice_id).where(Allocation.kind == SettlementKind.WRITE_OFF)
    late = case((Invoice.settled_through > Invoice.due_date, 1), else_=0)
    statement = (
        select(Invoice.client_id, func.count(Invoice.id), func.sum(late))
        .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.settled_cents >= Invoice.amount_incl_cents,
               Invoice.settled_through >= start, Invoice.settled_through <= as_of, Invoice.id.not_in(written_off),
               _among(Invoice.client_id, client_ids))
        .group_by(Invoice.client_id))
    return {client: int(late_count) / int(count) * 100 for client, count, late_count in session.execute(statement)
            if count}


def _versus_limit(case_: ClientCase, as_of: date) -> float | None:
    """app.domain.risk.overdue_vs_limit from the case's open invoices."""
    if case_.credit_limit_cents is None:
        return None
    overdue = sum(inv.open_cents for inv in case_.invoices if inv.due_date < as_of)
    if case_.credit_limit_cents == 0:
        return 1000.0 if overdue else 0.0
    return overdue / case_.credit_limit_cents * 100


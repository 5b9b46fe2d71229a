"""Reusable SQL expressions for figures as of a date: settled and open amounts, unallocated credits, disputes.

These push the heavy sums to the database (200,000 invoices) and leave the rules to app.domain; tests
check that both give the same open amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from app.domain.kinds import InvoiceKind
from app.domain.records import DisputeSpan, InvoiceFacts, Settlement, SettlementKind
from app.models import Allocation, Dispute, Invoice, Payment, dispute_invoices


def settled_by_invoice(as_of: date) -> Subquery:
    """invoice_id → cents settled (payments, credit notes, write-offs) on or before ``as_of``."""
    return (
        select(Allocation.invoice_id, func.sum(Allocation.amount_cents).label("settled"))
        .where(Allocation.on_date <= as_of)
        .group_by(Allocation.invoice_id)
        .subquery("settled")
    )


def open_invoices(as_of: date) -> Select[int, int, date, int]:
    """(invoice id, client id, due date, open cents) of every invoice issued and still open on ``as_of``."""
    settled = settled_by_invoice(as_of)
    open_cents = (Invoice.amount_incl_cents - func.coalesce(settled.c.settled, 0)).label("open_cents")
    return (
        select(Invoice.id, Invoice.client_id, Invoice.due_date, open_cents)
        .outerjoin(settled, settled.c.invoice_id == Invoice.id)
        .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.issue_date <= as_of, open_cents > 0)
    )


def disputed_invoice_ids(session: Session, as_of: date) -> set[int]:
    """Invoices under a dispute open on ``as_of`` (opened on or before it, not yet resolved then)."""
    statement = (
        select(dispute_invoices.c.invoice_id)
        .join(Dispute, Dispute.id == dispute_invoices.c.dispute_id)
        .where(Dispute.opened_on <= as_of, or_(Dispute.resolved_on.is_(None), Dispute.resolved_on > as_of))
    )
    return set(session.scalars(statement))


def unallocated_credit_by_client(session: Session, as_of: date) -> dict[int, int]:
    """client_id → cents of payments and credit notes not yet allocated to any invoice on ``as_of``."""
    credits: dict[int, int] = {}
    for client_id, cents in session.execute(_unallocated_payments(as_of)):
        credits[client_id] = credits.get(client_id, 0) + int(cents)
    for client_id, cents in session.execute(_unallocated_credit_notes(as_of)):
        credits[client_id] = credits.get(client_id, 0) + int(cents)
    return {client: cents for client, cents in credits.items() if cents}


def _unallocated_payments(as_of: date) -> Select[int, int]:
    used = (
        select(Allocation.payment_id, func.sum(Allocation.amount_cents).label("used"))
        .where(Allocation.on_date <= as_of, Allocation.payment_id.is_not(None))
        .group_by(Allocation.payment_id)
        .subquery()
    )
    remaining = Payment.amount_cents - func.coalesce(used.c.used, 0)
    return (
        select(Payment.client_id, func.sum(remaining))
        .outerjoin(used, used.c.payment_id == Payment.id)
        .where(Payment.received_on <= as_of)
        .group_by(Payment.client_id)
    )


def _unallocated_credit_notes(as_of: date) -> Select[int, int]:
    used = (
        select(Allocation.credit_note_id, func.sum(Allocation.amount_cents).label("used"))
        .where(Allocation.on_date <= as_of, Allocation.credit_note_id.is_not(None))
        .group_by(Allocation.credit_note_id)
        .subquery()
    )
    remaining = Invoice.amount_incl_cents - func.coalesce(used.c.used, 0)
    return (
        select(Invoice.client_id, func.sum(remaining))
        .outerjoin(used, used.c.credit_note_id == Invoice.id)
        .where(Invoice.kind == InvoiceKind.CREDIT_NOTE, Invoice.issue_date <= as_of)
        .group_by(Invoice.client_id)
    )


def invoice_facts(session: Session, where: ColumnElement[bool] | None = None,
                  ids: Iterable[int] | None = None) -> list[InvoiceFacts]:
    """Invoices with all their settlements and disputes, for the domain's per-invoice rules."""
    statement = select(Invoice.id, Invoice.client_id, Invoice.issue_date, Invoice.due_date,
                       Invoice.amount_incl_cents).where(Invoice.kind == InvoiceKind.INVOICE)
    if where is not None:
        statement = statement.where(where)
    if ids is not None:
        statement = statement.where(Invoice.id.in_(list(ids)))
    rows = session.execute(statement).all()
    wanted = [row.id for row in rows]
    settlements = _settlements(session, wanted)
    disputes = _dispute_spans(session, wanted)
    return [
        InvoiceFacts(row.id, row.client_id, row.issue_date, row.due_date, row.amount_incl_cents,
                     tuple(settlements.get(row.id, ())), tuple(disputes.get(row.id, ())))
        for row in rows
    ]


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    # SQLite limits bound parameters per statement; large id lists are queried in slices.
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _settlements(session: Session, ids: list[int]) -> dict[int, list[Settlement]]:
    found: dict[int, list[Settlement]] = {}
    for chunk in _chunks(ids):
        statement = select(Allocation.invoice_id, Allocation.on_date, Allocation.amount_cents,
                           Allocation.kind).where(Allocation.invoice_id.in_(chunk))
        for invoice_id, on_date, cents, kind in session.execute(statement):
            found.setdefault(invoice_id, []).append(Settlement(on_date, cents, SettlementKind(kind)))
    return found


def _dispute_spans(session: Session, ids: list[int]) -> dict[int, list[DisputeSpan]]:
    found: dict[int, list[DisputeSpan]] = {}
    for chunk in _chunks(ids):
        statement = (
            select(dispute_invoices.c.invoice_id, Dispute.opened_on, Dispute.resolved_on)
            .join(Dispute, and_(Dispute.id == dispute_invoices.c.dispute_id))
            .where(dispute_invoices.c.invoice_id.in_(chunk))
        )
        for invoice_id, opened, resolved in session.execute(statement):
            found.setdefault(invoice_id, []).append(DisputeSpan(opened, resolved))
    return found

"""Reusable SQL expressions for figures as of a date: settled and open amounts, unallocated credits, disputes.

These push the heavy sums to the database (200,000 invoices) and leave the rules to app.domain; tests
check that both give the same open amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, String, and_, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from app.domain.kinds import InvoiceKind
from app.domain.records import DisputeSpan, InvoiceFacts, Settlement, SettlementKind
from app.models import Allocation, Dispute, Invoice, Payment, dispute_invoices


def settled_on(as_of: date) -> ScalarSelect[int]:
    """Cents settled on the enclosing query's invoice by ``as_of``: one probe of a covering index per invoice,
    which SQLite runs faster than joining a grouped subquery (it would materialise and re-index it)."""
    return (
        select(func.coalesce(func.sum(Allocation.amount_cents), 0))
        .where(Allocation.invoice_id == Invoice.id, Allocation.on_date <= as_of)
        .correlate(Invoice)
        .scalar_subquery()
    )


def open_invoices(as_of: date, *conditions: ColumnElement[bool]) -> Select[int, int, date, int]:
    """(id, client_id, due_date, open_cents) of every invoice issued and still open on ``as_of``.

    Two parts: invoices with nothing settled after ``as_of`` and not fully settled take their open amount
    from the totals the triggers keep (a small partial index: what is open today); invoices with
    allocations after ``as_of`` sum their allocations up to it (few when ``as_of`` is recent).
    """
    settled_before = or_(Invoice.settled_through.is_(None), Invoice.settled_through <= as_of)
    kept = select(Invoice.id, Invoice.client_id, Invoice.due_date,
                  (Invoice.amount_incl_cents - Invoice.settled_cents).label("open_cents")).where(
        Invoice.kind == InvoiceKind.INVOICE, Invoice.settled_cents < Invoice.amount_incl_cents,
        Invoice.issue_date <= as_of, settled_before, *conditions)
    # Unary plus keeps SQLite from walking the kind/issue-date indexes here: the settled-through index is
    # the selective one.
    summed = (
        select(Invoice.id, Invoice.client_id, Invoice.due_date,
               (Invoice.amount_incl_cents - settled_on(as_of)).label("open_cents"))
        .where(Invoice.settled_through > as_of, _unindexed(Invoice.kind) == InvoiceKind.INVOICE.value,
               _unindexed(Invoice.issue_date) <= as_of.isoformat(), *conditions)
        .subquery("summed")
    )
    later = select(summed.c.id, summed.c.client_id, summed.c.due_date, summed.c.open_cents).where(
        summed.c.open_cents > 0)
    both = union_all(kept, later).subquery("open_items")
    return select(both.c.id, both.c.client_id, both.c.due_date, both.c.open_cents)


def _unindexed(column: Any) -> ColumnElement[Any]:
    """``+table.column``: the same value, which SQLite's planner will not try to read through an index."""
    return literal_column(f"+{column.table.name}.{column.name}", type_=String())


def disputed_invoice_ids(session: Session, as_of: date) -> set[int]:
    """Invoices under a dispute open on ``as_of`` (opened on or before it, not yet resolved then)."""
    statement = (
        select(dispute_invoices.c.invoice_id)
        .join(Dispute, Dispute.id == dispute_invoices.c.dispute_id)
        .where(Dispute.opened_on <= as_of, or_(Dispute.resolved_on.is_(None), Dispute.resolved_on > as_of))
    )
    return set(session.scalars(statement))


def net_balance_by_client(session: Session, as_of: date) -> dict[int, int]:
    """client_id → invoices − credit notes − payments − write-offs dated on or before ``as_of``.

    Equal to open invoices minus unallocated payments and credit notes: every allocation dated by then is
    counted once on each side and cancels out, so no join between allocations and payments is needed.
    """
    net: dict[int, int] = {}
    for statement, sign in _net_parts(as_of):
        for client_id, cents in session.execute(statement):
            net[client_id] = net.get(client_id, 0) + sign * int(cents)
    return net


def _net_parts(as_of: date) -> list[tuple[Select[int, int], int]]:
    def issued(kind: InvoiceKind) -> Select[int, int]:
        return (select(Invoice.client_id, func.sum(Invoice.amount_incl_cents))
                .where(Invoice.kind == kind, Invoice.issue_date <= as_of).group_by(Invoice.client_id))

    paid = (select(Payment.client_id, func.sum(Payment.amount_cents))
            .where(Payment.received_on <= as_of).group_by(Payment.client_id))
    written_off = (select(Allocation.client_id, func.sum(Allocation.amount_cents))
                   .where(Allocation.kind == SettlementKind.WRITE_OFF, Allocation.on_date <= as_of)
                   .group_by(Allocation.client_id))
    return [(issued(InvoiceKind.INVOICE), 1), (issued(InvoiceKind.CREDIT_NOTE), -1), (paid, -1), (written_off, -1)]


def unallocated_credit_by_client(session: Session, as_of: date,
                                 open_by_client: dict[int, int] | None = None) -> dict[int, int]:
    """client_id → cents of payments and credit notes not yet allocated to any invoice on ``as_of``.

    Read like :func:`open_invoices`: payments and credit notes with nothing allocated after ``as_of`` take
    what is left from the totals the triggers keep (two small partial indexes: what is unallocated today);
    those with allocations after ``as_of`` sum theirs up to it. Equal to open invoices − net balance
    (:func:`net_balance_by_client`), since an allocation is dated neither before its payment or credit note
    nor before its invoice, and links them within one client (tests compare both); ``open_by_client`` is no
    longer needed and left for callers that pass it.
    """
    credits: dict[int, int] = {}
    for statement in _unallocated_parts(as_of):
        for client_id, cents in session.execute(statement):
            credits[int(client_id)] = credits.get(int(client_id), 0) + int(cents or 0)
    return {client: cents for client, cents in credits.items() if cents}


def _unallocated_parts(as_of: date) -> list[Select[Any, int]]:
    def allocated_on(source: Any) -> ScalarSelect[int]:
        return (select(func.coalesce(func.sum(Allocation.amount_cents), 0))
                .where(source, Allocation.on_date <= as_of).scalar_subquery())

    credit_note = literal_column("'credit_note'", type_=String())  # a constant, so the partial index applies
    # Grouped on +client_id: otherwise SQLite walks every payment in client order to spare a sort of a few rows
    # rather than read the handful allocated after the as-of date.
    payer, holder = _unindexed(Payment.client_id), _unindexed(Invoice.client_id)
    return [
        select(Payment.client_id, func.sum(Payment.amount_cents - Payment.allocated_cents)).where(
            Payment.allocated_cents < Payment.amount_cents, Payment.received_on <= as_of,
            or_(Payment.allocated_through.is_(None), Payment.allocated_through <= as_of))
        .group_by(Payment.client_id),
        select(payer, func.sum(Payment.amount_cents - allocated_on(
            Allocation.payment_id == Payment.id).correlate(Payment))).where(
            Payment.allocated_through > as_of, Payment.received_on <= as_of)
        .group_by(payer),
        select(Invoice.client_id, func.sum(Invoice.amount_incl_cents - Invoice.applied_cents)).where(
            Invoice.kind == credit_note, Invoice.applied_cents < Invoice.amount_incl_cents,
            Invoice.issue_date <= as_of, or_(Invoice.applied_through.is_(None), Invoice.applied_through <= as_of))
        .group_by(Invoice.client_id),
        select(holder, func.sum(Invoice.amount_incl_cents - allocated_on(
            Allocation.credit_note_id == Invoice.id).correlate(Invoice))).where(
            Invoice.applied_through > as_of, Invoice.kind == InvoiceKind.CREDIT_NOTE, Invoice.issue_date <= as_of)
        .group_by(holder),
    ]


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

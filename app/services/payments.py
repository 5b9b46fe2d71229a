"""Payment use cases: record a payment with its allocations, propose an allocation, use a credit note."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, InvoiceKind
from app.domain.records import SettlementKind
from app.i18n import _
from app.models import Allocation, Client, Invoice, Payment
from app.services.dto import AllocationInput, PaymentInput, Problem
from app.services.history import record_action
from app.services.queries import open_invoices
from app.services.validation import ValidationFailed, collect, positive_cents_problem
from app.services.workspace import Workspace


def propose_allocation(ws: Workspace, client_id: int, amount_cents: int, as_of: date) -> list[AllocationInput]:
    """Spread ``amount_cents`` over the client's open invoices, oldest due date first."""
    with ws.dossier.reading() as session:
        statement = open_invoices(as_of, Invoice.client_id == client_id)
        statement = statement.order_by(statement.selected_columns.due_date, statement.selected_columns.id)
        remaining, proposal = amount_cents, []
        for invoice_id, _client, _due, open_cents in session.execute(statement):
            if remaining <= 0:
                break
            share = min(remaining, int(open_cents))
            proposal.append(AllocationInput(invoice_id, share))
            remaining -= share
    return proposal


def _open_amount(session: Session, invoice: Invoice) -> int:
    settled = session.scalar(
        select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(Allocation.invoice_id == invoice.id)
    ) or 0
    return invoice.amount_incl_cents - int(settled)


def _allocation_problems(session: Session, client_id: int, total: int,
                         allocations: tuple[AllocationInput, ...], too_much: str) -> list[Problem]:
    problems: list[Problem] = []
    if sum(item.amount_cents for item in allocations) > total:
        problems.append(Problem("allocations", too_much))
    for item in allocations:
        invoice = session.get(Invoice, item.invoice_id)
        if invoice is None or invoice.kind != InvoiceKind.INVOICE or invoice.client_id != client_id:
            problems.append(Problem("allocations", _("Invoice #{id} is not an invoice of this client.").format(
                id=item.invoice_id)))
        elif item.amount_cents <= 0:
            problems.append(Problem("allocations", _("An allocation must be greater than zero.")))
        elif item.amount_cents > _open_amount(session, invoice):
            problems.append(Problem("allocations", _(
                "Invoice {number}: the allocation exceeds its open amount.").format(number=invoice.number)))
    return problems


def record_payment(ws: Workspace, data: PaymentInput) -> int:
    """Record a payment and its allocations in one transaction; what is not allocated stays visible."""
    problems = collect(positive_cents_problem("amount_cents", data.amount_cents, _("The amount")))
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        if session.get(Client, data.client_id) is None:
            raise ValidationFailed([Problem("client_id", _("Client #{id} does not exist.").format(
                id=data.client_id))])
        problems = _allocation_problems(session, data.client_id, data.amount_cents, data.allocations,
                                        _("The allocations exceed the payment."))
        if problems:
            raise ValidationFailed(problems)
        payment = Payment(client_id=data.client_id, received_on=data.received_on, amount_cents=data.amount_cents,
                          method=data.method, bank_reference=data.bank_reference, notes=data.notes)
        session.add(payment)
        session.flush()
        for item in data.allocations:
            invoice = session.get(Invoice, item.invoice_id)
            assert invoice is not None
            session.add(Allocation(invoice_id=item.invoice_id, kind=SettlementKind.PAYMENT, payment_id=payment.id,
                                   amount_cents=item.amount_cents, on_date=max(data.received_on, invoice.issue_date)))
        record_action(session, client_id=data.client_id, kind=ActionKind.PAYMENT, occurred_on=data.received_on,
                      summary=data.bank_reference or data.notes,
                      invoice_ids=[item.invoice_id for item in data.allocations],
                      details={"payment_id": payment.id, "amount_cents": data.amount_cents,
                               "method": data.method.value,
                               "allocated_cents": sum(item.amount_cents for item in data.allocations)})
        return payment.id


def allocate_credit_note(ws: Workspace, credit_note_id: int, allocations: tuple[AllocationInput, ...]) -> None:
    """Use a credit note to settle some of the same client's invoices."""
    with ws.dossier.transaction() as session:
        note = session.get(Invoice, credit_note_id)
        if note is None or note.kind != InvoiceKind.CREDIT_NOTE:
            raise ValidationFailed([Problem("", _("Credit note #{id} does not exist.").format(id=credit_note_id))])
        used = session.scalar(select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(
            Allocation.credit_note_id == credit_note_id)) or 0
        problems = _allocation_problems(session, note.client_id, note.amount_incl_cents - int(used), allocations,
                                        _("The allocations exceed what remains of the credit note."))
        if problems:
            raise ValidationFailed(problems)
        for item in allocations:
            invoice = session.get(Invoice, item.invoice_id)
            assert invoice is not None
            session.add(Allocation(invoice_id=item.invoice_id, kind=SettlementKind.CREDIT_NOTE,
                                   credit_note_id=credit_note_id, amount_cents=item.amount_cents,
                                   on_date=max(note.issue_date, invoice.issue_date)))
        record_action(session, client_id=note.client_id, kind=ActionKind.CREDIT_APPLIED, occurred_on=note.issue_date,
                      summary=note.number, invoice_ids=[item.invoice_id for item in allocations],
                      details={"credit_note_id": credit_note_id,
                               "allocated_cents": sum(item.amount_cents for item in allocations)})

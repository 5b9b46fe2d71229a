"""Case use cases: disputes, promises to pay, payment plans and write-offs, each recorded in the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, DisputeOutcome, DisputeReason, InvoiceKind
from app.domain.periods import add_months
from app.domain.records import SettlementKind
from app.i18n import _
from app.models import (
    Allocation,
    Dispute,
    Instalment,
    Invoice,
    PaymentPlan,
    Promise,
    dispute_invoices,
    plan_invoices,
    promise_invoices,
)
from app.services.dto import Problem
from app.services.history import record_action
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class InstalmentInput:
    due_on: date
    amount_cents: int


def _client_invoices(session: Session, invoice_ids: tuple[int, ...]) -> int:
    """The one client all ``invoice_ids`` belong to; refuses an empty list or mixed clients."""
    if not invoice_ids:
        raise ValidationFailed([Problem("invoice_ids", _("Choose at least one invoice."))])
    clients = set(session.scalars(select(Invoice.client_id).where(
        Invoice.id.in_(invoice_ids), Invoice.kind == InvoiceKind.INVOICE)))
    found = session.scalar(select(func.count(Invoice.id)).where(Invoice.id.in_(invoice_ids)))
    if found != len(set(invoice_ids)) or len(clients) != 1:
        raise ValidationFailed([Problem("invoice_ids", _("The invoices must exist and belong to one client."))])
    return clients.pop()


def _link(session: Session, table: object, owner: str, owner_id: int, invoice_ids: tuple[int, ...]) -> None:
    rows = [{f"{owner}_id": owner_id, "invoice_id": invoice_id} for invoice_id in sorted(set(invoice_ids))]
    session.execute(insert(table), rows)  # type: ignore[arg-type]


def open_dispute(ws: Workspace, invoice_ids: tuple[int, ...], reason: DisputeReason, opened_on: date,
                 notes: str = "") -> int:
    """Open a litige: the invoices leave the ladder but stay in the aged balance."""
    with ws.dossier.transaction() as session:
        client_id = _client_invoices(session, invoice_ids)
        dispute = Dispute(client_id=client_id, opened_on=opened_on, reason=reason, notes=notes)
        session.add(dispute)
        session.flush()
        _link(session, dispute_invoices, "dispute", dispute.id, invoice_ids)
        record_action(session, client_id=client_id, kind=ActionKind.DISPUTE_OPENED, occurred_on=opened_on,
                      summary=notes or reason.value, invoice_ids=invoice_ids, details={"reason": reason.value})
        return dispute.id


def resolve_dispute(ws: Workspace, dispute_id: int, resolved_on: date, outcome: DisputeOutcome,
                    notes: str = "") -> None:
    with ws.dossier.transaction() as session:
        dispute = session.get(Dispute, dispute_id)
        if dispute is None or dispute.resolved_on is not None:
            raise ValidationFailed([Problem("", _("This dispute does not exist or is already resolved."))])
        if resolved_on < dispute.opened_on:
            raise ValidationFailed([Problem("resolved_on", _("A dispute cannot be resolved before it was opened."))])
        dispute.resolved_on, dispute.outcome = resolved_on, outcome
        invoice_ids = tuple(session.scalars(select(dispute_invoices.c.invoice_id).where(
            dispute_invoices.c.dispute_id == dispute_id)))
        record_action(session, client_id=dispute.client_id, kind=ActionKind.DISPUTE_RESOLVED,
                      occurred_on=resolved_on, summary=notes or outcome.value, invoice_ids=invoice_ids,
                      details={"outcome": outcome.value, "dispute_id": dispute_id})


def record_promise(ws: Workspace, invoice_ids: tuple[int, ...], made_on: date, promised_on: date,
                   amount_cents: int, recorded_by: str = "", notes: str = "") -> int:
    """A promise to pay pauses reminders until its date; kept or broken is derived from payments."""
    problems = []
    if amount_cents <= 0:
        problems.append(Problem("amount_cents", _("The promised amount must be greater than zero.")))
    if promised_on < made_on:
        problems.append(Problem("promised_on", _("The promised date cannot be before the promise.")))
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        client_id = _client_invoices(session, invoice_ids)
        promise = Promise(client_id=client_id, made_on=made_on, promised_on=promised_on, amount_cents=amount_cents,
                          recorded_by=recorded_by, notes=notes)
        session.add(promise)
        session.flush()
        _link(session, promise_invoices, "promise", promise.id, invoice_ids)
        record_action(session, client_id=client_id, kind=ActionKind.PROMISE, occurred_on=made_on,
                      summary=notes, invoice_ids=invoice_ids,
                      details={"promised_on": promised_on.isoformat(), "amount_cents": amount_cents})
        return promise.id


def monthly_instalments(total_cents: int, count: int, first_due: date) -> list[InstalmentInput]:
    """``count`` monthly instalments from ``first_due``; the cents that do not divide go to the last one."""
    if count <= 0 or total_cents <= 0:
        raise ValidationFailed([Problem("count", _("A plan needs at least one instalment and an amount."))])
    share = total_cents // count
    amounts = [share] * (count - 1) + [total_cents - share * (count - 1)]
    return [InstalmentInput(add_months(first_due, index), amount) for index, amount in enumerate(amounts)]


def create_plan(ws: Workspace, invoice_ids: tuple[int, ...], agreed_on: date,
                instalments: list[InstalmentInput], notes: str = "") -> int:
    """An échéancier whose instalments replace the covered invoices' due dates for the ladder."""
    if not instalments or any(item.amount_cents <= 0 for item in instalments):
        raise ValidationFailed([Problem("instalments", _("Every instalment needs an amount greater than zero."))])
    with ws.dossier.transaction() as session:
        client_id = _client_invoices(session, invoice_ids)
        plan = PaymentPlan(client_id=client_id, agreed_on=agreed_on, notes=notes,
                           instalments=[Instalment(due_on=i.due_on, amount_cents=i.amount_cents) for i in instalments])
        session.add(plan)
        session.flush()
        _link(session, plan_invoices, "plan", plan.id, invoice_ids)
        record_action(session, client_id=client_id, kind=ActionKind.PLAN, occurred_on=agreed_on, summary=notes,
                      invoice_ids=invoice_ids, details={"instalments": len(instalments),
                                                        "total_cents": sum(i.amount_cents for i in instalments)})
        return plan.id


def write_off(ws: Workspace, invoice_id: int, on_date: date, reason: str) -> None:
    """Passage en irrécouvrable of what remains open on an invoice."""
    if not reason.strip():
        raise ValidationFailed([Problem("reason", _("Say why the invoice is written off."))])
    with ws.dossier.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None or invoice.kind != InvoiceKind.INVOICE:
            raise ValidationFailed([Problem("", _("Invoice #{id} does not exist.").format(id=invoice_id))])
        settled = session.scalar(select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(
            Allocation.invoice_id == invoice_id)) or 0
        remaining = invoice.amount_incl_cents - int(settled)
        if remaining <= 0:
            raise ValidationFailed([Problem("", _("Invoice {number} is already settled.").format(
                number=invoice.number))])
        session.add(Allocation(invoice_id=invoice_id, kind=SettlementKind.WRITE_OFF, amount_cents=remaining,
                               on_date=max(on_date, invoice.issue_date), reason=reason))
        record_action(session, client_id=invoice.client_id, kind=ActionKind.WRITE_OFF, occurred_on=on_date,
                      summary=reason, invoice_ids=(invoice_id,), details={"amount_cents": remaining})

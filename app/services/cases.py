"""Case use cases: disputes, promises to pay, payment plans and write-offs, each recorded in the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, DisputeOutcome, InvoiceKind
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
from app.services.dispute_reasons import MAX_REASON_LENGTH, reason_label
from app.services.dto import Problem
from app.services.entries import check_document, store_document
from app.services.history import record_action
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class InstalmentInput:
    due_on: date
    amount_cents: int


def client_of_invoices(session: Session, invoice_ids: tuple[int, ...]) -> int:
    """The one client all ``invoice_ids`` belong to; refuses an empty list or mixed clients."""
    if not invoice_ids:
        raise ValidationFailed([Problem("invoice_ids", _("Choose at least one invoice."))])
    clients = set(session.scalars(select(Invoice.client_id).where(
        Invoice.id.in_(invoice_ids), Invoice.kind == InvoiceKind.INVOICE)))
    found = session.scalar(select(func.count(Invoice.id)).where(Invoice.id.in_(invoice_ids)))
    if found != len(set(invoice_ids)) or len(clients) != 1:
        raise ValidationFailed([Problem("invoice_ids", _("The invoices must exist and belong to one client."))])
    return clients.pop()


def link_invoices(session: Session, table: object, owner: str, owner_id: int, invoice_ids: tuple[int, ...]) -> None:
    rows = [{f"{owner}_id": owner_id, "invoice_id": invoice_id} for invoice_id in sorted(set(invoice_ids))]
    session.execute(insert(table), rows)  # type: ignore[arg-type]


def check_reason(reason: str) -> list[Problem]:
    """A dispute's reason: a code of the list or text the user typed, not empty, at most 80 characters."""
    if not reason.strip():
        return [Problem("reason", _("Choose the reason of the dispute."))]
    if len(reason.strip()) > MAX_REASON_LENGTH:
        return [Problem("reason", _("A reason is at most {count} characters.").format(count=MAX_REASON_LENGTH))]
    return []


def open_dispute(ws: Workspace, invoice_ids: tuple[int, ...], reason: str, opened_on: date,
                 notes: str = "") -> int:
    """Open a litige: the invoices leave the ladder but stay in the aged balance. ``reason`` is a
    DisputeReason code or a reason the user added to the list."""
    reason = str(reason).strip()  # a DisputeReason member is stored as its code
    problems = check_reason(reason)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        client_id = client_of_invoices(session, invoice_ids)
        dispute = Dispute(client_id=client_id, opened_on=opened_on, reason=reason, notes=notes)
        session.add(dispute)
        session.flush()
        link_invoices(session, dispute_invoices, "dispute", dispute.id, invoice_ids)
        record_action(session, client_id=client_id, kind=ActionKind.DISPUTE_OPENED, occurred_on=opened_on,
                      summary=notes or reason_label(reason), invoice_ids=invoice_ids,
                      details={"reason": reason, "dispute_id": dispute.id})
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
        client_id = client_of_invoices(session, invoice_ids)
        promise = Promise(client_id=client_id, made_on=made_on, promised_on=promised_on, amount_cents=amount_cents,
                          recorded_by=recorded_by, notes=notes)
        session.add(promise)
        session.flush()
        link_invoices(session, promise_invoices, "promise", promise.id, invoice_ids)
        record_action(session, client_id=client_id, kind=ActionKind.PROMISE, occurred_on=made_on,
                      summary=notes, invoice_ids=invoice_ids,
                      details={"promised_on": promised_on.isoformat(), "amount_cents": amount_cents,
                               "promise_id": promise.id})
        return promise.id


def monthly_instalments(total_cents: int, count: int, first_due: date) -> list[InstalmentInput]:
    """``count`` monthly instalments from ``first_due``; the cents that do not divide go to the last one."""
    if count <= 0 or total_cents <= 0:
        raise ValidationFailed([Problem("count", _("A plan needs at least one instalment and an amount."))])
    share = total_cents // count
    amounts = [share] * (count - 1) + [total_cents - share * (count - 1)]
    return [InstalmentInput(add_months(first_due, index), amount) for index, amount in enumerate(amounts)]


def check_instalments(instalments: list[InstalmentInput]) -> list[Problem]:
    if not instalments or any(item.amount_cents <= 0 for item in instalments):
        return [Problem("instalments", _("Every instalment needs an amount greater than zero."))]
    return []


def create_plan(ws: Workspace, invoice_ids: tuple[int, ...], agreed_on: date,
                instalments: list[InstalmentInput], notes: str = "",
                signed: tuple[str, bytes] | None = None) -> int:
    """An échéancier whose instalments replace the covered invoices' due dates for the ladder; its signed copy
    (filename, content), when given, is stored with it in the same transaction."""
    problems = check_instalments(instalments) + (check_document(*signed) if signed is not None else [])
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        client_id = client_of_invoices(session, invoice_ids)
        plan = PaymentPlan(client_id=client_id, agreed_on=agreed_on, notes=notes,
                           instalments=[Instalment(due_on=i.due_on, amount_cents=i.amount_cents) for i in instalments])
        session.add(plan)
        session.flush()
        link_invoices(session, plan_invoices, "plan", plan.id, invoice_ids)
        record_action(session, client_id=client_id, kind=ActionKind.PLAN, occurred_on=agreed_on, summary=notes,
                      invoice_ids=invoice_ids, details={"instalments": len(instalments), "plan_id": plan.id,
                                                        "total_cents": sum(i.amount_cents for i in instalments)})
        if signed is not None:
            attach_signed_plan(ws, session, plan, *signed)
        return plan.id


def attach_signed_plan(ws: Workspace, session: Session, plan: PaymentPlan, filename: str, content: bytes) -> int:
    """Store the signed copy of ``plan`` in the caller's transaction; returns its history entry's id."""
    document = store_document(ws, session, filename, content)
    plan.signed_document_id = document.id
    return record_action(session, client_id=plan.client_id, kind=ActionKind.NOTE, occurred_on=ws.clock(),
                         summary=_("Signed payment plan attached"), document_id=document.id,
                         details={"filename": filename, "sha256": document.sha256, "plan_id": plan.id})


def write_off(ws: Workspace, invoice_ids: tuple[int, ...], on_date: date, reason: str) -> int:
    """Passage en irrécouvrable of what remains open on each invoice: all of them or none, one history entry
    listing them; returns the cents written off."""
    if not reason.strip():
        raise ValidationFailed([Problem("reason", _("Say why the invoice is written off."))])
    with ws.dossier.transaction() as session:
        client_id = client_of_invoices(session, tuple(invoice_ids))
        total = sum(_write_off_one(session, invoice_id, on_date, reason) for invoice_id in sorted(set(invoice_ids)))
        record_action(session, client_id=client_id, kind=ActionKind.WRITE_OFF, occurred_on=on_date,
                      summary=reason, invoice_ids=invoice_ids, details={"amount_cents": total})
        return total


def _write_off_one(session: Session, invoice_id: int, on_date: date, reason: str) -> int:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.kind != InvoiceKind.INVOICE:
        raise ValidationFailed([Problem("", _("Invoice #{id} does not exist.").format(id=invoice_id))])
    settled = session.scalar(select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(
        Allocation.invoice_id == invoice_id)) or 0
    remaining = invoice.amount_incl_cents - int(settled)
    if remaining <= 0:
        raise ValidationFailed([Problem("invoice_ids", _("Invoice {number} is already settled.").format(
            number=invoice.number))])
    session.add(Allocation(invoice_id=invoice_id, kind=SettlementKind.WRITE_OFF, amount_cents=remaining,
                           on_date=max(on_date, invoice.issue_date), reason=reason))
    session.flush()  # the allocation triggers check it now, naming this invoice
    return remaining

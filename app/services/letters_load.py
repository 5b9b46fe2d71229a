"""Reads what a letter states from the dossier, in a fixed number of queries, into plain letter data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, InvoiceKind
from app.domain.records import PaymentFacts, SettlementKind
from app.i18n import _
from app.letters.data import ActionLine, Attachment, CreditLine, Creditor, Debtor, Instalment, PlanTerms
from app.models import (
    Action,
    Allocation,
    Client,
    Company,
    Contact,
    Invoice,
    Payment,
    PaymentPlan,
    StoredDocument,
    action_invoices,
    plan_invoices,
)
from app.models import (
    Instalment as InstalmentRow,
)
from app.services.client_page import instalment_states
from app.services.dto import Problem
from app.services.validation import ValidationFailed

REMINDER_KINDS = (ActionKind.REMINDER, ActionKind.LETTER, ActionKind.FORMAL_NOTICE)


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    id: int
    number: str
    issue_date: date
    due_date: date
    amount_cents: int
    no_reminder: bool
    original_document_id: int | None
    settlements: tuple[tuple[date, int], ...]  # every allocation on it (payments, credit notes, write-offs)

    def settled(self, as_of: date) -> int:
        return sum(cents for on, cents in self.settlements if on <= as_of)


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: int
    on: date
    kind: ActionKind
    channel: str
    summary: str
    document_id: int | None
    document_name: str


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed([Problem("", message)])


def read_creditor(session: Session) -> tuple[Creditor, int | None]:
    company = session.get(Company, 1)
    if company is None:
        raise _fail(_("The dossier has no company identity: fill it in first."))
    logo = None
    if company.logo_document_id is not None:
        logo = session.scalar(select(StoredDocument.content).where(StoredDocument.id == company.logo_document_id))
    lines = (company.address_line1, company.address_line2, f"{company.postcode} {company.city}".strip())
    return Creditor(
        name=company.legal_name, legal_form=company.legal_form, siren=company.siren, vat_number=company.vat_number,
        address_lines=tuple(line for line in lines if line), city=company.city, email=company.email,
        phone=company.phone, iban=company.iban, bic=company.bic, signatory_name=company.signatory_name,
        signatory_title=company.signatory_title, logo=bytes(logo) if logo else None,
    ), company.penalty_rate_bp


def read_debtor(session: Session, client_id: int) -> Debtor:
    client = session.get(Client, client_id)
    if client is None:
        raise _fail(_("Client #{id} does not exist.").format(id=client_id))
    contact = session.scalar(select(Contact.name).where(Contact.client_id == client_id)
                             .order_by(Contact.is_billing.desc(), Contact.id).limit(1))
    lines = [client.address_line1, client.address_line2, f"{client.postcode} {client.city}".strip()]
    if client.country and client.country != "FR":
        lines.append(client.country)
    return Debtor(code=client.account_code, name=client.name, siren=client.siren, vat_number=client.vat_number,
                  contact_name=contact or "", address_lines=tuple(line for line in lines if line),
                  language=client.language.value, is_consumer=client.is_consumer)


@dataclass(frozen=True, slots=True)
class CreditSources:
    """Credit notes and payments of the client with what was allocated from each, and when."""

    notes: tuple[tuple[int, str, date, int], ...]  # (id, number, issue date, amount)
    payments: tuple[tuple[int, date, int, str], ...]  # (id, received on, amount, bank reference)
    used_notes: dict[int, list[tuple[date, int]]]
    used_payments: dict[int, list[tuple[date, int]]]

    def unallocated(self, as_of: date) -> list[CreditLine]:
        """Those dated by ``as_of`` with what no invoice has absorbed by then."""
        credits: list[CreditLine] = []
        for note_id, number, issued, cents in self.notes:
            left = cents - sum(c for on, c in self.used_notes.get(note_id, ()) if on <= as_of)
            if issued <= as_of and left > 0:
                credits.append(CreditLine("credit_note", number, issued, left))
        for pay_id, received, cents, reference in self.payments:
            left = cents - sum(c for on, c in self.used_payments.get(pay_id, ()) if on <= as_of)
            if received <= as_of and left > 0:
                credits.append(CreditLine("payment", reference or "", received, left))
        return sorted(credits, key=lambda line: (line.on, line.kind, line.reference))


def read_invoices(session: Session, client_id: int) -> tuple[list[InvoiceRow], CreditSources]:
    """The client's invoices with their settlements, and its credit notes and payments."""
    settlements: dict[int, list[tuple[date, int]]] = defaultdict(list)
    used_notes: dict[int, list[tuple[date, int]]] = defaultdict(list)
    used_payments: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for invoice_id, kind, payment_id, note_id, cents, on in session.execute(
            select(Allocation.invoice_id, Allocation.kind, Allocation.payment_id, Allocation.credit_note_id,
                   Allocation.amount_cents, Allocation.on_date)
            .join(Invoice, Invoice.id == Allocation.invoice_id).where(Invoice.client_id == client_id)):
        settlements[invoice_id].append((on, cents))
        if kind == SettlementKind.CREDIT_NOTE and note_id is not None:
            used_notes[note_id].append((on, cents))
        elif kind == SettlementKind.PAYMENT and payment_id is not None:
            used_payments[payment_id].append((on, cents))
    invoices: list[InvoiceRow] = []
    notes: list[tuple[int, str, date, int]] = []
    for row in session.execute(select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date,
                                      Invoice.amount_incl_cents, Invoice.no_reminder, Invoice.original_document_id)
                               .where(Invoice.client_id == client_id).order_by(Invoice.due_date, Invoice.number)):
        if row.kind == InvoiceKind.CREDIT_NOTE:
            notes.append((row.id, row.number, row.issue_date, row.amount_incl_cents))
        else:
            invoices.append(InvoiceRow(row.id, row.number, row.issue_date, row.due_date, row.amount_incl_cents,
                                       row.no_reminder, row.original_document_id, tuple(settlements[row.id])))
    payments = tuple((r.id, r.received_on, r.amount_cents, r.bank_reference) for r in session.execute(
        select(Payment.id, Payment.received_on, Payment.amount_cents, Payment.bank_reference)
        .where(Payment.client_id == client_id).order_by(Payment.received_on, Payment.id)))
    return invoices, CreditSources(tuple(notes), payments, used_notes, used_payments)


def read_actions(session: Session, client_id: int, as_of: date) -> list[ActionRow]:
    """The client's history up to ``as_of``, oldest first."""
    rows = session.execute(
        select(Action.id, Action.occurred_on, Action.kind, Action.channel, Action.summary, Action.document_id,
               StoredDocument.filename)
        .outerjoin(StoredDocument, StoredDocument.id == Action.document_id)
        .where(Action.client_id == client_id, Action.occurred_on <= as_of)
        .order_by(Action.occurred_on, Action.recorded_at, Action.id))
    return [ActionRow(r.id, r.occurred_on, ActionKind(r.kind), r.channel.value if r.channel else "", r.summary,
                      r.document_id, r.filename or "") for r in rows]


def about_invoices(session: Session, actions: list[ActionRow], invoice_ids: set[int]) -> list[ActionRow]:
    """The entries that concern ``invoice_ids``, or the client as a whole (linked to no invoice): a letter about
    some invoices must not cite the reminders and notices sent about others, long paid."""
    if not actions:
        return []
    links: dict[int, set[int]] = {}
    for action_id, invoice_id in session.execute(select(action_invoices.c.action_id, action_invoices.c.invoice_id)
                                                 .where(action_invoices.c.action_id.in_([a.id for a in actions]))):
        links.setdefault(action_id, set()).add(invoice_id)
    return [a for a in actions if a.id not in links or links[a.id] & invoice_ids]


def action_lines(actions: list[ActionRow], kinds: tuple[ActionKind, ...] | None = None) -> tuple[ActionLine, ...]:
    return tuple(ActionLine(a.on, a.kind.value, a.channel, a.summary, a.document_name)
                 for a in actions if kinds is None or a.kind in kinds)


def read_plan(session: Session, client_id: int, as_of: date) -> PlanTerms | None:
    """The client's latest payment plan agreed by ``as_of`` and not cancelled then."""
    plan = session.scalar(select(PaymentPlan).where(PaymentPlan.client_id == client_id,
                                                    PaymentPlan.agreed_on <= as_of)
                          .order_by(PaymentPlan.agreed_on.desc(), PaymentPlan.id.desc()).limit(1))
    if plan is None or (plan.cancelled_on is not None and plan.cancelled_on <= as_of):
        return None
    dues = [(row.due_on, row.amount_cents) for row in session.scalars(
        select(InstalmentRow).where(InstalmentRow.plan_id == plan.id).order_by(InstalmentRow.due_on))]
    numbers = tuple(sorted(session.scalars(select(Invoice.number).join(
        plan_invoices, plan_invoices.c.invoice_id == Invoice.id).where(plan_invoices.c.plan_id == plan.id))))
    payments = [PaymentFacts(client_id, on, cents) for on, cents in session.execute(
        select(Payment.received_on, Payment.amount_cents).where(Payment.client_id == client_id))]
    states = instalment_states(plan.agreed_on, plan.cancelled_on, dues, payments, as_of)
    return PlanTerms(plan.agreed_on, numbers, tuple(Instalment(on, cents, state)
                                                     for (on, cents), state in zip(dues, states, strict=True)))


def read_attachments(session: Session, wanted: list[tuple[int, str]]) -> tuple[Attachment, ...]:
    """The stored documents ``(id, title)`` in that order (each once)."""
    ids = list(dict.fromkeys(document_id for document_id, _title in wanted))
    found = {row.id: row for row in session.execute(
        select(StoredDocument.id, StoredDocument.filename, StoredDocument.mime_type, StoredDocument.content)
        .where(StoredDocument.id.in_(ids)))} if ids else {}
    seen: set[int] = set()
    attachments: list[Attachment] = []
    for document_id, title in wanted:
        row = found.get(document_id)
        if row is None or document_id in seen:
            continue
        seen.add(document_id)
        attachments.append(Attachment(title, row.filename, row.mime_type, bytes(row.content)))
    return tuple(attachments)

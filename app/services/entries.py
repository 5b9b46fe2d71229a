"""Entry helpers for the dialogs: recovery costs, attached documents, and the choices the pickers list."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import kpis
from app.domain.kinds import ActionKind, CostKind, InvoiceKind, Language, Source
from app.domain.records import PaymentFacts, PromiseFacts
from app.i18n import _
from app.models import (
    Allocation,
    Client,
    Company,
    Contact,
    Dispute,
    Invoice,
    Ladder,
    Payment,
    PaymentPlan,
    Promise,
    RecoveryCost,
    Segment,
    StoredDocument,
    dispute_invoices,
)
from app.services.clients import check_client, check_contact
from app.services.dto import ClientInput, ContactInput, ContactView, InvoiceInput, Problem
from app.services.history import record_action
from app.services.invoices import check_invoice
from app.services.queries import open_invoices
from app.services.settings import PROMISE_GRACE_DAYS, read_setting
from app.services.validation import ValidationFailed, compact_identifier
from app.services.workspace import Workspace

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ClientChoice:
    id: int
    account_code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.account_code} — {self.name}"


@dataclass(frozen=True, slots=True)
class SegmentChoice:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class LadderChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class OpenItemChoice:
    """An invoice still open on the as-of date, for allocation grids and case pickers."""

    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    amount_cents: int
    open_cents: int


@dataclass(frozen=True, slots=True)
class CreditNoteChoice:
    """A credit note with what remains of it to allocate."""

    id: int
    number: str
    issue_date: date
    remaining_cents: int


@dataclass(frozen=True, slots=True)
class DisputeChoice:
    id: int
    opened_on: date
    reason: str  # a DisputeReason code or a reason the user added to the list
    numbers: tuple[str, ...]
    notes: str


@dataclass(frozen=True, slots=True)
class PromiseStatus:
    """A promise to pay and its outcome as of a date ("pending", "kept" or "broken")."""

    id: int
    made_on: date
    promised_on: date
    amount_cents: int
    outcome: kpis.PromiseOutcome



@dataclass(frozen=True, slots=True)
class ClientDetail:
    """A client as its edit form needs it."""

    id: int
    data: ClientInput
    contacts: tuple[ContactView, ...]


def _check_client(session: Session, client_id: int) -> None:
    if session.get(Client, client_id) is None:
        raise ValidationFailed([Problem("client_id", _("Client #{id} does not exist.").format(id=client_id))])


def record_recovery_cost(ws: Workspace, client_id: int, on_date: date, kind: CostKind, amount_cents: int,
                         notes: str = "") -> int:
    """A cost of recovering the client's debt (postage, LRAR, bailiff, agency), with its history entry."""
    if amount_cents <= 0:
        raise ValidationFailed([Problem("amount_cents", _("The amount must be greater than zero."))])
    with ws.dossier.transaction() as session:
        _check_client(session, client_id)
        action_id = record_action(session, client_id=client_id, kind=ActionKind.NOTE, occurred_on=on_date,
                                  summary=notes or _("Recovery cost"),
                                  details={"cost_kind": kind.value, "amount_cents": amount_cents})
        cost = RecoveryCost(client_id=client_id, on_date=on_date, kind=kind, amount_cents=amount_cents,
                            notes=notes, action_id=action_id)
        session.add(cost)
        session.flush()
        return cost.id


def attach_document(ws: Workspace, filename: str, content: bytes, *, invoice_id: int | None = None,
                    plan_id: int | None = None) -> int:
    """Store a file in the dossier with its SHA-256 and link it to an invoice (original) or a plan (signed)."""
    if (invoice_id is None) == (plan_id is None):
        raise ValidationFailed([Problem("", _("Attach the document to one invoice or one plan."))])
    problems = check_document(filename, content)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        owner: Invoice | PaymentPlan | None = (
            session.get(Invoice, invoice_id) if invoice_id is not None else session.get(PaymentPlan, plan_id))
        if owner is None:
            raise ValidationFailed([Problem("", _("The record to attach the document to does not exist."))])
        document = _document(ws, filename, content)
        session.add(document)
        session.flush()
        invoice_ids: tuple[int, ...] = ()
        if isinstance(owner, Invoice):
            owner.original_document_id = document.id
            summary, invoice_ids = _("Original of invoice {number} attached").format(number=owner.number), (owner.id,)
        else:
            owner.signed_document_id = document.id
            summary, invoice_ids = _("Signed payment plan attached"), ()
        record_action(session, client_id=owner.client_id, kind=ActionKind.NOTE, occurred_on=ws.clock(),
                      summary=summary, invoice_ids=invoice_ids, document_id=document.id,
                      details={"filename": filename, "sha256": document.sha256})
        return document.id


def check_document(filename: str, content: bytes) -> list[Problem]:
    """Why a file cannot be stored in the dossier (empty, over 20 MB), under the field ``document``."""
    if not content:
        return [Problem("document", _("The file {name} is empty.").format(name=filename))]
    if len(content) > MAX_DOCUMENT_BYTES:
        return [Problem("document", _("The file {name} is larger than 20 MB.").format(name=filename))]
    return []


def store_document(ws: Workspace, session: Session, filename: str, content: bytes) -> StoredDocument:
    """Add a file to the dossier in the caller's transaction; the caller checked it with check_document."""
    document = _document(ws, filename, content)
    session.add(document)
    session.flush()
    return document


def _document(ws: Workspace, filename: str, content: bytes) -> StoredDocument:
    return StoredDocument(
        filename=filename[:255], mime_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        sha256=hashlib.sha256(content).hexdigest(), content=content,
        created_at=datetime.combine(ws.clock(), datetime.min.time()))


def client_choices(ws: Workspace) -> list[ClientChoice]:
    """Every client for a picker, by account code."""
    with ws.dossier.reading() as session:
        rows = session.execute(select(Client.id, Client.account_code, Client.name).order_by(Client.account_code))
        return [ClientChoice(*row) for row in rows]


def segment_choices(ws: Workspace) -> list[SegmentChoice]:
    with ws.dossier.reading() as session:
        return [SegmentChoice(*row) for row in session.execute(
            select(Segment.code, Segment.label).order_by(Segment.label))]


def ladder_choices(ws: Workspace) -> list[LadderChoice]:
    """The dossier's ladders by name, for a client's own ladder."""
    with ws.dossier.reading() as session:
        return [LadderChoice(*row) for row in session.execute(select(Ladder.id, Ladder.name).order_by(Ladder.name))]


def client_detail(ws: Workspace, client_id: int) -> ClientDetail:
    """A client's fields and contacts, to fill its edit form."""
    with ws.dossier.reading() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise ValidationFailed([Problem("client_id", _("Client #{id} does not exist.").format(id=client_id))])
        data = ClientInput(
            account_code=client.account_code, name=client.name, siren=client.siren, vat_number=client.vat_number,
            address_line1=client.address_line1, address_line2=client.address_line2, postcode=client.postcode,
            city=client.city, country=client.country, language=Language(client.language),
            is_consumer=client.is_consumer, segment_code=client.segment_code, ladder_id=client.ladder_id,
            credit_limit_cents=client.credit_limit_cents, payment_terms_days=client.payment_terms_days,
            do_not_remind=client.do_not_remind, do_not_remind_reason=client.do_not_remind_reason,
            notes=client.notes)
        contacts = tuple(ContactView(c.id, c.name, c.role, c.email, c.phone, c.is_billing) for c in session.scalars(
            select(Contact).where(Contact.client_id == client_id).order_by(Contact.id)))
        return ClientDetail(client_id, data, contacts)


def open_items_for_client(ws: Workspace, client_id: int, as_of: date) -> list[OpenItemChoice]:
    """The client's invoices open on ``as_of``, oldest due date first (the allocation grid's order)."""
    with ws.dossier.reading() as session:
        items = open_invoices(as_of, Invoice.client_id == client_id).subquery()
        statement = (
            select(Invoice.id, Invoice.number, Invoice.issue_date, Invoice.due_date, Invoice.amount_incl_cents,
                   items.c.open_cents)
            .join(items, items.c.id == Invoice.id)
            .order_by(Invoice.due_date, Invoice.id)
        )
        return [OpenItemChoice(row[0], row[1], row[2], row[3], row[4], int(row[5]))
                for row in session.execute(statement)]


def open_credit_notes(ws: Workspace, client_id: int, as_of: date) -> list[CreditNoteChoice]:
    """The client's credit notes issued by ``as_of`` with something left to allocate."""
    with ws.dossier.reading() as session:
        used = (select(Allocation.credit_note_id, func.sum(Allocation.amount_cents).label("used"))
                .group_by(Allocation.credit_note_id).subquery())
        statement = (
            select(Invoice.id, Invoice.number, Invoice.issue_date,
                   Invoice.amount_incl_cents - func.coalesce(used.c.used, 0))
            .outerjoin(used, used.c.credit_note_id == Invoice.id)
            .where(Invoice.client_id == client_id, Invoice.kind == InvoiceKind.CREDIT_NOTE,
                   Invoice.issue_date <= as_of)
            .order_by(Invoice.issue_date, Invoice.id)
        )
        return [CreditNoteChoice(row[0], row[1], row[2], int(row[3]))
                for row in session.execute(statement) if int(row[3]) > 0]


def open_disputes(ws: Workspace, client_id: int) -> list[DisputeChoice]:
    """The client's disputes not yet resolved, with the numbers of their invoices."""
    with ws.dossier.reading() as session:
        disputes = session.scalars(select(Dispute).where(
            Dispute.client_id == client_id, Dispute.resolved_on.is_(None)).order_by(Dispute.opened_on)).all()
        numbers: dict[int, list[str]] = {}
        for dispute_id, number in session.execute(
                select(dispute_invoices.c.dispute_id, Invoice.number)
                .join(Invoice, Invoice.id == dispute_invoices.c.invoice_id)
                .where(dispute_invoices.c.dispute_id.in_([d.id for d in disputes])).order_by(Invoice.number)):
            numbers.setdefault(dispute_id, []).append(number)
        return [DisputeChoice(d.id, d.opened_on, d.reason, tuple(numbers.get(d.id, ())), d.notes)
                for d in disputes]


def promise_statuses(ws: Workspace, client_id: int, as_of: date) -> list[PromiseStatus]:
    """The client's promises made by ``as_of``, each pending, kept or broken as derived from payments."""
    with ws.dossier.reading() as session:
        grace = int(read_setting(session, PROMISE_GRACE_DAYS))
        promises = session.scalars(select(Promise).where(
            Promise.client_id == client_id, Promise.made_on <= as_of).order_by(Promise.promised_on, Promise.id)).all()
        payments = [PaymentFacts(*row) for row in session.execute(
            select(Payment.client_id, Payment.received_on, Payment.amount_cents).where(
                Payment.client_id == client_id, Payment.received_on <= as_of))]
        facts = [PromiseFacts(p.client_id, p.made_on, p.promised_on, p.amount_cents) for p in promises]
        outcomes = kpis.promise_outcomes(facts, payments, as_of, grace)
        return [PromiseStatus(p.id, p.made_on, p.promised_on, p.amount_cents, outcome)
                for p, outcome in zip(promises, outcomes, strict=True)]


@dataclass(frozen=True, slots=True)
class ContactEdit:
    """A contact as typed in the client form; ``id`` None for a new one."""

    id: int | None
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    is_billing: bool = False


def check_client_form(data: ClientInput, contacts: tuple[ContactEdit, ...]) -> list[Problem]:
    """The client's problems, then each contact's under the field ``contacts``."""
    problems = check_client(data)
    for contact in contacts:
        for problem in check_contact(ContactInput(0, contact.name, contact.role, contact.email, contact.phone)):
            problems.append(Problem("contacts", f"{contact.name or '?'} : {problem.message}"))
    if sum(contact.is_billing for contact in contacts) > 1:
        problems.append(Problem("contacts", _("Only one contact can be the billing contact.")))
    return problems


def save_client(ws: Workspace, client_id: int | None, data: ClientInput, contacts: tuple[ContactEdit, ...]) -> int:
    """Create (``client_id`` None) or update a client with its contacts in one transaction; returns its id."""
    problems = check_client_form(data, contacts)
    if problems:
        raise ValidationFailed(problems)
    values = asdict(data)
    values["siren"], values["vat_number"] = compact_identifier(data.siren), compact_identifier(data.vat_number)
    with ws.dossier.transaction() as session:
        existing = session.scalar(select(Client.id).where(Client.account_code == data.account_code))
        if existing is not None and existing != client_id:
            raise ValidationFailed([Problem("account_code", _("Account code {code} is already used.").format(
                code=data.account_code))])
        if client_id is None:
            client = Client(**values, created_at=datetime.combine(ws.clock(), datetime.min.time()))
            session.add(client)
        else:
            found = session.get(Client, client_id)
            if found is None:
                raise ValidationFailed([Problem("", _("Client #{id} does not exist.").format(id=client_id))])
            client = found
            for key, value in values.items():
                setattr(client, key, value)
        session.flush()
        known = {contact.id: contact for contact in client.contacts}
        for edit in contacts:
            fields = {"name": edit.name.strip(), "role": edit.role.strip(), "email": edit.email.strip(),
                      "phone": edit.phone.strip(), "is_billing": edit.is_billing}
            if edit.id is not None and edit.id in known:
                for key, value in fields.items():
                    setattr(known[edit.id], key, value)
            else:
                client.contacts.append(Contact(**fields))
        return client.id


def add_invoice_with_original(ws: Workspace, data: InvoiceInput, filename: str, content: bytes) -> int:
    """An invoice typed by hand and its original file, stored together in one transaction."""
    problems = check_invoice(data)
    if not content:
        problems.append(Problem("document", _("The file {name} is empty.").format(name=filename)))
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        problems = []
        if session.get(Client, data.client_id) is None:
            problems.append(Problem("client_id", _("Client #{id} does not exist.").format(id=data.client_id)))
        if session.scalar(select(Invoice.id).where(Invoice.number == data.number)) is not None:
            problems.append(Problem("number", _("Number {number} is already used.").format(number=data.number)))
        if problems:
            raise ValidationFailed(problems)
        document = _document(ws, filename, content)
        session.add(document)
        session.flush()
        invoice = Invoice(**asdict(data), source=Source.MANUAL, original_document_id=document.id)
        session.add(invoice)
        session.flush()
        record_action(session, client_id=data.client_id, kind=ActionKind.NOTE, occurred_on=ws.clock(),
                      summary=_("Original of invoice {number} attached").format(number=data.number),
                      invoice_ids=(invoice.id,), document_id=document.id,
                      details={"filename": filename, "sha256": document.sha256})
        return invoice.id


@dataclass(frozen=True, slots=True)
class InvoiceDetail:
    """An invoice or credit note as its edit form needs it; ``original`` is the attached file's name."""

    id: int
    data: InvoiceInput
    original: str | None


def invoice_detail(ws: Workspace, invoice_id: int) -> InvoiceDetail:
    with ws.dossier.reading() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise ValidationFailed([Problem("", _("Invoice #{id} does not exist.").format(id=invoice_id))])
        data = InvoiceInput(
            number=invoice.number, client_id=invoice.client_id, issue_date=invoice.issue_date,
            due_date=invoice.due_date, amount_incl_cents=invoice.amount_incl_cents,
            amount_excl_cents=invoice.amount_excl_cents, kind=InvoiceKind(invoice.kind),
            no_reminder=invoice.no_reminder, notes=invoice.notes)
        original = session.scalar(select(StoredDocument.filename).where(
            StoredDocument.id == invoice.original_document_id)) if invoice.original_document_id else None
        return InvoiceDetail(invoice_id, data, original)


def payment_terms_days(ws: Workspace, client_id: int) -> int:
    """The client's payment terms, or the dossier's default when the client has none."""
    with ws.dossier.reading() as session:
        terms = session.scalar(select(Client.payment_terms_days).where(Client.id == client_id))
        if terms is None:
            terms = session.scalar(select(Company.payment_terms_days).where(Company.id == 1))
        return int(terms) if terms is not None else 30

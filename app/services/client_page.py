"""One client's page as of a date: identity and contacts, the ledger with a running balance, the history
timeline (actions, promises with their outcome, plans, disputes, recovery costs) and the risk grade.

A fixed number of queries per page, whatever the number of invoices (no per-row query).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, Channel, CostKind, DisputeOutcome, InvoiceKind, Language
from app.domain.kpis import PromiseOutcome, promise_outcomes
from app.domain.periods import trailing_days
from app.domain.records import (
    DisputeSpan,
    InvoiceFacts,
    InvoiceStatus,
    PaymentFacts,
    PromiseFacts,
    Settlement,
    SettlementKind,
)
from app.domain.risk import WINDOW_DAYS, RiskGrade, assess
from app.domain.status import days_past_due, open_cents, status
from app.i18n import _
from app.models import (
    Action,
    Allocation,
    Client,
    Contact,
    Dispute,
    Instalment,
    Invoice,
    Ladder,
    Payment,
    PaymentPlan,
    Promise,
    RecoveryCost,
    Segment,
    StoredDocument,
    action_invoices,
    dispute_invoices,
    plan_invoices,
    promise_invoices,
)
from app.services.case_links import DISPUTE, PLAN, PROMISE, CaseRef, case_links
from app.services.dto import ContactView, Problem
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

# Ledger line kinds, in the order lines of the same day are listed.
INVOICE, CREDIT_NOTE, PAYMENT, WRITE_OFF, UNALLOCATED = (
    "invoice", "credit_note", "payment", "write_off", "unallocated")
_DAY_ORDER = {INVOICE: 0, CREDIT_NOTE: 1, PAYMENT: 2, WRITE_OFF: 3}



@dataclass(frozen=True, slots=True)
class ClientIdentity:
    id: int
    account_code: str
    name: str
    siren: str
    vat_number: str
    address_line1: str
    address_line2: str
    postcode: str
    city: str
    country: str
    language: Language
    is_consumer: bool
    segment_label: str
    ladder_name: str  # the client's own ladder, else its segment's, else "" (the dossier default applies)
    payment_terms_days: int | None
    credit_limit_cents: int | None
    do_not_remind: bool
    do_not_remind_reason: str
    notes: str
    contacts: tuple[ContactView, ...]


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One line of the grand livre.

    Attributes:
        kind: invoice, credit_note, payment, write_off, or unallocated (the last line, outside the balance).
        amount_cents: signed effect on the balance (invoice +, credit note, payment and write-off −); for the
            unallocated line, the cents of payments and credit notes not yet allocated (positive, informative).
        balance_cents: running balance after this line (unchanged by the unallocated line).
        open_cents, days_late, status, due_date: invoices only (None otherwise).
        detail: the invoices a payment or credit note settled, a write-off's reason, the payment method.
    """

    on: date
    kind: str
    reference: str
    amount_cents: int
    balance_cents: int
    due_date: date | None = None
    open_cents: int | None = None
    days_late: int | None = None
    status: InvoiceStatus | None = None
    invoice_id: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """An action of the append-only history; ``details`` are the JSON details as (key, text) pairs."""

    id: int
    on: date
    kind: ActionKind
    channel: Channel | None
    summary: str
    details: tuple[tuple[str, str], ...]
    invoice_numbers: tuple[str, ...]
    document_id: int | None
    document_filename: str
    recorded_by: str
    case: CaseRef | None = None  # the dispute, promise or plan it concerns (its edit form opens from here)


@dataclass(frozen=True, slots=True)
class PromiseLine:
    made_on: date
    promised_on: date
    amount_cents: int
    outcome: PromiseOutcome
    invoice_numbers: tuple[str, ...]
    notes: str
    case: CaseRef | None = None


@dataclass(frozen=True, slots=True)
class InstalmentLine:
    """``state``: paid, overdue, upcoming, or cancelled (payments received from the plan's agreement
    cover its instalments in due order)."""

    due_on: date
    amount_cents: int
    state: str


@dataclass(frozen=True, slots=True)
class PlanLine:
    agreed_on: date
    cancelled_on: date | None
    invoice_numbers: tuple[str, ...]
    instalments: tuple[InstalmentLine, ...]
    notes: str
    case: CaseRef | None = None


@dataclass(frozen=True, slots=True)
class DisputeLine:
    opened_on: date
    reason: str  # a DisputeReason code or a reason the user added
    resolved_on: date | None
    outcome: DisputeOutcome | None
    invoice_numbers: tuple[str, ...]
    notes: str
    case: CaseRef | None = None

    def is_open(self, as_of: date) -> bool:
        return self.opened_on <= as_of and (self.resolved_on is None or as_of < self.resolved_on)


@dataclass(frozen=True, slots=True)
class CostLine:
    on: date
    kind: CostKind
    amount_cents: int
    notes: str


@dataclass(frozen=True, slots=True)
class ClientPage:
    """Everything the client page shows, as of ``as_of``.

    Attributes:
        balance_cents: net balance (last running balance): open invoices minus unallocated credits.
        overdue_cents: open invoice cents due before ``as_of``.
        unallocated_cents: payments and credit notes not yet allocated.
        over_credit_limit: the net balance exceeds the credit limit.
    """

    as_of: date
    identity: ClientIdentity
    ledger: tuple[LedgerLine, ...]
    balance_cents: int
    overdue_cents: int
    unallocated_cents: int
    history: tuple[HistoryEntry, ...]
    promises: tuple[PromiseLine, ...]
    plans: tuple[PlanLine, ...]
    disputes: tuple[DisputeLine, ...]
    costs: tuple[CostLine, ...]
    risk: RiskGrade
    over_credit_limit: bool


def client_id_for_code(ws: Workspace, code: str) -> int | None:
    """The id of the client with account code ``code`` (exact), or None."""
    with ws.dossier.reading() as session:
        return session.scalar(select(Client.id).where(Client.account_code == code))


def document_bytes(ws: Workspace, document_id: int) -> tuple[str, bytes]:
    """(filename, content) of a stored document, to open it outside the application."""
    with ws.dossier.reading() as session:
        row = session.execute(select(StoredDocument.filename, StoredDocument.content)
                              .where(StoredDocument.id == document_id)).one_or_none()
    if row is None:
        raise ValidationFailed([Problem("", _("Document #{id} does not exist.").format(id=document_id))])
    return row.filename, bytes(row.content)


def client_page(ws: Workspace, client_id: int, as_of: date) -> ClientPage:
    """The page of client ``client_id`` as of ``as_of``. Raises ValidationFailed when it does not exist."""
    with ws.dossier.reading() as session:
        identity = _identity(session, client_id)
        documents = _documents(session, client_id)
        numbers, facts = documents.numbers, documents.facts
        ledger, unallocated = _ledger(session, client_id, documents, as_of)
        payments = [PaymentFacts(client_id, on, cents) for on, cents in session.execute(
            select(Payment.received_on, Payment.amount_cents).where(Payment.client_id == client_id))]
        promises = _promises(session, client_id, numbers, payments, as_of)
        plans = _plans(session, client_id, numbers, payments, as_of)
        disputes = _disputes(session, client_id, numbers)
        history = _history(session, client_id, numbers)
        costs = tuple(CostLine(c.on_date, c.kind, c.amount_cents, c.notes) for c in session.scalars(
            select(RecoveryCost).where(RecoveryCost.client_id == client_id).order_by(RecoveryCost.on_date.desc())))
    balance = ledger[-1].balance_cents if ledger else 0
    if unallocated:
        ledger.append(LedgerLine(
            as_of, UNALLOCATED, _("Unallocated payments and credit notes"), unallocated, balance,
            detail=_("Not yet set against an invoice; already deducted from the balance")))
    overdue = sum(open_cents(inv, as_of) for inv in facts if inv.due_date < as_of)
    window = trailing_days(as_of, WINDOW_DAYS)
    broken = sum(1 for p in promises if p.outcome == "broken" and p.promised_on in window)
    risk = assess(facts, as_of, credit_limit_cents=identity.credit_limit_cents,
                  open_disputes=sum(1 for d in disputes if d.is_open(as_of)), broken_promises=broken)
    limit = identity.credit_limit_cents
    return ClientPage(
        as_of=as_of, identity=identity, ledger=tuple(ledger), balance_cents=balance, overdue_cents=overdue,
        unallocated_cents=unallocated, history=history, promises=promises, plans=plans, disputes=disputes,
        costs=costs, risk=risk, over_credit_limit=limit is not None and balance > limit,
    )


def _identity(session: Session, client_id: int) -> ClientIdentity:
    row = session.execute(
        select(Client, Segment.label, Segment.ladder_id).outerjoin(Segment, Segment.code == Client.segment_code)
        .where(Client.id == client_id)).one_or_none()
    if row is None:
        raise ValidationFailed([Problem("client_id", _("Client #{id} does not exist.").format(id=client_id))])
    client, segment_label, segment_ladder = row
    ladder_id = client.ladder_id if client.ladder_id is not None else segment_ladder
    ladder_name = session.scalar(select(Ladder.name).where(Ladder.id == ladder_id)) if ladder_id else None
    contacts = tuple(
        ContactView(c.id, c.name, c.role, c.email, c.phone, c.is_billing) for c in session.scalars(
            select(Contact).where(Contact.client_id == client_id).order_by(Contact.is_billing.desc(), Contact.id)))
    return ClientIdentity(
        id=client.id, account_code=client.account_code, name=client.name, siren=client.siren,
        vat_number=client.vat_number, address_line1=client.address_line1, address_line2=client.address_line2,
        postcode=client.postcode, city=client.city, country=client.country, language=client.language,
        is_consumer=client.is_consumer, segment_label=segment_label or "", ladder_name=ladder_name or "",
        payment_terms_days=client.payment_terms_days, credit_limit_cents=client.credit_limit_cents,
        do_not_remind=client.do_not_remind, do_not_remind_reason=client.do_not_remind_reason, notes=client.notes,
        contacts=contacts,
    )


@dataclass(frozen=True, slots=True)
class _Documents:
    """The client's invoices and credit notes with every allocation on them, read in three queries."""

    numbers: dict[int, str]
    facts: list[InvoiceFacts]  # invoices only, with all their settlements and dispute spans
    credit_notes: list[tuple[int, date, int]]  # (id, issue date, amount)
    allocations: list[tuple[int, int, SettlementKind, int | None, int | None, int, date, str]]


def _documents(session: Session, client_id: int) -> _Documents:
    allocations = [
        (row[0], row[1], SettlementKind(row[2]), row[3], row[4], row[5], row[6], row[7]) for row in session.execute(
            select(Allocation.id, Allocation.invoice_id, Allocation.kind, Allocation.payment_id,
                   Allocation.credit_note_id, Allocation.amount_cents, Allocation.on_date, Allocation.reason)
            .join(Invoice, Invoice.id == Allocation.invoice_id).where(Invoice.client_id == client_id))]
    settlements: dict[int, list[Settlement]] = defaultdict(list)
    for _id, invoice_id, kind, _pay, _note, cents, on, _reason in allocations:
        settlements[invoice_id].append(Settlement(on, cents, kind))
    spans: dict[int, list[DisputeSpan]] = defaultdict(list)
    for invoice_id, opened, resolved in session.execute(
            select(dispute_invoices.c.invoice_id, Dispute.opened_on, Dispute.resolved_on)
            .join(Dispute, Dispute.id == dispute_invoices.c.dispute_id).where(Dispute.client_id == client_id)):
        spans[invoice_id].append(DisputeSpan(opened, resolved))
    numbers: dict[int, str] = {}
    facts: list[InvoiceFacts] = []
    credit_notes: list[tuple[int, date, int]] = []
    for invoice_id, number, doc_kind, issued, due, cents in session.execute(
            select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date,
                   Invoice.amount_incl_cents).where(Invoice.client_id == client_id)):
        numbers[invoice_id] = number
        if doc_kind == InvoiceKind.CREDIT_NOTE:
            credit_notes.append((invoice_id, issued, cents))
        else:
            facts.append(InvoiceFacts(invoice_id, client_id, issued, due, cents,
                                      tuple(settlements.get(invoice_id, ())), tuple(spans.get(invoice_id, ()))))
    return _Documents(numbers, facts, credit_notes, allocations)


def _ledger(session: Session, client_id: int, documents: _Documents,
            as_of: date) -> tuple[list[LedgerLine], int]:
    """Lines dated on or before ``as_of`` in date order with their running balance, and the unallocated cents."""
    numbers = documents.numbers
    entries: list[tuple[date, int, int, LedgerLine]] = []  # (date, day order, id, line without balance)
    for inv in documents.facts:
        if inv.issue_date <= as_of:
            state = status(inv, as_of)
            entries.append((inv.issue_date, 0, inv.invoice_id, LedgerLine(
                inv.issue_date, INVOICE, numbers[inv.invoice_id], inv.amount_cents, 0, due_date=inv.due_date,
                open_cents=open_cents(inv, as_of), days_late=days_past_due(inv, as_of), status=state,
                invoice_id=inv.invoice_id)))
    settled_by: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    allocated: dict[tuple[str, int | None], int] = defaultdict(int)
    for alloc_id, invoice_id, kind, payment_id, credit_id, cents, on, reason in documents.allocations:
        if on > as_of:
            continue
        if kind == SettlementKind.WRITE_OFF:
            entries.append((on, _DAY_ORDER[WRITE_OFF], alloc_id, LedgerLine(
                on, WRITE_OFF, numbers.get(invoice_id, ""), -cents, 0, invoice_id=invoice_id,
                detail=reason or _("Written off"))))
            continue
        source = (PAYMENT, payment_id) if kind == SettlementKind.PAYMENT else (CREDIT_NOTE, credit_id)
        settled_by[source].append(numbers.get(invoice_id, "?"))
        allocated[source] += cents
    unallocated = 0
    for note_id, issued, cents in documents.credit_notes:
        if issued > as_of:
            continue
        unallocated += cents - allocated[(CREDIT_NOTE, note_id)]
        entries.append((issued, _DAY_ORDER[CREDIT_NOTE], note_id, LedgerLine(
            issued, CREDIT_NOTE, numbers[note_id], -cents, 0,
            detail=_settled_text(settled_by[(CREDIT_NOTE, note_id)]))))
    for pay_id, received, cents, reference in session.execute(
            select(Payment.id, Payment.received_on, Payment.amount_cents, Payment.bank_reference)
            .where(Payment.client_id == client_id, Payment.received_on <= as_of)):
        unallocated += cents - allocated[(PAYMENT, pay_id)]
        entries.append((received, _DAY_ORDER[PAYMENT], pay_id, LedgerLine(
            received, PAYMENT, reference or _("Payment"), -cents, 0,
            detail=_settled_text(settled_by[(PAYMENT, pay_id)]))))
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    balance = 0
    lines: list[LedgerLine] = []
    for _on, _order, _id, line in entries:
        balance += line.amount_cents
        lines.append(_with_balance(line, balance))
    return lines, unallocated


def _with_balance(line: LedgerLine, balance: int) -> LedgerLine:
    return LedgerLine(line.on, line.kind, line.reference, line.amount_cents, balance, line.due_date,
                      line.open_cents, line.days_late, line.status, line.invoice_id, line.detail)


def _settled_text(numbers: list[str]) -> str:
    if not numbers:
        return ""
    unique = list(dict.fromkeys(numbers))
    shown = ", ".join(unique[:6]) + (" …" if len(unique) > 6 else "")
    return _("Settles {invoices}").format(invoices=shown)


def _links(session: Session, table: Table, owner: str, client_id: int, owner_table: type[object],
           numbers: dict[int, str]) -> dict[int, tuple[str, ...]]:
    """owner id → numbers of the invoices it concerns, for every owner row of the client (one query)."""
    owner_column = table.c[f"{owner}_id"]
    found: dict[int, list[str]] = defaultdict(list)
    statement = (select(owner_column, table.c.invoice_id)
                 .join(owner_table, owner_table.id == owner_column)  # type: ignore[attr-defined]
                 .where(owner_table.client_id == client_id))  # type: ignore[attr-defined]
    for owner_id, invoice_id in session.execute(statement):
        found[owner_id].append(numbers.get(invoice_id, "?"))
    return {key: tuple(sorted(value)) for key, value in found.items()}


def _promises(session: Session, client_id: int, numbers: dict[int, str], payments: list[PaymentFacts],
              as_of: date) -> tuple[PromiseLine, ...]:
    rows = list(session.scalars(select(Promise).where(Promise.client_id == client_id, Promise.made_on <= as_of)
                                .order_by(Promise.promised_on.desc(), Promise.id.desc())))
    facts = [PromiseFacts(client_id, p.made_on, p.promised_on, p.amount_cents) for p in rows]
    outcomes = promise_outcomes(facts, payments, as_of)
    links = _links(session, promise_invoices, "promise", client_id, Promise, numbers)
    return tuple(PromiseLine(p.made_on, p.promised_on, p.amount_cents, outcome, links.get(p.id, ()), p.notes,
                             CaseRef(PROMISE, p.id))
                 for p, outcome in zip(rows, outcomes, strict=True))


def instalment_states(agreed_on: date, cancelled_on: date | None, instalments: Iterable[tuple[date, int]],
                      payments: Iterable[PaymentFacts], as_of: date) -> list[str]:
    """State of each instalment (given in due order): the client's payments received from ``agreed_on`` to
    ``as_of`` cover the instalments in due order — ``paid`` when the cumulative payments reach the cumulative
    instalments up to it, else ``overdue`` when due before ``as_of``, else ``upcoming``; ``cancelled`` when the
    plan was cancelled on or before ``as_of`` and the instalment is not paid."""
    received = sum(p.amount_cents for p in payments if agreed_on <= p.received_on <= as_of)
    states: list[str] = []
    due_total = 0
    cancelled = cancelled_on is not None and cancelled_on <= as_of
    for due_on, cents in instalments:
        due_total += cents
        if received >= due_total:
            states.append("paid")
        elif cancelled:
            states.append("cancelled")
        else:
            states.append("overdue" if due_on < as_of else "upcoming")
    return states


def _plans(session: Session, client_id: int, numbers: dict[int, str], payments: list[PaymentFacts],
           as_of: date) -> tuple[PlanLine, ...]:
    plans = list(session.scalars(select(PaymentPlan).where(PaymentPlan.client_id == client_id,
                                                           PaymentPlan.agreed_on <= as_of)
                                 .order_by(PaymentPlan.agreed_on.desc())))
    schedule: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for plan_id, due_on, cents in session.execute(
            select(Instalment.plan_id, Instalment.due_on, Instalment.amount_cents)
            .join(PaymentPlan, PaymentPlan.id == Instalment.plan_id)
            .where(PaymentPlan.client_id == client_id).order_by(Instalment.due_on, Instalment.id)):
        schedule[plan_id].append((due_on, cents))
    links = _links(session, plan_invoices, "plan", client_id, PaymentPlan, numbers)
    lines = []
    for plan in plans:
        dues = schedule[plan.id]
        states = instalment_states(plan.agreed_on, plan.cancelled_on, dues, payments, as_of)
        lines.append(PlanLine(plan.agreed_on, plan.cancelled_on, links.get(plan.id, ()),
                              tuple(InstalmentLine(d, c, s) for (d, c), s in zip(dues, states, strict=True)),
                              plan.notes, CaseRef(PLAN, plan.id)))
    return tuple(lines)


def _disputes(session: Session, client_id: int, numbers: dict[int, str]) -> tuple[DisputeLine, ...]:
    links = _links(session, dispute_invoices, "dispute", client_id, Dispute, numbers)
    return tuple(
        DisputeLine(d.opened_on, d.reason, d.resolved_on, d.outcome, links.get(d.id, ()), d.notes,
                    CaseRef(DISPUTE, d.id))
        for d in session.scalars(select(Dispute).where(Dispute.client_id == client_id)
                                 .order_by(Dispute.opened_on.desc(), Dispute.id.desc())))


def _details(text: str) -> tuple[tuple[str, str], ...]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return (("", text),)
    if not isinstance(data, dict):
        return (("", str(data)),)
    return tuple((str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in data.items())


def _history(session: Session, client_id: int, numbers: dict[int, str]) -> tuple[HistoryEntry, ...]:
    """Every action of the client, newest first (by date, then by recording order)."""
    links: dict[int, list[str]] = defaultdict(list)
    for action_id, invoice_id in session.execute(
            select(action_invoices.c.action_id, action_invoices.c.invoice_id)
            .join(Action, Action.id == action_invoices.c.action_id).where(Action.client_id == client_id)):
        links[action_id].append(numbers.get(invoice_id, "?"))
    cases = case_links(session, client_id)
    rows = session.execute(
        select(Action.id, Action.occurred_on, Action.kind, Action.channel, Action.summary, Action.details,
               Action.document_id, StoredDocument.filename, Action.recorded_by)
        .outerjoin(StoredDocument, StoredDocument.id == Action.document_id)
        .where(Action.client_id == client_id)
        .order_by(Action.occurred_on.desc(), Action.recorded_at.desc(), Action.id.desc()))
    return tuple(
        HistoryEntry(action_id, on, kind, channel, summary, _details(details), tuple(sorted(links.get(action_id, ()))),
                     document_id, filename or "", recorded_by, cases.get(action_id))
        for action_id, on, kind, channel, summary, details, document_id, filename, recorded_by in rows)

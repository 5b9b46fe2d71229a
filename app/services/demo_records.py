"""What the demo generator draws: sizes, ladder steps, and the drafts of clients, invoices, payments and events."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.kinds import (
    ActionKind,
    Channel,
    CostKind,
    DisputeOutcome,
    DisputeReason,
    InvoiceKind,
    PaymentMethod,
    Source,
)
from app.domain.records import SettlementKind
from app.services import demo_names as names

Row = dict[str, Any]
Rows = dict[str, list[Row]]
Pay = tuple[date, int, str]  # day, cents, grouping key: one payment per client and key

TABLE_ORDER = (
    "clients", "contacts", "invoices", "payments", "allocations", "disputes", "dispute_invoices",
    "promises", "promise_invoices", "plans", "instalments", "plan_invoices", "actions", "action_invoices",
    "recovery_costs",
)

DAY = timedelta(days=1)
SPAN_DAYS = 730  # 24 months of invoices end on as_of
PARTIAL_SHARE = 0.3  # of invoices of 600 € or more, paid in two transfers
DEMO_SOURCE = str(Source.DEMO)
LRAR_CENTS = 724
STAMP_CENTS = 139
KIND_OF_CHANNEL = {
    Channel.EMAIL: ActionKind.REMINDER, Channel.LETTER: ActionKind.LETTER, Channel.PHONE: ActionKind.CALL,
    Channel.REGISTERED_LETTER: ActionKind.FORMAL_NOTICE, Channel.JUDICIAL: ActionKind.COURT,
}
METHODS = {
    "strategic": (PaymentMethod.TRANSFER, PaymentMethod.TRANSFER, PaymentMethod.LCR),
    "standard": (PaymentMethod.TRANSFER, PaymentMethod.TRANSFER, PaymentMethod.CHEQUE,
                 PaymentMethod.DIRECT_DEBIT),
    "at_risk": (PaymentMethod.TRANSFER, PaymentMethod.CHEQUE),
}
TERMS = {"strategic": (45, 60, 30, 60), "standard": (30, 30, 45, 60), "at_risk": (30, 30, 45)}
SCALE_EUROS = {"strategic": 4200.0, "standard": 1600.0, "at_risk": 1300.0}
WEIGHT = {"strategic": 3.0, "standard": 1.0, "at_risk": 0.8}
REASONS = (DisputeReason.QUALITY, DisputeReason.PRICE, DisputeReason.QUANTITY, DisputeReason.NOT_RECEIVED,
            DisputeReason.ALREADY_PAID)
OUTCOMES = (DisputeOutcome.CREDIT_NOTE, DisputeOutcome.PAID, DisputeOutcome.REJECTED)


@dataclass(frozen=True, slots=True)
class DemoSize:
    """How much a demo holds; the rarer cases scale with it."""

    clients: int
    invoices: int
    consumers: int
    credit_notes: int
    unallocated_credit_notes: int
    open_disputes: int
    resolved_disputes: int
    kept_promises: int
    broken_promises: int
    pending_promises: int
    plans: int
    write_offs: int
    do_not_remind: int
    overpayments: int
    history_days: int  # reminders are recorded from this many days before as_of on


NORMAL_SIZE = DemoSize(
    clients=60, invoices=1500, consumers=3, credit_notes=16, unallocated_credit_notes=1, open_disputes=3,
    resolved_disputes=5, kept_promises=4, broken_promises=4, pending_promises=2, plans=1, write_offs=2,
    do_not_remind=1, overpayments=4, history_days=365,
)
LARGE_SIZE = DemoSize(
    clients=5000, invoices=200_000, consumers=150, credit_notes=1600, unallocated_credit_notes=40,
    open_disputes=150, resolved_disputes=300, kept_promises=300, broken_promises=300, pending_promises=100,
    plans=40, write_offs=150, do_not_remind=25, overpayments=300, history_days=180,
)


@dataclass(frozen=True, slots=True)
class StepInfo:
    """A ladder step as the history generator needs it."""

    id: int
    position: int
    name: str
    offset_days: int
    channel: Channel




def euros(cents: int) -> str:
    units = f"{cents // 100:,}".replace(",", "\u202f")
    return f"{units},{cents % 100:02d} €"


def friday_if_weekend(day: date) -> date:
    return day - timedelta(days=max(0, day.weekday() - 4))


def monday_if_weekend(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def next_tenth(day: date) -> date:
    """Batch payers pay on the 10th: that of this month if not passed, else next month's."""
    if day.day <= 10:
        return day.replace(day=10)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=10)


def draw_days_late(rng: random.Random, segment: str) -> int | None:
    """Days after the due date a client of ``segment`` pays; None: it never pays."""
    draw = rng.random()
    if segment == "strategic":
        return names.randint(rng, -5, 8) if draw < 0.85 else names.randint(rng, 9, 30)
    if segment == "standard":
        return names.randint(rng, -3, 0) if draw < 0.1 else int(rng.triangular(0, 40, 12))
    return None if draw < 0.08 else names.randint(rng, 60, 150)


# --- generated objects -----------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class ClientDraft:
    id: int
    segment: str
    consumer: bool
    terms: int
    scale: float
    batches: bool
    method: PaymentMethod
    email: str
    row: Row
    bank_name: str = ""  # the name as it appears on bank statements
    terms_delta: timedelta = DAY


@dataclass(slots=True, eq=False)
class CreditDraft:
    seq: int
    client: ClientDraft
    on: date
    amount: int
    invoice: InvoiceDraft | None
    notes: str
    id: int = 0
    number: str = ""


@dataclass(slots=True, eq=False)
class InvoiceDraft:
    id: int
    client: ClientDraft
    number: str
    issue: date
    due: date
    amount: int
    pays: list[Pay] = field(default_factory=list)
    credit: CreditDraft | None = None
    write_off: tuple[date, int, str] | None = None
    stop: date | None = None  # no reminder from this day on (dispute, plan, pending promise)
    pause: tuple[date, date] | None = None  # no reminder between these days (promise)
    special: bool = False

    def open_on(self, day: date) -> int:
        settled = sum(cents for on, cents, _key in self.pays if on <= day)
        if self.credit is not None and self.credit.on <= day:
            settled += self.credit.amount
        if self.write_off is not None and self.write_off[0] <= day:
            settled += self.write_off[1]
        return self.amount - settled

    def settled_on(self, as_of: date) -> date | None:
        """The day the open amount reached zero, or None if still open on ``as_of``."""
        if self.open_on(as_of) > 0:
            return None
        days = [on for on, _cents, _key in self.pays if on <= as_of]
        days += [self.credit.on] if self.credit is not None else []
        days += [self.write_off[0]] if self.write_off is not None else []
        return max(days)


@dataclass(slots=True, eq=False)
class PaymentDraft:
    seq: int
    client: ClientDraft
    on: date
    amount: int
    allocs: list[tuple[InvoiceDraft, int]]
    notes: str = ""
    id: int = 0


@dataclass(slots=True, eq=False)
class EventDraft:
    seq: int
    on: date
    client: ClientDraft
    kind: ActionKind
    recorded_at: datetime
    recorded_by: str
    invoices: list[InvoiceDraft]
    summary: str = ""
    channel: Channel | None = None
    step: StepInfo | None = None
    details: dict[str, Any] = field(default_factory=dict)
    cost: tuple[CostKind, int, str] | None = None
    id: int = 0


# --- rows -----------------------------------------------------------------------------------------


def invoice_row(invoice: InvoiceDraft, kind: InvoiceKind = InvoiceKind.INVOICE, notes: str = "") -> Row:
    """The invoices-table row of an invoice or credit-note draft."""
    return {
        "id": invoice.id, "number": invoice.number, "kind": str(kind), "client_id": invoice.client.id,
        "issue_date": invoice.issue, "due_date": invoice.due,
        "amount_excl_cents": (invoice.amount * 10 + 6) // 12, "amount_incl_cents": invoice.amount,
        "currency": "EUR", "source": DEMO_SOURCE, "external_key": None, "original_document_id": None,
        "no_reminder": False, "notes": notes,
    }


def bank_reference(payment: PaymentDraft) -> str:
    """A believable bank label for a payment, as a statement would show it."""
    method = payment.client.method
    what = payment.allocs[0][0].number if len(payment.allocs) == 1 else f"{len(payment.allocs)} FACTURES"
    what = what if payment.allocs else "REGLEMENT"
    if method is PaymentMethod.CHEQUE:
        return f"REMISE CHQ {payment.id:07d}"
    if method is PaymentMethod.CARD:
        return f"CB {payment.id:06d}"
    prefix = {PaymentMethod.LCR: "LCR", PaymentMethod.DIRECT_DEBIT: "PRLV SEPA"}.get(method, "VIR SEPA")
    return f"{prefix} {payment.client.bank_name} {what}"


def action_summary(event: EventDraft) -> str:
    """The one-line summary of a history entry: its own, or the ladder step and the invoices it covered."""
    if event.summary or event.step is None:
        return event.summary
    numbers = [invoice.number for invoice in event.invoices]
    listed = ", ".join(numbers[:3]) + (f" et {len(numbers) - 3} autres" if len(numbers) > 3 else "")
    return f"{event.step.name} : {listed}"


def allocation_rows(payments: list[PaymentDraft], credits: list[CreditDraft],
                    invoices: list[InvoiceDraft]) -> list[Row]:
    """Allocations rows: payments, then credit notes, then write-offs, each in id order."""
    rows: list[Row] = []

    def add(invoice: InvoiceDraft, kind: SettlementKind, cents: int, on: date, **refs: Any) -> None:
        rows.append({"id": len(rows) + 1, "invoice_id": invoice.id, "kind": str(kind),
                     "payment_id": refs.get("payment_id"), "credit_note_id": refs.get("credit_note_id"),
                     "amount_cents": cents, "on_date": on, "reason": refs.get("reason", "")})

    for payment in sorted(payments, key=lambda p: p.id):
        for invoice, cents in payment.allocs:
            add(invoice, SettlementKind.PAYMENT, cents, payment.on, payment_id=payment.id)
    for credit in sorted(credits, key=lambda c: c.id):
        if credit.invoice is not None:
            add(credit.invoice, SettlementKind.CREDIT_NOTE, credit.amount, credit.on, credit_note_id=credit.id)
    for invoice in invoices:
        if invoice.write_off is not None:
            day, cents, reason = invoice.write_off
            add(invoice, SettlementKind.WRITE_OFF, cents, day, reason=reason)
    return rows

"""Plain facts the figures are computed from: invoices with their settlements, payments, promises."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class SettlementKind(enum.StrEnum):
    """What took an amount off an invoice."""

    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    WRITE_OFF = "write_off"


class InvoiceStatus(enum.StrEnum):
    """Status of an invoice as of a date, in order of precedence (first that applies wins)."""

    WRITTEN_OFF = "written_off"  # irrécouvrable: a write-off brought the open amount to zero
    PAID = "paid"  # payée: open amount is zero
    DISPUTED = "disputed"  # en litige: a dispute is open on the date
    PARTIALLY_PAID = "partially_paid"  # partiellement payée: something settled, something open
    OVERDUE = "overdue"  # échue: open and due before the date
    NOT_DUE = "not_due"  # à échoir: open and due on or after the date


@dataclass(frozen=True, slots=True)
class Settlement:
    """An amount taken off an invoice on a date.

    Attributes:
        on: the day the amount counts as settled (payment date, credit-note date, write-off date);
            never before the invoice's issue date.
        cents: strictly positive.
        kind: payment allocation, credit-note allocation or write-off.
    """

    on: date
    cents: int
    kind: SettlementKind = SettlementKind.PAYMENT


@dataclass(frozen=True, slots=True)
class DisputeSpan:
    """A dispute on an invoice, open from ``opened`` until ``resolved`` (excluded), or still open."""

    opened: date
    resolved: date | None = None

    def is_open(self, as_of: date) -> bool:
        return self.opened <= as_of and (self.resolved is None or as_of < self.resolved)


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """An invoice as the figures see it.

    Attributes:
        invoice_id: dossier identifier.
        client_id: the debtor.
        issue_date: the invoice exists from this day on.
        due_date: never before issue_date.
        amount_cents: amount incl. tax, strictly positive.
        settlements: everything that reduced it, in any order.
        disputes: dispute periods, in any order.
    """

    invoice_id: int
    client_id: int
    issue_date: date
    due_date: date
    amount_cents: int
    settlements: tuple[Settlement, ...] = ()
    disputes: tuple[DisputeSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenItem:
    """What aging needs of one invoice still open on the as-of date.

    Attributes:
        client_id: the debtor.
        due_date: the invoice's due date.
        open_cents: amount still open on the as-of date, strictly positive.
        disputed: a dispute is open on the as-of date.
    """

    client_id: int
    due_date: date
    open_cents: int
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    """Cash received from a client; ``unallocated_cents`` is what no invoice has absorbed yet."""

    client_id: int
    received_on: date
    amount_cents: int
    unallocated_cents: int = 0


@dataclass(frozen=True, slots=True)
class PromiseFacts:
    """A promise to pay ``amount_cents`` by ``promised_on``, made on ``made_on``."""

    client_id: int
    made_on: date
    promised_on: date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """Receivable flows of one calendar month, as the DSO and CEI formulas need them.

    Attributes:
        month_end: last day of the month (or the as-of date for the current month).
        days: number of days the month counts (up to month_end).
        sales_cents: invoices issued in the month incl. tax, minus credit notes issued in it.
        receivables_cents: invoices' open amounts at month_end (gross, disputed included).
        current_cents: the part of receivables_cents not yet due at month_end.
    """

    month_end: date
    days: int
    sales_cents: int
    receivables_cents: int
    current_cents: int

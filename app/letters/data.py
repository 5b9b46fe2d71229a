"""The plain letter data a service assembles and the renderer reads: no session, no ORM object, no Qt."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta


class LetterKind(enum.StrEnum):
    """The documents Encaisse produces (the CLI's ``--kind`` values)."""

    REMINDER1 = "reminder1"
    REMINDER2 = "reminder2"
    REMINDER3 = "reminder3"
    NOTICE = "notice"  # mise en demeure, by registered letter
    STATEMENT = "statement"  # relevé de compte
    PLAN = "plan"  # payment-plan agreement
    CLAIM = "claim"  # injonction de payer claim file

    @property
    def states_penalties(self) -> bool:
        return self in (LetterKind.NOTICE, LetterKind.CLAIM)


@dataclass(frozen=True, slots=True)
class Fonts:
    """Registered font names (the service passes the export's DejaVu, Helvetica by default)."""

    regular: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    unicode: bool = False  # False: no narrow no-break space in the font


@dataclass(frozen=True, slots=True)
class Creditor:
    name: str
    legal_form: str
    siren: str
    vat_number: str
    address_lines: tuple[str, ...]
    city: str
    email: str
    phone: str
    iban: str
    bic: str
    signatory_name: str
    signatory_title: str
    logo: bytes | None = None  # an image file's bytes (PNG or JPEG)


@dataclass(frozen=True, slots=True)
class Debtor:
    code: str
    name: str
    siren: str
    vat_number: str
    contact_name: str
    address_lines: tuple[str, ...]
    language: str  # "fr" or "en"
    is_consumer: bool


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    number: str
    issue_date: date
    due_date: date
    amount_cents: int
    paid_cents: int
    open_cents: int
    days_late: int


@dataclass(frozen=True, slots=True)
class CreditLine:
    """A credit note or a payment not yet set against an invoice (it lowers what is claimed)."""

    kind: str  # "credit_note" or "payment"
    reference: str
    on: date
    cents: int


@dataclass(frozen=True, slots=True)
class ActionLine:
    """One entry of the history, as a letter or the claim file lists it."""

    on: date
    kind: str  # ActionKind value
    channel: str  # Channel value or ""
    summary: str
    document: str = ""  # the stored document's file name


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    start: date
    end: date
    days: int
    base_cents: int
    rate_bp: int
    cents: int


@dataclass(frozen=True, slots=True)
class PenaltyLine:
    """What one invoice owes for paying late: interest per period, the €40 indemnity (B2B)."""

    number: str
    due_date: date
    open_cents: int
    basis: str  # RateBasis value: statutory, contractual, legal
    periods: tuple[InterestPeriod, ...]
    interest_cents: int
    indemnity_cents: int


@dataclass(frozen=True, slots=True)
class Instalment:
    due_on: date
    cents: int
    state: str = "upcoming"  # paid, overdue, upcoming, cancelled


@dataclass(frozen=True, slots=True)
class PlanTerms:
    agreed_on: date
    invoice_numbers: tuple[str, ...]
    instalments: tuple[Instalment, ...]

    @property
    def total_cents(self) -> int:
        return sum(item.cents for item in self.instalments)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored document merged into the claim file (PDF, PNG or JPEG)."""

    title: str
    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class LetterTexts:
    """The user-editable wording, already rendered from its template."""

    subject: str
    salutation: str
    paragraphs: tuple[str, ...]
    closing: str


@dataclass(frozen=True, slots=True)
class LetterData:
    """Everything one letter states, as of ``as_of``. Amounts in cents."""

    kind: LetterKind
    language: str
    as_of: date
    creditor: Creditor
    debtor: Debtor
    invoices: tuple[InvoiceLine, ...]
    credits: tuple[CreditLine, ...]
    reminders: tuple[ActionLine, ...]  # previous reminders, letters and notices, oldest first
    penalties: tuple[PenaltyLine, ...] = ()
    deadline_days: int | None = None
    plan: PlanTerms | None = None
    timeline: tuple[ActionLine, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    all_open: tuple[InvoiceLine, ...] = ()  # the statement lists invoices not yet due too
    texts: LetterTexts | None = None
    notice_date: date | None = None  # a consumer's interest runs from the mise en demeure
    warnings: tuple[str, ...] = field(default=())

    @property
    def overdue_cents(self) -> int:
        return sum(line.open_cents for line in self.invoices)

    @property
    def credits_cents(self) -> int:
        return sum(line.cents for line in self.credits)

    @property
    def claimed_cents(self) -> int:
        """Net amount claimed: overdue invoices less credits, never below zero."""
        return max(0, self.overdue_cents - self.credits_cents)

    @property
    def interest_cents(self) -> int:
        return sum(line.interest_cents for line in self.penalties)

    @property
    def indemnity_cents(self) -> int:
        return sum(line.indemnity_cents for line in self.penalties)

    @property
    def total_cents(self) -> int:
        """What the letter asks for: the net principal, plus interest and indemnities when it states them."""
        return self.claimed_cents + self.interest_cents + self.indemnity_cents

    @property
    def deadline(self) -> date | None:
        return None if self.deadline_days is None else self.as_of + timedelta(days=self.deadline_days)

    @property
    def reference(self) -> str:
        """The transfer reference: the client's code and the invoices claimed (140 characters at most)."""
        numbers = " ".join(line.number for line in self.invoices)
        return f"{self.debtor.code} {numbers}".strip()[:140]

"""Frozen data crossing from services to the interface, the CLI and letters; never an ORM object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.domain.kinds import InvoiceKind, Language, PaymentMethod
from app.domain.records import InvoiceStatus


@dataclass(frozen=True, slots=True)
class Problem:
    """A reason an input cannot be saved, naming the field it concerns (``""`` for the whole form)."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class CompanyInput:
    """The creditor's identity as typed in "Nouveau dossier…" or the settings."""

    legal_name: str
    legal_form: str = ""
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    email: str = ""
    phone: str = ""
    iban: str = ""
    bic: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    payment_terms_days: int = 30


@dataclass(frozen=True, slots=True)
class CompanyView:
    """The creditor as shown in the window title and on letters."""

    legal_name: str
    siren: str
    city: str
    iban: str
    currency: str


@dataclass(frozen=True, slots=True)
class RecentDossier:
    path: Path
    name: str
    last_opened: str  # ISO timestamp
    exists: bool


@dataclass(frozen=True, slots=True)
class DossierInfo:
    """What the window needs to know about the open dossier."""

    path: Path
    company: CompanyView
    read_only: bool
    migrated_from: str | None
    client_count: int
    invoice_count: int


@dataclass(frozen=True, slots=True)
class CheckReport:
    path: Path
    revision: str | None
    head: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and self.revision == self.head


@dataclass(frozen=True, slots=True)
class ClientInput:
    account_code: str
    name: str
    siren: str = ""
    vat_number: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    language: Language = Language.FR
    is_consumer: bool = False
    segment_code: str | None = None
    ladder_id: int | None = None  # the client's own ladder; None: its segment's, else the dossier default
    credit_limit_cents: int | None = None
    payment_terms_days: int | None = None
    do_not_remind: bool = False
    do_not_remind_reason: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ContactInput:
    client_id: int
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    is_billing: bool = False


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact as the client page and the client form show it."""

    id: int
    name: str
    role: str
    email: str
    phone: str
    is_billing: bool


@dataclass(frozen=True, slots=True)
class ClientRow:
    """One line of the client list, figures as of the list's date.

    Attributes:
        open_cents: open invoices minus open credit notes and unallocated payments (net balance).
        overdue_cents: open amount of invoices past due.
        max_days_past_due: the oldest overdue invoice's days past due (0 when none).
    """

    id: int
    account_code: str
    name: str
    city: str
    segment_label: str
    email: str
    phone: str
    invoice_count: int
    open_cents: int
    overdue_cents: int
    max_days_past_due: int
    credit_limit_cents: int | None
    do_not_remind: bool


@dataclass(frozen=True, slots=True)
class InvoiceInput:
    """An invoice or credit note typed by hand; amounts in cents incl./excl. tax."""

    number: str
    client_id: int
    issue_date: date
    due_date: date
    amount_incl_cents: int
    amount_excl_cents: int
    kind: InvoiceKind = InvoiceKind.INVOICE
    no_reminder: bool = False
    notes: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One line of the invoice list, figures as of the list's date (``open_cents`` > 0 means unpaid)."""

    id: int
    number: str
    kind: InvoiceKind
    client_id: int
    client_name: str
    issue_date: date
    due_date: date
    amount_incl_cents: int
    open_cents: int
    status: InvoiceStatus
    days_past_due: int
    no_reminder: bool


INVOICE_SORT_KEYS = ("number", "client", "issue_date", "due_date", "amount", "open", "days_past_due")


@dataclass(frozen=True, slots=True)
class InvoiceQuery:
    """A page of the invoice list: filter text (number or client, all words), sort, window.

    ``sort`` is one of INVOICE_SORT_KEYS; ``only_open`` keeps invoices still open on ``as_of``;
    ``days_past_due`` keeps open invoices of one aging bucket: inclusive (low, high) days past due on
    ``as_of``, None meaning unbounded (``(None, 0)``: not yet due).
    """

    as_of: date
    text: str = ""
    sort: str = "due_date"
    descending: bool = False
    only_open: bool = False
    client_id: int | None = None
    days_past_due: tuple[int | None, int | None] | None = None
    offset: int = 0
    limit: int = 200


@dataclass(frozen=True, slots=True)
class InvoicePage:
    query: InvoiceQuery
    total_count: int
    rows: tuple[InvoiceRow, ...]


@dataclass(frozen=True, slots=True)
class AllocationInput:
    invoice_id: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class PaymentInput:
    client_id: int
    received_on: date
    amount_cents: int
    method: PaymentMethod = PaymentMethod.TRANSFER
    bank_reference: str = ""
    allocations: tuple[AllocationInput, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class AgingLine:
    """One client of the aged balance; ``buckets`` sum to ``total_cents`` (disputed included).

    Attributes:
        disputed_cents: the part of total_cents in open disputes, shown apart.
        unallocated_cents: open credit notes and unallocated payments (a positive number to deduct).
        net_cents: total_cents - unallocated_cents.
    """

    client_id: int | None
    account_code: str
    client_name: str
    buckets: tuple[int, ...]
    total_cents: int
    disputed_cents: int
    unallocated_cents: int
    net_cents: int


@dataclass(frozen=True, slots=True)
class AgingReport:
    """The balance âgée as of a date; ``bucket_bounds`` are (first, last) days past due, None = open end."""

    as_of: date
    bucket_bounds: tuple[tuple[int | None, int | None], ...]
    lines: tuple[AgingLine, ...]
    totals: AgingLine


@dataclass(frozen=True, slots=True)
class Kpi:
    """One key figure with its formula and period, for tiles and tooltips.

    ``value`` is a number of days, a percentage or cents according to ``unit`` ("days", "percent",
    "cents"); None when it cannot be computed (no sales in the period, …).
    """

    key: str
    label: str
    value: float | int | None
    unit: str
    formula: str
    period_start: date
    period_end: date


@dataclass(frozen=True, slots=True)
class KpiReport:
    as_of: date
    kpis: tuple[Kpi, ...] = field(default_factory=tuple)

    def get(self, key: str) -> Kpi:
        return next(kpi for kpi in self.kpis if kpi.key == key)


@dataclass(frozen=True, slots=True)
class DsoPointView:
    month_end: date
    accounting: float | None
    countback: float | None
    best_possible: float | None

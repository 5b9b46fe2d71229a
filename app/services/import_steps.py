"""The steps of an import plan, and the dossier facts the plan compares the file with (data only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

from app.domain.kinds import Source
from app.io.import_records import ClientRecord, InvoiceRecord, PaymentRecord
from app.models import Client
from app.services.import_dto import PreviewRow


@dataclass
class ClientStep:
    """A file's client resolved against the dossier: an existing id, or None to create it."""

    record: ClientRecord
    client_id: int | None
    account_code: str
    name: str
    terms_days: int
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


# The steps below are named tuples, never changed once made: a 500,000-line FEC plans 100,000 of each, and
# ``tuple.__new__(Step, values)`` builds one in a third of a dataclass's time (see ``import_plan._Invoices.batch``).


NO_CHANGES: Mapping[str, tuple[object, object]] = MappingProxyType({})  # one read-only {} for all new invoices


class InvoiceStep(NamedTuple):
    record: InvoiceRecord
    invoice_id: int | None
    due_date: date
    changes: Mapping[str, tuple[object, object]]  # field → (old, new) of an existing invoice; NO_CHANGES for a new one


class PaymentStep(NamedTuple):
    record: PaymentRecord
    payment_id: int | None


class AllocationStep(NamedTuple):
    """A settlement to add: from a payment (by its file key) or a credit note (by number) to an invoice."""

    invoice_number: str
    amount_cents: int
    on_date: date
    payment_key: str = ""
    credit_note_number: str = ""
    reason: str = ""


@dataclass
class Unlettered:
    """Allocations a lettrage made that the updated FEC no longer letters: removed, the invoice open again."""

    allocation_ids: list[int]
    client_id: int
    invoice_id: int
    number: str
    source_key: str  # the payment's key or the credit note's number
    cents: int


@dataclass
class DroppedInvoice:
    """An invoice of an earlier FEC that the updated one no longer holds, with nothing else done with it."""

    id: int
    client_id: int
    number: str
    description: str


@dataclass
class ExistingInvoice:
    id: int
    client_id: int
    source: str
    external_key: str | None
    kind: str
    issue_date: date
    due_date: date
    amount_incl_cents: int
    amount_excl_cents: int
    settled_cents: int


@dataclass
class Plan:
    """Everything to write, and the preview rows that describe it."""

    source: Source
    clients: dict[str, ClientStep] = field(default_factory=dict)
    invoices: list[InvoiceStep] = field(default_factory=list)
    payments: list[PaymentStep] = field(default_factory=list)
    allocations: list[AllocationStep] = field(default_factory=list)
    created: list[PreviewRow] = field(default_factory=list)
    updated: list[PreviewRow] = field(default_factory=list)
    refused: list[PreviewRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0
    fatal: str = ""
    own_keys: set[str] = field(default_factory=set)  # buyers that are the dossier's company (purchase invoices)
    unlettered: list[Unlettered] = field(default_factory=list)
    absent: list[PreviewRow] = field(default_factory=list)  # earlier invoices the updated file no longer holds
    dropped: list[DroppedInvoice] = field(default_factory=list)  # … of which those removed on apply


@dataclass
class DossierFacts:
    """The parts of the dossier an import compares with, read once."""

    company_siren: str
    company_vat: str
    default_terms: int
    clients: dict[int, Client]
    by_code: dict[str, int]
    by_siren: dict[str, int]
    by_vat: dict[str, int]
    by_name: dict[str, int]
    by_email: dict[str, int]  # a contact's e-mail → its client (payers of a transactions export)
    invoices: dict[str, ExistingInvoice]
    payments: dict[str, tuple[int, int, int]]  # external key → (id, client id, amount)
    paid_by_payment: dict[int, int]  # payment id → allocated cents
    allocated: dict[tuple[int, int], int]  # (payment id, invoice id) → cents
    credit_used: dict[int, int]  # credit note id → allocated cents
    credit_allocated: dict[tuple[int, int], int]  # (credit note id, invoice id) → cents
    running: dict[str, int] = field(default_factory=dict)  # running-total key → cents recorded so far
    # FEC lettrage in the dossier: (payment id, 0) or (0, credit note id) → invoice id → [(allocation id, cents)]
    lettered: dict[tuple[int, int], dict[int, list[tuple[int, int]]]] = field(default_factory=dict)


@dataclass
class OpenInvoices:
    """Each invoice number the file's settlements may go to: what is open on it (invoices only) and where it stands
    (its client, None for a credit note, and its issue date). The client is the dossier's id, or "new:<key>" for a
    client the file creates (``refs``).

    Filled with the file's invoices as they are planned (a first import creates 100,000: one loop, not two), then
    completed with the dossier's by the settlement planner. Client and date share one entry: one lookup, not two.
    """

    refs: dict[str, int | str]  # client key of the file → its owner reference
    open: dict[str, int] = field(default_factory=dict)
    placed: dict[str, tuple[int | str | None, date]] = field(default_factory=dict)

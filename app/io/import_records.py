"""What every importer produces: records parsed from one file, each with the file and line it came from.

The contract between parsers (app/io/import_*.py, app/io/bank/**) and the import services
(app/services/imports.py, app/services/bank_import.py). Pure data: no database, no Qt.

- Amounts are integer cents; credit notes and payments carry positive amounts (the kind says the sign).
- ``BankLine.amount_cents`` is signed from the account holder's view: credits (money in) > 0.
- A parser never raises on bad content: each bad row becomes a ``RowProblem``; a file it cannot read at
  all raises ``ImportRefused`` (a KnownError naming the file). ``ImportCancelled`` stops a long parse.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.errors import KnownError
from app.i18n import _

# progress(done, total): called every few thousand rows; total may be 0 when unknown.
Progress = Callable[[int, int], object]
# cancelled(): polled with progress; True stops the work by raising ImportCancelled.
Cancelled = Callable[[], bool]


class ImportKind(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    FEC = "fec"
    FACTURX = "facturx"
    CII = "cii"
    UBL = "ubl"
    CAMT053 = "camt053"
    CFONB120 = "cfonb120"
    OFX = "ofx"
    MT940 = "mt940"


BANK_KINDS = frozenset({ImportKind.CAMT053, ImportKind.CFONB120, ImportKind.OFX, ImportKind.MT940})
TABULAR_KINDS = frozenset({ImportKind.CSV, ImportKind.XLSX})


class ImportRefused(KnownError):
    """A file that cannot be imported at all; the message names the file (and line when known)."""


class ImportCancelled(KnownError):
    """The user cancelled a parse or an import; nothing was written."""


# The records made once per row (SourceRef, AllocationRecord, InvoiceRecord, PaymentRecord) are NamedTuples: a
# frozen slotted dataclass costs 3 to 4 times as much to create (one object.__setattr__ per field), which is
# about 0.5 s of a 500,000-line FEC. Same fields, order, equality, hash and ordering; build new ones with
# ``._replace``.


class SourceRef(NamedTuple):
    """Where a record comes from: the file's name and its 1-based line (0 = the whole file)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row (or the whole file) is refused; ``field`` names the column or element ("" if none)."""

    ref: SourceRef
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.ref} [{self.field}]" if self.field else str(self.ref)
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """A client as the file describes it.

    ``key`` identifies it within the file (invoices and payments point at it); ``account_code`` is the
    code of the books (CompAuxNum) when the file has one, else "" and the service matches by SIREN,
    VAT number then name, or makes a code up.
    """

    ref: SourceRef
    key: str
    name: str
    account_code: str = ""
    siren: str = ""
    vat_number: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    payment_terms_days: int | None = None
    # A payer known only by an e-mail or the invoice it pays (a transactions export): matched to a client of the
    # dossier (by a contact's e-mail, else the invoice's client), never created.
    match_only: bool = False
    invoice_number: str = ""


class AllocationRecord(NamedTuple):
    """Part of a payment or credit note settling the invoice numbered ``invoice_number``."""

    invoice_number: str
    amount_cents: int
    letter: str = ""  # the FEC lettrage code that made it (an updated FEC that drops the code undoes it)


class InvoiceRecord(NamedTuple):
    """An invoice or a credit note; ``due_date`` None means "from the payment terms".

    ``external_key`` makes re-imports idempotent (default: the number). ``allocations`` of a credit note
    say which invoices it settles (FEC lettrage). ``original`` is the file itself (Factur-X PDF, XML)
    to store in the dossier.
    """

    ref: SourceRef
    number: str
    client_key: str
    issue_date: date
    amount_incl_cents: int
    due_date: date | None = None
    amount_excl_cents: int | None = None
    currency: str = "EUR"
    is_credit_note: bool = False
    external_key: str = ""
    amount_due_cents: int | None = None  # BT-115 when it differs from the total (prepaid part)
    payment_reference: str = ""
    allocations: tuple[AllocationRecord, ...] = ()
    original: bytes | None = None  # left out of repr (a whole PDF)
    original_filename: str = ""

    @property
    def key(self) -> str:
        return self.external_key or self.number

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True)
                          if name != "original")
        return f"InvoiceRecord({shown})"


class PaymentRecord(NamedTuple):
    """Cash received from a client, with the invoices it settles (by number)."""

    ref: SourceRef
    client_key: str
    received_on: date
    amount_cents: int
    external_key: str
    method: str = "transfer"  # a PaymentMethod value
    bank_reference: str = ""
    allocations: tuple[AllocationRecord, ...] = ()
    # The amount is a running total ("paid to date" of an invoicing export): what earlier imports recorded under
    # this key is subtracted and only the increase becomes a new payment.
    cumulative: bool = False
    currency: str = "EUR"  # as the file says, like its invoices' (a USD export stays USD)


@dataclass(frozen=True, slots=True)
class BankLine:
    """One booked line of a bank statement; ``bank_reference`` is the bank's unique id (dedupe key)."""

    ref: SourceRef
    bank_reference: str
    booked_on: date
    value_on: date | None
    amount_cents: int  # credits (money in) > 0, debits < 0
    currency: str = "EUR"
    counterparty_name: str = ""
    counterparty_iban: str = ""
    text: str = ""  # remittance information and labels, joined with spaces
    end_to_end_id: str = ""


@dataclass(frozen=True, slots=True)
class SellerRecord:
    """The issuer of an e-invoice (BT-27, BT-30 or its SIRET, BT-31); "" when the invoice does not say."""

    name: str
    siren: str = ""
    vat_number: str = ""


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """Everything one file holds, plus the rows refused and notes for the preview."""

    kind: ImportKind
    file: str
    clients: tuple[ClientRecord, ...] = ()
    invoices: tuple[InvoiceRecord, ...] = ()
    payments: tuple[PaymentRecord, ...] = ()
    bank_lines: tuple[BankLine, ...] = ()
    problems: tuple[RowProblem, ...] = ()
    notes: tuple[str, ...] = ()
    statement_date: date | None = None  # bank statements: the last booking date covered
    company_siren: str = ""  # FEC: the SIREN of the file name, checked against the dossier's
    period: tuple[date, date] | None = None  # FEC: first and last dates of its customer lines
    seller: SellerRecord | None = None  # e-invoices: who issued it, checked against the dossier's company

    def is_empty(self) -> bool:
        return not (self.clients or self.invoices or self.payments or self.bank_lines)


def check_cancel(cancelled: Cancelled | None) -> None:
    """Raise ImportCancelled when the user asked to stop."""
    if cancelled is not None and cancelled():
        raise ImportCancelled(_("Import cancelled; nothing was changed."))

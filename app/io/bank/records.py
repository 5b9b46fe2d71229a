"""What a bank statement parser returns: signed lines with their counterparty, and problems with file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class BankLine:
    """One booked movement of a bank account; ``amount_cents`` > 0 is money in (a credit).

    ``bank_reference`` is stable across re-imports of the same statement (the bank's own id, or a hash of
    what identifies the line), so a line already turned into a payment is recognised.
    """

    file: str
    line: int
    account: str
    currency: str
    booking_date: date
    amount_cents: int
    bank_reference: str
    value_date: date | None = None
    counterparty: str = ""
    counterparty_iban: str = ""
    label: str = ""
    remittance: str = ""  # free or structured remittance text: where invoice numbers are found
    end_to_end_id: str = ""
    reversal: bool = False

    @property
    def is_credit(self) -> bool:
        return self.amount_cents > 0

    @property
    def text(self) -> str:
        """Everything a payer may have written, for finding invoice numbers."""
        return " ".join(part for part in (self.remittance, self.label, self.end_to_end_id) if part)


@dataclass(frozen=True, slots=True)
class BankProblem:
    """A line of a statement that could not be read, with why (translated)."""

    file: str
    line: int
    message: str
    field: str = ""


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """A whole statement file: its lines in file order, the problems found, its format and last booking date."""

    file: str
    kind: str  # camt053 | cfonb120 | ofx | mt940
    lines: tuple[BankLine, ...] = ()
    problems: tuple[BankProblem, ...] = field(default=())
    notes: tuple[str, ...] = ()  # what the user should know but does not stop the import (balances)

    @property
    def last_date(self) -> date | None:
        return max((line.booking_date for line in self.lines), default=None)

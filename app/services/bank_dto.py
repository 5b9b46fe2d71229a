"""What a bank statement preview shows (each line, its status and proposed matches) and what applying did."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.bank_rules import Confidence, MatchReason
from app.io.import_records import BankLine, ImportKind, RowProblem
from app.services.dto import AllocationInput


class LineStatus(enum.StrEnum):
    TO_MATCH = "to_match"  # a credit not imported yet: proposals, or the user picks
    ALREADY_IMPORTED = "already_imported"  # a payment has its bank reference: skipped
    DEBIT = "debit"  # money out (or zero): listed, ignored
    OTHER_CURRENCY = "other_currency"  # a credit in another currency than the dossier's: left to the user


@dataclass(frozen=True, slots=True)
class ProposedInvoice:
    invoice_id: int
    number: str
    due_date: date
    open_cents: int
    allocated_cents: int


@dataclass(frozen=True, slots=True)
class Proposal:
    """A client and the invoices a credit would settle; ``details`` explain the reason (numbers, score…)."""

    client_id: int
    client_name: str
    invoices: tuple[ProposedInvoice, ...]
    confidence: Confidence
    reason: MatchReason
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def allocations(self) -> tuple[AllocationInput, ...]:
        return tuple(AllocationInput(i.invoice_id, i.allocated_cents) for i in self.invoices if i.allocated_cents)


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of the statement with what the dossier makes of it; ``proposals`` best first."""

    line: BankLine
    status: LineStatus
    proposals: tuple[Proposal, ...] = ()

    @property
    def best(self) -> Proposal | None:
        return self.proposals[0] if self.proposals else None


@dataclass(frozen=True, slots=True)
class StatementPreview:
    """A parsed statement matched against the dossier as of ``as_of``; nothing has been written."""

    file: str
    kind: ImportKind
    as_of: date
    lines: tuple[StatementLine, ...]
    problems: tuple[RowProblem, ...] = ()
    statement_date: date | None = None
    path: Path | None = None
    notes: tuple[str, ...] = ()

    def count(self, status: LineStatus) -> int:
        return sum(1 for line in self.lines if line.status == status)


@dataclass(frozen=True, slots=True)
class ConfirmedLine:
    """A credit the user confirmed: the client it came from and how it settles invoices (may be none)."""

    line: BankLine
    client_id: int
    allocations: tuple[AllocationInput, ...] = ()


@dataclass(frozen=True, slots=True)
class StatementResult:
    """What one apply wrote: payments created, lines skipped because already imported, the backup taken."""

    payments: int
    allocated_cents: int
    received_cents: int
    skipped: int
    statement_date: date | None
    backup: Path | None
    client_ids: tuple[int, ...] = ()

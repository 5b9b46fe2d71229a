"""What an import preview shows (created, updated, matched, refused rows) and what applying it did."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from app.io.import_records import ImportCancelled, ImportKind, ImportRefused, ParsedFile, SourceRef

# The interface names these through the services layer.
__all__ = ["ImportCancelled", "ImportKind", "ImportPreview", "ImportRefused", "ImportResult", "PreviewRow",
           "RecordType", "SourceRef"]


class RecordType(enum.StrEnum):
    CLIENT = "client"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    BANK_LINE = "bank_line"


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One line of the preview: a record to create, update, match or refuse.

    ``detail`` says what changes ("amount 100,00 € → 120,00 €") or, for a refused row, why.
    """

    type: RecordType
    key: str  # invoice number, account code, bank reference…
    label: str  # client name, amount and date: what the user recognises
    ref: SourceRef | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What applying ``parsed`` would do to the dossier now. Nothing has been written.

    ``payload`` belongs to the handler of the kind (e.g. the bank service's proposed matches); the
    framework carries it from preview to apply untouched.
    """

    kind: ImportKind
    path: Path
    parsed: ParsedFile
    created: tuple[PreviewRow, ...] = ()
    updated: tuple[PreviewRow, ...] = ()
    matched: tuple[PreviewRow, ...] = ()
    unchanged: int = 0
    refused: tuple[PreviewRow, ...] = ()
    notes: tuple[str, ...] = ()
    fatal: str = ""  # the whole file is refused (e.g. another company's FEC): apply writes nothing
    payload: object = field(default=None, repr=False, compare=False)

    @property
    def has_changes(self) -> bool:
        return not self.fatal and bool(self.created or self.updated or self.matched)

    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.updated), "matched": len(self.matched),
                "unchanged": self.unchanged, "refused": len(self.refused)}


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What was written in the one transaction, and the backup taken just before it."""

    kind: ImportKind
    path: Path
    created: int = 0
    updated: int = 0
    matched: int = 0
    unchanged: int = 0
    refused: int = 0
    backup: Path | None = None
    client_ids: tuple[int, ...] = ()  # clients whose records changed (to refresh their pages)

"""FEC (Fichier des Écritures Comptables, LPF A47 A-1) → clients, invoices, credit notes, payments and lettrage.

Only the customer accounts (411…, and 416/413) are read, plus the class-7 lines that give an invoice's
amount excluding tax. A debit on a customer account is an invoice; a credit is a credit note when its
entry holds a sales line (class 7), a payment otherwise. Lines lettered with the same code on the same
customer settle each other: credits go to debits in date order (FIFO), which also covers partial lettrage.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date

from app.i18n import _
from app.io.fec_columns import Columns, LineColumns, ScanState, scan
from app.io.fec_records import build
from app.io.import_detect import decode_text
from app.io.import_records import (
    Cancelled,
    ClientRecord,
    ImportKind,
    ImportRefused,
    ParsedFile,
    Progress,
    SourceRef,
)

_FILE_NAME = re.compile(r"(\d{9})FEC(\d{8})", re.IGNORECASE)
_REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib",
             "PieceRef", "PieceDate", "EcritureLet")


def parse_fec(data: bytes, file: str, *, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ParsedFile:
    """Read a FEC (tab or ``|`` separated, decimal comma or dot); bad lines become problems."""
    text, _encoding = decode_text(data)
    lines = text.splitlines()
    if not lines:
        raise ImportRefused(_("{file} is empty.").format(file=file))
    separator = _separator(lines[0])
    columns = _columns(lines[0], separator, file)
    state = ScanState(file, separator)
    total = len(lines)
    scan(state, columns, lines, separator, progress, cancelled)
    match = _FILE_NAME.search(file)
    notes = [_("FEC lines read: {count}; customer lines: {customers}.").format(count=total - 1,
                                                                               customers=len(state.lines.numbers))]
    invoices, payments = build(state, notes)
    return ParsedFile(ImportKind.FEC, file, _clients(file, state.lines), tuple(invoices), tuple(payments),
                      problems=tuple(state.problems), notes=tuple(notes),
                      company_siren=match.group(1) if match else "",
                      period=_period(state.lines, match.group(2) if match else ""))


def _clients(file: str, lines: LineColumns) -> tuple[ClientRecord, ...]:
    """One client per key, as its first line names it, in the order they first appear."""
    return tuple(ClientRecord(SourceRef(file, lines.numbers[first]), key, lines.names[first].strip() or key,
                              account_code=key) for key, first in lines.first_lines())


def _period(lines: LineColumns, closing: str) -> tuple[date, date] | None:
    """From the first customer line to the closing date of the file name (the fiscal year's end), else the last."""
    if not lines.numbers:
        return None
    first = min(min(lines.ons), min(lines.piece_dates))
    last = max(max(lines.ons), max(lines.piece_dates))
    with contextlib.suppress(ValueError):  # without a closing date in the name: the file's own last date
        last = max(last, date(int(closing[:4]), int(closing[4:6]), int(closing[6:])))
    return first, last


def _separator(header: str) -> str:
    for candidate in ("\t", "|", ";"):
        if candidate in header:
            return candidate
    return "\t"


def _columns(header: str, separator: str, file: str) -> Columns:
    names = [cell.strip().strip('"').lstrip("\ufeff") for cell in header.split(separator)]
    index = {name.casefold(): position for position, name in enumerate(names) if name}
    missing = [name for name in _REQUIRED if name.casefold() not in index]
    signed = "debit" not in index and "montant" in index and "sens" in index
    if not signed and ("debit" not in index or "credit" not in index):
        missing.append("Debit/Credit")
    if missing:
        raise ImportRefused(_("{file}:1: not a FEC header; missing column(s) {names}.").format(
            file=file, names=", ".join(missing)))
    return Columns(index, signed)

"""The bank parsers seen through the import framework's contract (app.io.import_records): one ParseFn per kind."""

from __future__ import annotations

from app.io.bank import camt053, cfonb120, mt940, ofx
from app.io.bank.reader import read_statement
from app.io.bank.records import BankLine as StatementLine
from app.io.bank.records import ParsedStatement
from app.io.bank.text import squeeze
from app.io.import_records import (
    BankLine,
    Cancelled,
    ImportKind,
    ParsedFile,
    Progress,
    RowProblem,
    SourceRef,
    check_cancel,
)

KINDS = {ImportKind.CAMT053: camt053.KIND, ImportKind.CFONB120: cfonb120.KIND, ImportKind.OFX: ofx.KIND,
         ImportKind.MT940: mt940.KIND}


def bank_line(line: StatementLine) -> BankLine:
    """The framework's record of one statement line: labels and remittance joined in ``text``."""
    return BankLine(ref=SourceRef(line.file, line.line), bank_reference=line.bank_reference,
                    booked_on=line.booking_date, value_on=line.value_date, amount_cents=line.amount_cents,
                    currency=line.currency or "EUR", counterparty_name=line.counterparty,
                    counterparty_iban=line.counterparty_iban,
                    text=squeeze(" ".join(part for part in (line.remittance, line.label) if part)),
                    end_to_end_id=line.end_to_end_id)


def parsed_file(statement: ParsedStatement, kind: ImportKind) -> ParsedFile:
    problems = tuple(RowProblem(SourceRef(p.file, p.line), p.field, p.message) for p in statement.problems)
    return ParsedFile(kind=kind, file=statement.file, bank_lines=tuple(map(bank_line, statement.lines)),
                      problems=problems, notes=statement.notes, statement_date=statement.last_date)


def parse_bank(data: bytes, file: str, kind: ImportKind | None = None, *, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> ParsedFile:
    """``data`` read as the bank format ``kind`` (detected when None) as the framework's ParsedFile."""
    check_cancel(cancelled)
    statement = read_statement(data, file, KINDS.get(kind) if kind else None)
    found = kind or next((k for k, name in KINDS.items() if name == statement.kind), ImportKind.CAMT053)
    if progress is not None:
        progress(len(statement.lines), len(statement.lines))
    return parsed_file(statement, found)

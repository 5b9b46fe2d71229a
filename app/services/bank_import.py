"""Bank statement import: preview a statement's credits against open invoices, then record the confirmed ones.

``preview_statement`` reads only. ``apply_statement`` takes a backup, then writes every confirmed line as a
payment (Source.BANK, external key = the line's bank reference) with its allocations, its history entry and
the statement's date for the reminder list's freshness warning, all in ONE transaction. A line whose bank
reference a payment already carries is skipped, so importing a statement twice changes nothing.
The import framework (app.services.imports) reaches these through the handler registered at the bottom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.bank_rules import Confidence
from app.domain.kinds import ActionKind, PaymentMethod, Source
from app.domain.records import SettlementKind
from app.formatting import format_cents, format_date
from app.i18n import _
from app.io.bank.adapt import KINDS, parse_bank
from app.io.import_records import (
    Cancelled,
    ImportKind,
    ImportRefused,
    ParsedFile,
    Progress,
    check_cancel,
)
from app.models import Allocation, Client, Invoice, Payment
from app.models.dossier import backup_file
from app.services import imports
from app.services.bank_dto import ConfirmedLine, LineStatus, StatementLine, StatementPreview, StatementResult
from app.services.bank_match import imported_references, load_index, match_lines
from app.services.bank_text import reason_text
from app.services.dto import Problem
from app.services.history import record_action
from app.services.import_dto import ImportPreview, ImportResult, PreviewRow, RecordType
from app.services.payments import _allocation_problems
from app.services.settings import BANK_LAST_IMPORT, read_setting, write_setting
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

PROGRESS_EVERY = 50


def parse_statement(path: Path, kind: ImportKind | None = None) -> ParsedFile:
    """Read a bank statement file (format detected from its content when ``kind`` is None)."""
    return parse_bank(imports.read_file(path), path.name, kind)


def preview_statement(ws: Workspace, source: Path | ParsedFile, *, as_of: date | None = None) -> StatementPreview:
    """Each line of the statement with its status and proposals against the invoices open on ``as_of``."""
    parsed = parse_statement(source) if isinstance(source, Path) else source
    day = as_of or ws.clock()
    with ws.dossier.reading() as session:
        index = load_index(session, day, (line.bank_reference for line in parsed.bank_lines))
    lines = match_lines(index, parsed.bank_lines)
    return StatementPreview(parsed.file, parsed.kind, day, tuple(lines), parsed.problems, parsed.statement_date,
                            source if isinstance(source, Path) else None, parsed.notes)


def safe_lines(preview: StatementPreview) -> list[ConfirmedLine]:
    """The lines whose best proposal is sure enough to accept without looking ("Accepter les propositions sûres")."""
    return [ConfirmedLine(line.line, best.client_id, best.allocations) for line in preview.lines
            if line.status == LineStatus.TO_MATCH and (best := line.best) is not None
            and best.confidence == Confidence.HIGH]


def apply_statement(ws: Workspace, preview: StatementPreview, confirmed: Sequence[ConfirmedLine], *,
                    progress: Progress | None = None, cancelled: Cancelled | None = None,
                    backup: bool = True) -> StatementResult:
    """Back the dossier up, then record every confirmed line as a payment in one transaction (all or nothing)."""
    if ws.read_only:
        raise ImportRefused(_("{path} is open read-only; nothing was imported.").format(path=ws.path))
    check_cancel(cancelled)
    saved = backup_file(ws.path, reason="bank") if backup else None
    with ws.dossier.transaction() as session:
        result = _write(session, preview, confirmed, progress, cancelled)
    return StatementResult(*result, preview.statement_date, saved, tuple(sorted({c.client_id for c in confirmed})))


def _write(session: Session, preview: StatementPreview, confirmed: Sequence[ConfirmedLine],
           progress: Progress | None, cancelled: Cancelled | None) -> tuple[int, int, int, int]:
    done = imported_references(session, (item.line.bank_reference for item in confirmed))
    payments = allocated = received = skipped = 0
    for count, item in enumerate(confirmed, start=1):
        if item.line.bank_reference in done:
            skipped += 1
            continue
        done.add(item.line.bank_reference)
        allocated += _record(session, item)
        payments += 1
        received += item.line.amount_cents
        if count % PROGRESS_EVERY == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(count, len(confirmed))
    if preview.statement_date is not None:
        current = read_setting(session, BANK_LAST_IMPORT)
        # The same rule as next_steps.set_last_bank_import, inside this transaction: the date never goes back.
        if not current or date.fromisoformat(current) < preview.statement_date:
            write_setting(session, BANK_LAST_IMPORT, preview.statement_date.isoformat())
    check_cancel(cancelled)
    if progress is not None:
        progress(len(confirmed), len(confirmed))
    return payments, allocated, received, skipped


def _record(session: Session, item: ConfirmedLine) -> int:
    """One payment with its allocations and history entry; returns the cents allocated."""
    line = item.line
    where = str(line.ref)
    if line.amount_cents <= 0:
        raise ValidationFailed([Problem("", _("{where}: only credits can be recorded as payments.").format(
            where=where))])
    if session.get(Client, item.client_id) is None:
        raise ValidationFailed([Problem("client_id", _("{where}: client #{id} does not exist.").format(
            where=where, id=item.client_id))])
    problems = _allocation_problems(session, item.client_id, line.amount_cents, item.allocations,
                                    _("The allocations exceed the payment."))
    if problems:
        raise ValidationFailed([Problem(p.field, f"{where}: {p.message}") for p in problems])
    payment = Payment(client_id=item.client_id, received_on=line.booked_on, amount_cents=line.amount_cents,
                      currency=line.currency or "EUR", method=PaymentMethod.TRANSFER,
                      bank_reference=line.bank_reference[:120], source=Source.BANK,
                      external_key=line.bank_reference[:120],
                      notes=" — ".join(part for part in (line.counterparty_name, line.text) if part)[:1000])
    session.add(payment)
    session.flush()
    for allocation in item.allocations:
        invoice = session.get(Invoice, allocation.invoice_id)
        assert invoice is not None  # checked above
        session.add(Allocation(invoice_id=invoice.id, kind=SettlementKind.PAYMENT, payment_id=payment.id,
                               amount_cents=allocation.amount_cents, on_date=max(line.booked_on, invoice.issue_date)))
    total = sum(a.amount_cents for a in item.allocations)
    record_action(session, client_id=item.client_id, kind=ActionKind.PAYMENT, occurred_on=line.booked_on,
                  summary=_("Bank transfer {reference}").format(reference=line.end_to_end_id or line.text[:80]),
                  invoice_ids=[a.invoice_id for a in item.allocations],
                  details={"payment_id": payment.id, "amount_cents": line.amount_cents, "method": "transfer",
                           "allocated_cents": total, "bank_reference": line.bank_reference, "file": line.ref.file})
    return total


# --- the import framework's handler (CLI `encaisse import`, Importer…, file drops) ---------------------------

def _preview_handler(ws: Workspace, parsed: ParsedFile, path: Path, *, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ImportPreview:
    statement = preview_statement(ws, parsed)
    statement = replace(statement, path=path)
    check_cancel(cancelled)
    safe = {item.line.bank_reference for item in safe_lines(statement)}
    matched = tuple(_row(line) for line in statement.lines if line.line.bank_reference in safe)
    refused = tuple(PreviewRow(RecordType.BANK_LINE, "", str(p.ref), p.ref, p.message) for p in statement.problems)
    to_check = statement.count(LineStatus.TO_MATCH) - len(matched)
    notes = [*parsed.notes, _("{count} debit(s) ignored.").format(count=statement.count(LineStatus.DEBIT))]
    if to_check:
        notes.append(_("{count} credit(s) without a sure match: open the statement in the reconciliation view.").format(
            count=to_check))
    return ImportPreview(parsed.kind, path, parsed, matched=matched,
                         unchanged=statement.count(LineStatus.ALREADY_IMPORTED), refused=refused, notes=tuple(notes),
                         payload=statement)


def _row(line: StatementLine) -> PreviewRow:
    best = line.best
    assert best is not None
    label = f"{best.client_name} {format_cents(line.line.amount_cents)} {format_date(line.line.booked_on)}"
    return PreviewRow(RecordType.BANK_LINE, line.line.bank_reference, label, line.line.ref, reason_text(best))


def _apply_handler(ws: Workspace, preview: ImportPreview, *, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> ImportResult:
    """Without a person to confirm (CLI, drops applied as they are): only the sure proposals are recorded."""
    statement = preview.payload
    if not isinstance(statement, StatementPreview):
        statement = preview_statement(ws, preview.parsed)
    confirmed = safe_lines(statement)
    result = apply_statement(ws, statement, confirmed, progress=progress, cancelled=cancelled, backup=False)
    return ImportResult(preview.kind, preview.path, created=result.payments, matched=result.payments,
                        unchanged=result.skipped + statement.count(LineStatus.ALREADY_IMPORTED),
                        refused=len(statement.problems), client_ids=result.client_ids)


def _parser(kind: ImportKind) -> imports.ParseFn:
    def parse(data: bytes, file: str, *, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ParsedFile:
        return parse_bank(data, file, kind, progress=progress, cancelled=cancelled)
    return parse


def register() -> None:
    for kind in KINDS:
        imports.register_handler({kind}, parse=_parser(kind), preview=_preview_handler, apply=_apply_handler)


register()

"""The invoice-side import handler (CSV, XLSX, FEC, Factur-X, CII, UBL): preview from a plan, apply it in one go."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.io.import_records import Cancelled, ImportKind, ImportRefused, ParsedFile, Progress, check_cancel
from app.services import imports
from app.services.import_dto import ImportPreview, ImportResult, PreviewRow, RecordType
from app.services.import_plan import Plan, fingerprint, make_plan
from app.services.import_write import PlanWriter, is_bulk, large_cache, new_rows
from app.services.workspace import Workspace

INVOICE_KINDS = (ImportKind.CSV, ImportKind.XLSX, ImportKind.FEC, ImportKind.FACTURX, ImportKind.CII,
                 ImportKind.UBL)


def _parse_fec(data: bytes, file: str, *, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> ParsedFile:
    from app.io.import_fec import parse_fec

    return parse_fec(data, file, progress=progress, cancelled=cancelled)


def _parse_einvoice(data: bytes, file: str, *, progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> ParsedFile:
    from app.io.import_einvoice import parse_einvoice

    return parse_einvoice(data, file)


def _parse_csv(data: bytes, file: str, *, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> ParsedFile:
    from app.io.import_tabular import parse_tabular

    return parse_tabular(data, file, ImportKind.CSV, progress=progress, cancelled=cancelled)


def _parse_xlsx(data: bytes, file: str, *, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ParsedFile:
    from app.io.import_tabular import parse_tabular

    return parse_tabular(data, file, ImportKind.XLSX, progress=progress, cancelled=cancelled)


def preview_invoices(ws: Workspace, parsed: ParsedFile, path: Path, *, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ImportPreview:
    """Compare the file's clients, invoices and payments with the dossier; nothing is written."""
    with ws.dossier.reading() as session:
        plan = make_plan(session, parsed, progress=progress, cancelled=cancelled)
        state = fingerprint(session)
    refused = [PreviewRow(RecordType.INVOICE, problem.field, "", problem.ref, problem.message)
               for problem in parsed.problems]
    return ImportPreview(parsed.kind, path, parsed, tuple(plan.created), tuple(plan.updated), (), plan.unchanged,
                         tuple(refused + plan.refused), tuple([*parsed.notes, *plan.notes]), plan.fatal,
                         payload=(state, plan), absent=tuple(plan.absent), removing=len(plan.dropped))


def apply_invoices(ws: Workspace, preview: ImportPreview, *, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> ImportResult:
    """Write the preview's plan, recomputed inside the transaction if the dossier changed since the preview."""
    planned = preview.payload[1] if isinstance(preview.payload, tuple) and len(preview.payload) == 2 else None
    # A bulk write leaves its 100 MB of log to a background checkpoint (the plan is the preview's, as a rule).
    large = isinstance(planned, Plan) and is_bulk(new_rows(planned))
    with ws.dossier.transaction(checkpoint_later=large) as session, large_cache(session):
        plan = _current_plan(session, preview, cancelled)
        if plan.fatal:
            raise ImportRefused(plan.fatal)
        clients = PlanWriter(ws, session, plan, preview.parsed.file, progress=progress, cancelled=cancelled).write()
        check_cancel(cancelled)
    refused = len(preview.parsed.problems) + len(plan.refused)
    return ImportResult(preview.kind, preview.path, len(plan.created), len(plan.updated), 0, plan.unchanged, refused,
                        None, clients, removed=len(plan.dropped))


def _current_plan(session: Session, preview: ImportPreview, cancelled: Cancelled | None) -> Plan:
    payload = preview.payload
    if isinstance(payload, tuple) and len(payload) == 2 and isinstance(payload[1], Plan) \
            and payload[0] == fingerprint(session):
        return payload[1]
    return make_plan(session, preview.parsed, cancelled=cancelled)


def register() -> None:
    parsers = {ImportKind.CSV: _parse_csv, ImportKind.XLSX: _parse_xlsx, ImportKind.FEC: _parse_fec,
               ImportKind.FACTURX: _parse_einvoice, ImportKind.CII: _parse_einvoice, ImportKind.UBL: _parse_einvoice}
    for kind, parse in parsers.items():
        imports.register_handler({kind}, parse=parse, preview=preview_invoices, apply=apply_invoices)


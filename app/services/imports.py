"""Import use cases: read a file, preview what it would change, apply it after a backup in one transaction.

How a kind plugs in (the bank side does so in app/services/bank_import.py)::

    from app.services import imports

    imports.register_handler({ImportKind.CAMT053, ...}, parse=parse_fn, preview=preview_fn, apply=apply_fn)

- ``parse(data: bytes, file: str, *, progress, cancelled) -> ParsedFile`` (app/io, no database);
- ``preview(ws, parsed, path, *, progress, cancelled) -> ImportPreview`` reads only; it may keep
  anything it needs later in ``ImportPreview.payload`` (e.g. the proposed matches);
- ``apply(ws, preview, *, progress, cancelled) -> ImportResult`` writes in ONE ``ws.dossier.transaction()``
  and raises ``ImportCancelled`` when ``cancelled()`` turns true (the transaction then rolls back).

``apply_import`` refuses a read-only dossier or a fatal preview, and takes the backup before calling
``apply``. Modules named in ``PLUGINS`` are imported on first use so that their handlers register.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.i18n import _
from app.io.import_detect import detect_kind
from app.io.import_records import (
    BANK_KINDS,
    Cancelled,
    ImportKind,
    ImportRefused,
    ParsedFile,
    Progress,
    check_cancel,
)
from app.models.dossier import backup_file
from app.services.gc_pause import collector_paused
from app.services.import_dto import ImportPreview, ImportResult
from app.services.workspace import Workspace

MAX_IMPORT_BYTES = 512 * 1024 * 1024
PLUGINS = ("app.services.bank_import",)


class ParseFn(Protocol):
    def __call__(self, data: bytes, file: str, *, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> ParsedFile: ...


class PreviewFn(Protocol):
    def __call__(self, ws: Workspace, parsed: ParsedFile, path: Path, *, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> ImportPreview: ...


class ApplyFn(Protocol):
    def __call__(self, ws: Workspace, preview: ImportPreview, *, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> ImportResult: ...


@dataclass(frozen=True, slots=True)
class Handler:
    parse: ParseFn
    preview: PreviewFn
    apply: ApplyFn
    confirm_in_app: bool = False


_HANDLERS: dict[ImportKind, Handler] = {}
_plugins_loaded: list[bool] = []
_invoice_kinds_loaded: list[bool] = []  # a bank module imported first registers its kinds without these


def register_handler(kinds: Iterable[ImportKind], *, parse: ParseFn, preview: PreviewFn, apply: ApplyFn,
                     confirm_in_app: bool | None = None) -> None:
    """Route ``kinds`` to these functions (a later registration replaces an earlier one).

    ``confirm_in_app`` (default: True for bank kinds) keeps the CLI from applying a preview nobody confirmed.
    """
    for kind in map(ImportKind, kinds):
        confirm = kind in BANK_KINDS if confirm_in_app is None else confirm_in_app
        _HANDLERS[kind] = Handler(parse, preview, apply, confirm)


def handler_for(kind: ImportKind) -> Handler | None:
    """The handler of ``kind``; None when nobody handles it yet. The invoice kinds are registered at the first call,
    the plugin modules (bank statements) at the first call for a kind still without a handler: a FEC import from the
    command line does not load the bank matching."""
    if not _invoice_kinds_loaded:
        _invoice_kinds_loaded.append(True)
        _register_invoice_kinds()
    if kind not in _HANDLERS and not _plugins_loaded:
        _plugins_loaded.append(True)
        for name in PLUGINS:
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
    return _HANDLERS.get(kind)


def is_bank_kind(kind: ImportKind) -> bool:
    return kind in BANK_KINDS


def can_apply(kind: ImportKind) -> bool:
    """Whether ``apply_import`` may run on a preview of ``kind`` without a user confirming matches first.

    A bank handler says so with ``register_handler(..., confirm_in_app=True)`` (the default for bank kinds):
    its matches are confirmed in the reconciliation view, so the CLI only prints them.
    """
    handler = handler_for(kind)
    return handler is not None and not handler.confirm_in_app


def read_file(path: Path) -> bytes:
    """The file's bytes, or ImportRefused naming it (missing, unreadable, empty or too large)."""
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportRefused(_("{file} is too large to import ({size} MB).").format(
                file=path.name, size=size // (1024 * 1024)))
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(_("{file} cannot be read: {error}").format(file=path, error=exc.strerror or exc)) from exc
    if not data.strip():
        raise ImportRefused(_("{file} is empty.").format(file=path.name))
    return data


def detect_file_kind(path: Path, data: bytes | None = None) -> ImportKind:
    """The kind of ``path`` from its content, or ImportRefused saying the format is not recognised."""
    data = read_file(path) if data is None else data
    kind = detect_kind(data, path.name)
    if kind is None:
        raise ImportRefused(_("{file}: format not recognised (expected CSV, XLSX, FEC, Factur-X, CII, UBL, CAMT.053, "
                              "CFONB 120, OFX or MT940).").format(file=path.name))
    return kind


def parse_import(path: Path, kind: ImportKind | None = None, *, mapping: Mapping[str, Any] | None = None,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> ParsedFile:
    """Read ``path`` as ``kind`` (detected from the content when None); touches no dossier."""
    data = read_file(path)
    kind = kind or detect_file_kind(path, data)
    if kind in (ImportKind.CSV, ImportKind.XLSX):
        from app.io.import_tabular import parse_tabular

        return parse_tabular(data, path.name, kind, mapping=mapping, progress=progress, cancelled=cancelled)
    handler = handler_for(kind)
    if handler is None:
        raise ImportRefused(_("{file}: {kind} files cannot be imported yet.").format(file=path.name, kind=kind.value))
    return handler.parse(data, path.name, progress=progress, cancelled=cancelled)


def preview_import(ws: Workspace, path: Path, kind: ImportKind | None = None, *,
                   mapping: Mapping[str, Any] | None = None, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> ImportPreview:
    """What importing ``path`` would create, update, match and refuse; nothing is written."""
    with collector_paused():  # hundreds of thousands of acyclic records: the cycle collector would walk them all
        parsed = parse_import(path, kind, mapping=mapping, progress=progress, cancelled=cancelled)
        check_cancel(cancelled)
        return preview_parsed(ws, parsed, path, progress=progress, cancelled=cancelled)


def preview_parsed(ws: Workspace, parsed: ParsedFile, path: Path, *, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> ImportPreview:
    handler = handler_for(parsed.kind)
    if handler is None:
        raise ImportRefused(_("{file}: {kind} files cannot be imported yet.").format(
            file=path.name, kind=parsed.kind.value))
    return handler.preview(ws, parsed, path, progress=progress, cancelled=cancelled)


def apply_import(ws: Workspace, preview: ImportPreview, *, progress: Progress | None = None,
                 cancelled: Cancelled | None = None, backup: bool = True) -> ImportResult:
    """Back the dossier up, then write the preview's changes in one transaction (all of them or none)."""
    if ws.read_only:
        raise ImportRefused(_("{path} is open read-only; nothing was imported.").format(path=ws.path))
    if preview.fatal:
        raise ImportRefused(preview.fatal)
    handler = handler_for(preview.kind)
    if handler is None:
        raise ImportRefused(_("{kind} files cannot be imported yet.").format(kind=preview.kind.value))
    check_cancel(cancelled)
    saved = backup_file(ws.path, reason="import") if backup else None
    with collector_paused():
        result = handler.apply(ws, preview, progress=progress, cancelled=cancelled)
    return ImportResult(result.kind, result.path, result.created, result.updated, result.matched, result.unchanged,
                        result.refused, saved, result.client_ids, result.removed)


def _register_invoice_kinds() -> None:
    from app.services import import_invoices

    import_invoices.register()


"""Exports: the aged balance and the client list as CSV (French Excel), XLSX or a PDF report.

The file is written next to its destination under a temporary name, then renamed over it: a failed
or interrupted export never leaves a half-written file behind, nor damages an earlier export.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Literal, get_args

from app.errors import KnownError
from app.formatting import format_date
from app.i18n import _
from app.io.export_csv import write_csv
from app.io.export_pdf import write_report_pdf
from app.io.export_xlsx import write_xlsx
from app.io.tables import ExportColumn, TableExport, aging_table, money_total
from app.models import Company
from app.services.clients import list_clients
from app.services.dto import ClientRow
from app.services.reports import aged_balance
from app.services.workspace import Workspace

ExportFormat = Literal["csv", "xlsx", "pdf"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
EXPORT_WHAT = ("aging", "clients")
_WRITERS: dict[str, Callable[[TableExport, Path], None]] = {
    "csv": write_csv, "xlsx": write_xlsx, "pdf": write_report_pdf,
}



def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class ExportFailed(KnownError):
    """The export file could not be written (folder missing, read-only, disk full…)."""


def export_format(path: Path, default: str | None = None) -> ExportFormat:
    """The format a file name asks for (``.csv``, ``.xlsx``, ``.pdf``), else ``default``."""
    suffix = path.suffix.lower().lstrip(".")
    for name in EXPORT_FORMATS:
        if suffix == name:
            return name
    for name in EXPORT_FORMATS:
        if default == name:
            return name
    raise ExportFailed(_("{path}: choose a .csv, .xlsx or .pdf file").format(path=path))


def company_lines(ws: Workspace) -> tuple[str, ...]:
    """The creditor's name (with legal form), SIREN and address, as printed atop the exports."""
    with ws.dossier.reading() as session:
        company = session.get(Company, 1)
        if company is None:
            return (ws.info().company.legal_name,)
        name = company.legal_name
        if company.legal_form and company.legal_form.casefold() not in name.casefold().split():
            name = f"{name} {company.legal_form}"
        siren = company.siren
        address = ", ".join(part for part in (
            company.address_line1, company.address_line2,
            " ".join(part for part in (company.postcode, company.city) if part)) if part)
    lines = [name]
    if siren:
        lines.append(_("SIREN {siren}").format(siren=_group_siren(siren)))
    if address:
        lines.append(address)
    return tuple(lines)


def _group_siren(siren: str) -> str:
    return " ".join(siren[i:i + 3] for i in range(0, len(siren), 3)) if len(siren) == 9 else siren


def aging_export_table(ws: Workspace, as_of: date) -> TableExport:
    report = aged_balance(ws, as_of)
    title = _("Aged balance as of {date}").format(date=format_date(as_of))
    return aging_table(title, company_lines(ws), as_of, report.bucket_bounds, report.lines, report.totals)


def clients_export_table(ws: Workspace, as_of: date) -> TableExport:
    rows = list_clients(ws, as_of)
    columns = (
        ExportColumn(_("Code"), "text", 12), ExportColumn(_("Client"), "text", 34),
        ExportColumn(_("City"), "text", 16), ExportColumn(_("Segment"), "text", 16),
        ExportColumn(_("Invoices"), "int", 8), ExportColumn(_("Balance"), "money", 14),
        ExportColumn(_("Overdue amount"), "money", 14, blank_zero=True), ExportColumn(_("Days late"), "int", 8),
        ExportColumn(_("Credit limit"), "money", 14), ExportColumn(_("E-mail"), "text", 26),
        ExportColumn(_("Phone"), "text", 14),
    )
    cells = tuple(_client_cells(row) for row in rows)
    totals = ("", _("Total"), "", "", money_total(cells, 4), money_total(cells, 5), money_total(cells, 6),
              None, None, "", "")
    title = _("Clients as of {date}").format(date=format_date(as_of))
    return TableExport(title, company_lines(ws), as_of, columns, cells, totals, sheet_name=_("Clients"))


def _client_cells(row: ClientRow) -> tuple[str | int | None, ...]:
    return (row.account_code, row.name, row.city, row.segment_label, row.invoice_count, row.open_cents,
            row.overdue_cents, row.max_days_past_due or None, row.credit_limit_cents, row.email, row.phone)


def write_table(table: TableExport, path: Path, fmt: str) -> Path:
    """Write ``table`` to ``path`` atomically (temporary file in the same folder, then renamed)."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ExportFailed(_("Unknown export format: {format}").format(format=fmt))
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise ExportFailed(_("Cannot write {path}: {reason}").format(path=path, reason=error.strerror)) from error
    os.close(handle)
    part = Path(temporary)
    try:
        os.chmod(part, 0o666 & ~_UMASK)  # mkstemp makes it private; an export gets the usual rights
        writer(table, part)
        os.replace(part, path)
    except OSError as error:
        raise ExportFailed(_("Cannot write {path}: {reason}").format(path=path, reason=error.strerror)) from error
    finally:
        part.unlink(missing_ok=True)
    return path


def export_aged_balance(ws: Workspace, as_of: date, path: Path, fmt: str) -> Path:
    """The aged balance on ``as_of`` written to ``path`` as csv, xlsx or pdf; returns the path."""
    return write_table(aging_export_table(ws, as_of), path, fmt)


def export_clients(ws: Workspace, as_of: date, path: Path, fmt: str) -> Path:
    """The client list with balances on ``as_of`` written to ``path`` as csv, xlsx or pdf."""
    return write_table(clients_export_table(ws, as_of), path, fmt)


def export(ws: Workspace, what: str, as_of: date, path: Path, fmt: str) -> Path:
    """``what`` is "aging" or "clients" (the CLI's and the menu's single entry point)."""
    if what == "aging":
        return export_aged_balance(ws, as_of, path, fmt)
    return export_clients(ws, as_of, path, fmt)

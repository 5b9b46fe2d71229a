"""Command-line verbs on the same services as the interface: demo, aging, kpi, next-steps, check, backup, export."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from app import __version__
from app.domain.kinds import SuggestionKind
from app.errors import KnownError
from app.formatting import (
    format_cents,
    format_count,
    format_date,
    format_days,
    format_percent,
    format_plain_cents,
)
from app.i18n import N_, _, ngettext
from app.io.tables import aging_amounts, aging_header
from app.services import demo, exports, next_steps, reports
from app.services.dto import AgingLine, AgingReport, Kpi, KpiReport
from app.services.import_dto import ImportPreview, PreviewRow
from app.services.reasons_text import describe, kind_label
from app.services.todo_dto import Reason, Suggestion, TodoList
from app.services.workspace import Workspace, backup_dossier, check_dossier, open_workspace

SHOWN_ROWS = 20  # preview rows listed per kind by ``encaisse import`` without --all
COMMANDS = ("demo", "aging", "kpi", "next-steps", "check", "backup", "export", "letter", "import")


def parse_date(text: str) -> date:
    """``2026-11-23`` or ``23/11/2026``; argparse shows the message on a bad value."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(_("{text}: not a date (expected YYYY-MM-DD or DD/MM/YYYY)").format(text=text))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="encaisse", description=_("Encaisse from the command line."))
    parser.add_argument("--version", action="version", version=f"Encaisse {__version__}")
    parser.add_argument("--lang", choices=("fr", "en"), default=None, help=_("language of the output"))
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("demo", help=_("generate a demo dossier"))
    make.add_argument("path", type=Path)
    make.add_argument("--large", action="store_true", help=_("5,000 clients and 200,000 invoices"))
    make.add_argument("--as-of", type=parse_date, default=None)
    for name, formats, text in (("aging", ("table", "csv", "json"), _("print the aged balance")),
                                ("kpi", ("table", "json"), _("print the key figures")),
                                ("next-steps", ("table", "json"), _("print the suggested reminders and why"))):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("path", type=Path)
        sub.add_argument("--as-of", type=parse_date, default=None)
        sub.add_argument("--format", choices=formats, default="table")
    commands.add_parser("check", help=_("check a dossier's integrity and schema")).add_argument("path", type=Path)
    commands.add_parser("backup", help=_("back up a dossier")).add_argument("path", type=Path)
    export = commands.add_parser("export", help=_("export the aged balance or the client list to a file"))
    export.add_argument("path", type=Path)
    export.add_argument("--what", choices=exports.EXPORT_WHAT, default="aging")
    export.add_argument("--format", choices=exports.EXPORT_FORMATS, default=None,
                        help=_("csv, xlsx or pdf (default: from the file name)"))
    export.add_argument("--out", type=Path, required=True, help=_("the file to write"))
    export.add_argument("--as-of", type=parse_date, default=None)
    _letter_parser(commands)
    _import_parser(commands)
    return parser


def _letter_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.letters.data import LetterKind

    letter = commands.add_parser("letter", help=_("write a client's reminder, formal notice, statement, payment "
                                                  "plan or claim file as a PDF"))
    letter.add_argument("path", type=Path)
    letter.add_argument("--client", required=True, help=_("the client's account code"))
    letter.add_argument("--kind", required=True, choices=[kind.value for kind in LetterKind])
    letter.add_argument("--as-of", type=parse_date, default=None)
    letter.add_argument("--deadline-days", type=int, default=None, help=_("payment deadline of a formal notice"))
    letter.add_argument("--out", type=Path, required=True, help=_("the PDF file to write"))


def _import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.io.import_records import ImportKind

    command = commands.add_parser("import", help=_("import a CSV, XLSX, FEC, Factur-X, CII, UBL or bank statement "
                                                   "file (preview, then apply)"))
    command.add_argument("path", type=Path)
    command.add_argument("file", type=Path)
    command.add_argument("--kind", choices=[kind.value for kind in ImportKind], default=None,
                         help=_("the file's format (default: detected from its content)"))
    command.add_argument("--dry-run", action="store_true", help=_("show the preview only; change nothing"))
    command.add_argument("--all", action="store_true", help=_("list every row of the preview (default: the first "
                                                                "{count} of each kind)").format(count=SHOWN_ROWS))


def main(argv: Sequence[str], out: Callable[[str], object] = print) -> int:
    """Run one command; a known problem prints one line on stderr and returns 2, never a traceback."""
    args = _parser().parse_args(list(argv))
    try:
        return _run(args, out)
    except KnownError as error:
        print(f"encaisse: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, out: Callable[[str], object]) -> int:
    if args.command == "demo":
        path = demo.create_demo_dossier(args.path, as_of=args.as_of or date.today(), large=args.large)
        out(_("Demo dossier written to {path}").format(path=path))
        return 0
    if args.command == "check":
        report = check_dossier(args.path)
        out(_("Schema: {revision} (this Encaisse: {head})").format(revision=report.revision, head=report.head))
        for problem in report.problems:
            out(problem)
        out(_("Integrity: OK") if not report.problems else _("Integrity: {count} problem(s)").format(
            count=len(report.problems)))
        return 0 if report.ok else 1
    if args.command == "import":
        return _run_import(args, out)
    if args.command == "backup":
        out(_("Backup written to {path}").format(path=backup_dossier(args.path)))
        return 0
    ws = open_workspace(args.path, read_only=True)
    try:
        as_of = args.as_of or ws.clock()
        if args.command == "aging":
            out(_render_aging(reports.aged_balance(ws, as_of), args.format))
        elif args.command == "next-steps":
            out(_render_todo(next_steps.build_todo(ws, as_of), args.format))
        elif args.command == "letter":
            out(_write_letter(ws, args, as_of))
        elif args.command == "export":
            fmt = exports.export_format(args.out, args.format)
            written = exports.export(ws, args.what, as_of, args.out, fmt)
            out(_("Export written to {path}").format(path=written))
        else:
            out(_render_kpis(reports.key_figures(ws, as_of), args.format))
    finally:
        ws.close()
    return 0


def _write_letter(ws: Workspace, args: argparse.Namespace, as_of: date) -> str:
    from app.letters.data import LetterKind
    from app.services import letters
    from app.services.client_page import client_id_for_code

    client_id = client_id_for_code(ws, args.client)
    if client_id is None:
        raise KnownError(_("No client with code {code}").format(code=args.client))
    document = letters.produce_letter(ws, client_id, LetterKind(args.kind), as_of, deadline_days=args.deadline_days)
    letters.save_pdf(args.out, document.pdf)
    return _("Letter written to {path} (SHA-256 {digest})").format(path=args.out, digest=document.sha256)


def _aging_header(report: AgingReport) -> list[str]:
    return aging_header(report.bucket_bounds)


def _aging_cells(line: AgingLine, money: Callable[[int], str]) -> list[str]:
    return [line.account_code, line.client_name, *(money(cents) for cents in aging_amounts(line))]


def _render_aging(report: AgingReport, output: str) -> str:
    if output == "json":
        return json.dumps(_aging_json(report), ensure_ascii=False, indent=2)
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(_aging_header(report))
        for line in (*report.lines, report.totals):
            writer.writerow(_aging_cells(line, format_plain_cents))
        return buffer.getvalue().rstrip("\n")
    rows = [_aging_cells(line, format_cents) for line in report.lines]
    totals = _aging_cells(report.totals, format_cents)
    totals[1] = _("Total")
    title = _("Aged balance as of {date}").format(date=format_date(report.as_of))
    return title + "\n" + _table(_aging_header(report), [*rows, totals], numeric_from=2)


def _aging_json(report: AgingReport) -> dict[str, object]:
    def line_json(line: AgingLine) -> dict[str, object]:
        return {"client_id": line.client_id, "account_code": line.account_code, "client": line.client_name,
                "buckets_cents": list(line.buckets), "total_cents": line.total_cents,
                "disputed_cents": line.disputed_cents, "unallocated_cents": line.unallocated_cents,
                "net_cents": line.net_cents}
    return {"as_of": report.as_of.isoformat(), "buckets": [list(bound) for bound in report.bucket_bounds],
            "lines": [line_json(line) for line in report.lines], "totals": line_json(report.totals)}


def kpi_text(kpi: Kpi) -> str:
    """A key figure's value as shown on a tile: amount, days or percentage."""
    if kpi.unit == "cents":
        return format_cents(int(kpi.value or 0))
    if kpi.unit == "days":
        return format_days(None if kpi.value is None else float(kpi.value))
    return format_percent(None if kpi.value is None else float(kpi.value))


def _render_kpis(report: KpiReport, output: str) -> str:
    if output == "json":
        return json.dumps({"as_of": report.as_of.isoformat(), "kpis": [
            {"key": kpi.key, "label": kpi.label, "value": kpi.value, "unit": kpi.unit, "formula": kpi.formula,
             "period": [kpi.period_start.isoformat(), kpi.period_end.isoformat()]} for kpi in report.kpis]},
            ensure_ascii=False, indent=2)
    first = report.kpis[0]
    title = _("Key figures as of {date} (period {start} – {end})").format(
        date=format_date(report.as_of), start=format_date(first.period_start), end=format_date(first.period_end))
    return title + "\n" + _table([_("Figure"), _("Value")], [[kpi.label, kpi_text(kpi)] for kpi in report.kpis],
                                 numeric_from=1)


_CHANNEL_LABELS = {"email": N_("E-mail"), "letter": N_("Letter"), "phone": N_("Phone"),
                   "registered_letter": N_("Registered letter"), "judicial": N_("Judicial")}


def _render_todo(todo: TodoList, output: str) -> str:
    if output == "json":
        return json.dumps(_todo_json(todo), ensure_ascii=False, indent=2)
    title = _("To do as of {date}: {count} suggestion(s)").format(date=format_date(todo.as_of),
                                                                   count=len(todo.suggestions))
    if todo.bank_stale:
        title += "\n" + (_("Last bank statement: {date}").format(date=format_date(todo.last_bank_import))
                         if todo.last_bank_import else _("No bank statement imported yet"))
    rows = [[s.client_code, s.client_name, _suggestion_label(s), _(_CHANNEL_LABELS[s.channel.value]),
             format_cents(s.claimed_cents), str(s.priority)] for s in todo.suggestions]
    lines = [title, _table([_("Code"), _("Client"), _("Action"), _("Channel"), _("Claimed"), _("Priority")], rows,
                           numeric_from=4)]
    for s in todo.suggestions:
        lines.append("")
        lines.append(f"{s.client_code} — {_suggestion_label(s)}")
        lines += [f"  • {describe(reason)}" for reason in s.reasons]
        lines += [f"  ! {describe(warning)}" for warning in s.warnings]
    return "\n".join(lines)


def _suggestion_label(suggestion: Suggestion) -> str:
    return suggestion.step_name if suggestion.kind is SuggestionKind.STEP else kind_label(suggestion.kind)


def _todo_json(todo: TodoList) -> dict[str, object]:
    def reasons(items: tuple[Reason, ...]) -> list[dict[str, object]]:
        return [{"code": r.code.value, "params": dict(r.params), "text": describe(r)} for r in items]

    def suggestion_json(s: Suggestion) -> dict[str, object]:
        return {"key": s.key, "kind": s.kind.value, "client_id": s.client_id, "client_code": s.client_code,
                "client": s.client_name, "segment": s.segment_code, "ladder": s.ladder_code, "step_id": s.step_id,
                "step": s.step_name, "step_position": s.step_position, "channel": s.channel.value,
                "tone": s.tone.value, "template": s.template, "needs_review": s.needs_review,
                "deadline_days": s.deadline_days, "overdue_cents": s.overdue_cents, "credits_cents": s.credits_cents,
                "claimed_cents": s.claimed_cents, "priority": s.priority, "related_action_id": s.related_action_id,
                "invoices": [{"invoice_id": i.invoice_id, "number": i.number, "due_date": i.due_date.isoformat(),
                              "open_cents": i.open_cents, "days_late": i.days_late,
                              "step_position": i.step_position, "flag": i.flag.value if i.flag else None}
                             for i in s.invoices],
                "reasons": reasons(s.reasons), "warnings": reasons(s.warnings)}
    return {"as_of": todo.as_of.isoformat(), "bank_stale": todo.bank_stale,
            "last_bank_import": todo.last_bank_import.isoformat() if todo.last_bank_import else None,
            "suggestions": [suggestion_json(s) for s in todo.suggestions]}


def _table(header: list[str], rows: list[list[str]], numeric_from: int) -> str:
    """Plain text columns; amounts right-aligned."""
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(width) if index >= numeric_from else cell.ljust(width)
                         for index, (cell, width) in enumerate(zip(cells, widths, strict=True))).rstrip()
    return "\n".join([line(header), "  ".join("-" * width for width in widths), *map(line, rows)])


def _run_import(args: argparse.Namespace, out: Callable[[str], object]) -> int:
    """Preview the file, print it, and apply it unless --dry-run (bank statements: proposals only)."""
    from app.io.import_records import ImportKind
    from app.services import imports

    kind = ImportKind(args.kind) if args.kind else imports.detect_file_kind(args.file)
    if imports.is_bank_kind(kind) and imports.handler_for(kind) is None:
        out(_("{file} is a bank statement ({kind}): use the app (File > Import…) to match it to invoices.").format(
            file=args.file.name, kind=kind.value))
        return 0
    ws = open_workspace(args.path, read_only=args.dry_run)
    try:
        preview = imports.preview_import(ws, args.file, kind)
        out(_render_preview(preview, shown=None if args.all else SHOWN_ROWS))
        if preview.fatal:
            return 1
        if imports.is_bank_kind(preview.kind) and not imports.can_apply(preview.kind):
            out(_("Bank statements are reconciled in the app: use File > Import… to confirm the matches."))
            return 0
        if args.dry_run or not preview.has_changes:
            out(_("Nothing written (dry run).") if args.dry_run else _("Nothing to change."))
            return 0
        result = imports.apply_import(ws, preview)
        out(_("Imported: {created} created, {updated} updated, {matched} matched; backup {backup}").format(
            created=format_count(result.created), updated=format_count(result.updated),
            matched=format_count(result.matched), backup=result.backup))
        if result.removed_note():
            out(result.removed_note())
    finally:
        ws.close()
    return 0


def _render_preview(preview: ImportPreview, *, shown: int | None = None) -> str:
    """The counts, then the rows of each kind (at most ``shown`` of each: a FEC creates 200,000), refusals with
    their file and line, and the notes."""
    counts = preview.counts()
    lines = [_("{file} ({kind}): {created} to create, {updated} to update, {matched} matched, {unchanged} unchanged, "
               "{refused} refused").format(file=preview.path.name, kind=preview.kind.value,
                                           **{name: format_count(count) for name, count in counts.items()})]
    if preview.fatal:
        lines.append(_("Refused: {reason}").format(reason=preview.fatal))
    lines += _rows(preview.created, shown, lambda row: f"  + {row.key}  {row.description}")
    lines += _rows(preview.updated, shown, lambda row: f"  ~ {row.key}  {row.description}  {row.detail}")
    lines += _rows(preview.matched, shown, lambda row: f"  = {row.key}  {row.description}  {row.detail}")
    lines += _rows(preview.refused, shown, lambda row: f"  ! {row.ref or preview.path.name}: {row.detail}")
    lines += _rows(preview.absent, shown, lambda row: f"  - {row.key}  {row.description}  {row.detail}")
    lines += [f"  * {note}" for note in preview.notes]
    return "\n".join(lines)


def _rows(rows: Sequence[PreviewRow], shown: int | None, line: Callable[[PreviewRow], str]) -> list[str]:
    if shown is None or len(rows) <= shown:
        return [line(row) for row in rows]
    more = len(rows) - shown
    return [*(line(row) for row in rows[:shown]),
            "  " + ngettext("… and {count} more (--all lists them)", "… and {count} more (--all lists them)",
                            more).format(count=format_count(more))]

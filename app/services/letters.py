"""Letters for a client as of a date: the plain letter data (figures to the cent, penalties per half-year), its
PDF with SHA-256, the letter of a suggested step stored in the dossier with its action, and the day's batch."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, Channel, Tone
from app.domain.penalties import MissingRate, late_interest
from app.errors import KnownError
from app.formatting import format_long_date
from app.i18n import _
from app.letters.data import InterestPeriod, InvoiceLine, LetterData, LetterKind, PenaltyLine
from app.letters.document import render_document, sha256
from app.letters.labels import action_label, kind_title
from app.letters.placeholders import placeholder_values
from app.letters.render import render_batch
from app.letters.templating import render_texts
from app.models import Company, StoredDocument
from app.services.letter_templates import letter_fonts, sections_in
from app.services.letters_load import (
    REMINDER_KINDS,
    ActionRow,
    InvoiceRow,
    about_invoices,
    action_lines,
    read_actions,
    read_attachments,
    read_creditor,
    read_debtor,
    read_invoices,
    read_plan,
)
from app.services.queries import disputed_invoice_ids
from app.services.rates import rate_table
from app.services.settings import LETTER_DEADLINE_DAYS, read_setting
from app.services.todo_actions import check_day, execute_batch, execute_in
from app.services.todo_dto import BatchResult, Suggestion
from app.services.workspace import Workspace

PDF = "application/pdf"
DEADLINE_RANGE = (8, 15)  # legal-fr.md §B.1: 8 to 15 days is the usual deadline of a mise en demeure
LETTER_CHANNELS = frozenset({Channel.LETTER, Channel.REGISTERED_LETTER, Channel.EMAIL})
# A ladder step's template name → the letter it produces.
STEP_TEMPLATES = {"courtesy": LetterKind.REMINDER1, "reminder_1": LetterKind.REMINDER1,
                  "reminder_2": LetterKind.REMINDER2, "reminder_3": LetterKind.REMINDER3,
                  "formal_notice": LetterKind.NOTICE, "notice": LetterKind.NOTICE}
Progress = Callable[[int, int], object]
CLAIMING_KINDS = frozenset({LetterKind.REMINDER1, LetterKind.REMINDER2, LetterKind.REMINDER3, LetterKind.NOTICE,
                            LetterKind.CLAIM})


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class LetterFailed(KnownError):
    """A letter cannot be produced; the message says what to do."""


@dataclass(frozen=True, slots=True)
class LetterDocument:
    """A produced letter: its data, PDF bytes, SHA-256 and a file name."""

    data: LetterData
    pdf: bytes
    sha256: str
    filename: str


def missing_rate_message(error: MissingRate) -> str:
    start = error.semester_start
    half = _("first half") if start.month == 1 else _("second half")
    return _("The legal rate table has no row for the {half} of {year} (half-year starting {date}): add it in "
             "Settings > Legal rates… before producing this letter.").format(
        half=half, year=start.year, date=start.strftime("%d/%m/%Y"))


def letter_data(ws: Workspace, client_id: int, kind: LetterKind, as_of: date, *,
                invoice_ids: Sequence[int] | None = None, deadline_days: int | None = None) -> LetterData:
    """Everything ``kind`` states for client ``client_id`` as of ``as_of``, its texts rendered."""
    with ws.dossier.reading() as session:
        return assemble(session, client_id, kind, as_of, invoice_ids=invoice_ids, deadline_days=deadline_days)


def assemble(session: Session, client_id: int, kind: LetterKind, as_of: date, *,
             invoice_ids: Sequence[int] | None = None, deadline_days: int | None = None) -> LetterData:
    creditor, contractual_bp = read_creditor(session)
    debtor = read_debtor(session, client_id)
    rows, sources = read_invoices(session, client_id)
    actions = read_actions(session, client_id, as_of)
    disputed = disputed_invoice_ids(session, as_of)
    wanted = set(invoice_ids) if invoice_ids is not None else None
    open_rows = [row for row in rows if row.issue_date <= as_of and row.amount_cents > row.settled(as_of)]
    claimed = [row for row in open_rows if row.due_date < as_of and row.id not in disputed and (
        row.id in wanted if wanted is not None else not row.no_reminder)]
    if not claimed and kind in CLAIMING_KINDS:
        raise LetterFailed(_("{client} has no overdue invoice to claim on {date} (disputed invoices and those marked "
                             "“no reminder” are left out).").format(client=debtor.name,
                                                                    date=as_of.strftime("%d/%m/%Y")))
    actions = about_invoices(session, actions, {row.id for row in claimed}) if claimed else actions
    notice_date = next((a.on for a in actions if a.kind is ActionKind.FORMAL_NOTICE), None)
    # The claim file goes to a French court: French whatever the client's language.
    language = "fr" if kind is LetterKind.CLAIM else debtor.language
    data = LetterData(
        kind=kind, language=language, as_of=as_of, creditor=creditor, debtor=debtor,
        invoices=tuple(_line(row, as_of) for row in claimed), credits=tuple(sources.unallocated(as_of)),
        reminders=action_lines(actions, REMINDER_KINDS), all_open=tuple(_line(row, as_of) for row in open_rows),
        deadline_days=_deadline(session, kind, deadline_days), notice_date=notice_date,
    )
    if kind.states_penalties:
        data = dataclasses.replace(data, penalties=_penalties(session, claimed, as_of, debtor.is_consumer,
                                                              contractual_bp, notice_date))
    if kind is LetterKind.PLAN:
        plan = read_plan(session, client_id, as_of)
        if plan is None:
            raise LetterFailed(_("{client} has no payment plan in force on {date}: record one first.").format(
                client=debtor.name, date=as_of.strftime("%d/%m/%Y")))
        data = dataclasses.replace(data, plan=plan)
    if kind is LetterKind.CLAIM:
        data = dataclasses.replace(data, timeline=action_lines(actions),
                                   attachments=read_attachments(session, _exhibits(claimed, actions, debtor.language)))
    return with_texts(session, data)


def with_texts(session: Session, data: LetterData) -> LetterData:
    """``data`` with its wording rendered from the dossier's template for its kind and language."""
    sections = sections_in(session, data.kind, data.language)
    return dataclasses.replace(data, texts=render_texts(sections, placeholder_values(data)))


def _line(row: InvoiceRow, as_of: date) -> InvoiceLine:
    settled = min(row.amount_cents, row.settled(as_of))
    return InvoiceLine(row.number, row.issue_date, row.due_date, row.amount_cents, settled,
                       row.amount_cents - settled, max(0, (as_of - row.due_date).days))


def _deadline(session: Session, kind: LetterKind, given: int | None) -> int | None:
    if kind is not LetterKind.NOTICE:
        return None
    if given is not None:
        return given  # the ladder step's deadline (checked 8–30 days by the ladder editor)
    stored = read_setting(session, LETTER_DEADLINE_DAYS)
    low, high = DEADLINE_RANGE
    return min(high, max(low, int(stored))) if isinstance(stored, int) else low


def _penalties(session: Session, claimed: list[InvoiceRow], as_of: date, consumer: bool,
               contractual_bp: int | None, notice_date: date | None) -> tuple[PenaltyLine, ...]:
    table = rate_table(session)
    lines = []
    for row in claimed:
        payments = [(on, cents) for on, cents in row.settlements if on <= as_of]
        try:
            penalty = late_interest(row.amount_cents, row.due_date, payments, as_of, table, consumer=consumer,
                                    contractual_bp=None if consumer else contractual_bp, notice_date=notice_date)
        except MissingRate as error:
            raise LetterFailed(missing_rate_message(error)) from error
        periods = tuple(InterestPeriod(p.start, p.end, p.days, p.base_cents, p.rate_bp, p.cents)
                        for p in penalty.lines)
        lines.append(PenaltyLine(row.number, row.due_date, row.amount_cents - row.settled(as_of),
                                 penalty.basis.value, periods, penalty.interest_cents, penalty.indemnity_cents))
    return tuple(lines)


def _exhibits(claimed: list[InvoiceRow], actions: list[ActionRow], language: str) -> list[tuple[int, str]]:
    """The claim file's exhibits: the invoice originals, then every document of the history in date order."""
    invoice_word = "Invoice" if language == "en" else "Facture"
    wanted = [(row.original_document_id, f"{invoice_word} {row.number}")
              for row in claimed if row.original_document_id is not None]
    wanted += [(a.document_id, f"{action_label(a.kind.value, language)} — {format_long_date(a.on, language=language)}")
               for a in actions if a.document_id is not None]
    return wanted


def produce(data: LetterData) -> LetterDocument:
    """The PDF of ``data`` with its SHA-256."""
    pdf = render_document(data, letter_fonts())
    name = f"{data.as_of.isoformat()}_{data.kind.value}_{_safe(data.debtor.code)}.pdf"
    return LetterDocument(data, pdf, sha256(pdf), name)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text) or "client"


def produce_letter(ws: Workspace, client_id: int, kind: LetterKind, as_of: date, *,
                   invoice_ids: Sequence[int] | None = None, deadline_days: int | None = None) -> LetterDocument:
    """Assemble and render one letter (nothing is stored)."""
    return produce(letter_data(ws, client_id, kind, as_of, invoice_ids=invoice_ids, deadline_days=deadline_days))


def kind_for_suggestion(suggestion: Suggestion) -> LetterKind:
    """The letter a step produces: by its template name, else by its channel and tone."""
    known = STEP_TEMPLATES.get(suggestion.template)
    if known is not None:
        return known
    if suggestion.channel is Channel.REGISTERED_LETTER or suggestion.tone is Tone.FORMAL:
        return LetterKind.NOTICE
    return LetterKind.REMINDER2 if suggestion.tone is Tone.FIRM else LetterKind.REMINDER1


def letter_for_suggestion(ws: Workspace, suggestion: Suggestion, on: date) -> LetterDocument:
    """The letter of a suggested letter, registered-letter or e-mail step, covering its invoices."""
    if suggestion.channel not in LETTER_CHANNELS:
        raise LetterFailed(_("“{step}” is not a letter.").format(step=suggestion.step_name))
    return produce_letter(ws, suggestion.client_id, kind_for_suggestion(suggestion), on,
                          invoice_ids=[inv.invoice_id for inv in suggestion.invoices],
                          deadline_days=suggestion.deadline_days)


def store_document(session: Session, filename: str, content: bytes, mime_type: str = PDF,
                   created_at: datetime | None = None) -> int:
    document = StoredDocument(filename=filename[:255], mime_type=mime_type, sha256=sha256(content), content=content,
                              created_at=created_at or datetime.now())
    session.add(document)
    session.flush()
    return document.id


def execute_letter_step(ws: Workspace, suggestion: Suggestion, on: date,
                        details: dict[str, Any] | None = None) -> tuple[int, LetterDocument]:
    """Produce the step's letter, store it in the dossier and record the step with the document and its hash.

    Returns (action id, letter). The letter and the step are one transaction: a refused step (paid or done
    since) leaves no stored letter behind, nor does a crash between the two.
    """
    check_day(ws, on)
    letter = letter_for_suggestion(ws, suggestion, on)
    extra = {"sha256": letter.sha256, "letter": letter.data.kind.value, **(details or {})}
    with ws.dossier.transaction() as session:
        document_id = store_document(session, letter.filename, letter.pdf,
                                     created_at=datetime.combine(on, datetime.min.time()))
        action_id = execute_in(session, suggestion, on, details=extra, document=document_id)
    return action_id, letter


@dataclass(frozen=True, slots=True)
class ExecutedLetters:
    """A batch of letter steps executed: each stored and recorded, all of them in one PDF for the post."""

    result: BatchResult
    document: BatchDocument | None  # None when none could be produced


def execute_letter_batch(ws: Workspace, suggestions: Sequence[Suggestion], on: date,
                         progress: Progress | None = None) -> ExecutedLetters:
    """Execute letter steps one by one (each its own stored letter and history entry, a stale one refused with
    its reason), then put the letters made into one PDF to print. ``progress`` returning False stops after the
    current letter."""
    done: list[int] = []
    refused: list[tuple[str, str]] = []
    letters: list[LetterData] = []
    for index, suggestion in enumerate(suggestions, start=1):
        try:
            action_id, letter = execute_letter_step(ws, suggestion, on)
        except KnownError as error:
            refused.append((suggestion.key, str(error)))
        else:
            done.append(action_id)
            letters.append(letter.data)
        if progress is not None and progress(index, len(suggestions)) is False and index < len(suggestions):
            break
    cancelled = len(done) + len(refused) < len(suggestions)
    result = BatchResult(tuple(done), tuple(refused), cancelled)
    if not letters:
        return ExecutedLetters(result, None)
    pdf = render_batch(letters, letter_fonts())
    return ExecutedLetters(result, BatchDocument(pdf, sha256(pdf), f"{on.isoformat()}_lettres.pdf", len(letters)))


def execute_selection(ws: Workspace, suggestions: Sequence[Suggestion], on: date,
                      progress: Progress | None = None) -> ExecutedLetters:
    """A batch from the "À faire" list: letters are produced, stored and printed together; the other steps
    (e-mails until Encaisse sends them) are recorded. Progress counts all of them."""
    letters = [s for s in suggestions if s.channel in (Channel.LETTER, Channel.REGISTERED_LETTER)]
    others = [s for s in suggestions if s not in letters]

    def shifted(offset: int) -> Callable[[int, int], bool] | None:
        if progress is None:
            return None
        return lambda done, _total: progress(offset + done, len(suggestions)) is not False

    made = execute_letter_batch(ws, letters, on, shifted(0)) if letters else ExecutedLetters(BatchResult((), ()), None)
    if made.result.cancelled or not others:
        return made
    rest = execute_batch(ws, others, on, shifted(len(letters)))
    merged = BatchResult(made.result.action_ids + rest.action_ids, made.result.refused + rest.refused,
                         rest.cancelled)
    return ExecutedLetters(merged, made.document)


def batch_pdf(ws: Workspace, requests: Sequence[tuple[int, LetterKind]], as_of: date,
              progress: Progress | None = None) -> bytes:
    """The day's letters (client id, kind) in one PDF for printing, with progress as each is laid out."""
    if not requests:
        raise LetterFailed(_("No letter to print."))
    with ws.dossier.reading() as session:
        letters = [assemble(session, client_id, kind, as_of) for client_id, kind in requests]
    return render_batch(letters, letter_fonts(), progress)


@dataclass(frozen=True, slots=True)
class BatchDocument:
    """The day's letters in one PDF."""

    pdf: bytes
    sha256: str
    filename: str
    count: int


def letter_suggestions(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """The suggestions that produce a letter (letter and registered-letter steps)."""
    return [s for s in suggestions if s.step_id is not None and s.channel in (Channel.LETTER,
                                                                              Channel.REGISTERED_LETTER)]


def day_batch(ws: Workspace, suggestions: Sequence[Suggestion], as_of: date,
              progress: Progress | None = None) -> BatchDocument:
    """The letters of ``suggestions`` in one PDF for the day's post."""
    pdf = batch_for_suggestions(ws, suggestions, as_of, progress)
    return BatchDocument(pdf, sha256(pdf), f"{as_of.isoformat()}_lettres.pdf", len(suggestions))


def batch_for_suggestions(ws: Workspace, suggestions: Sequence[Suggestion], as_of: date,
                          progress: Progress | None = None) -> bytes:
    """The letters of several suggestions (their own invoices and deadlines) in one PDF."""
    with ws.dossier.reading() as session:
        letters = [assemble(session, s.client_id, kind_for_suggestion(s), as_of,
                            invoice_ids=[inv.invoice_id for inv in s.invoices], deadline_days=s.deadline_days)
                   for s in suggestions if s.channel in LETTER_CHANNELS]
    if not letters:
        raise LetterFailed(_("No letter to print."))
    return render_batch(letters, letter_fonts(), progress)


def set_company_logo(ws: Workspace, filename: str, content: bytes, mime_type: str) -> int:
    """Keep the company logo (PNG or JPEG) in the dossier; letters print it instead of the name."""
    if mime_type not in ("image/png", "image/jpeg"):
        raise LetterFailed(_("{file}: the logo must be a PNG or JPEG image.").format(file=filename))
    with ws.dossier.transaction() as session:
        document_id = store_document(session, filename, content, mime_type,
                                     created_at=datetime.combine(ws.clock(), datetime.min.time()))
        company = session.get(Company, 1)
        if company is None:
            raise LetterFailed(_("The dossier has no company identity: fill it in first."))
        company.logo_document_id = document_id
        return document_id


def save_pdf(path: Path, content: bytes) -> Path:
    """Write a letter next to ``path`` under a temporary name, then rename it over: never a half-written PDF."""
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".encaisse-", suffix=".pdf", delete=False) as handle:
            handle.write(content)
        os.chmod(handle.name, 0o666 & ~_UMASK)  # a temporary file is private; the letter is an ordinary file
        os.replace(handle.name, path)
    except OSError as error:
        raise LetterFailed(_("{path}: cannot write the letter ({detail}).").format(path=path, detail=error.strerror
                                                                                   or error)) from error
    return path


def document_title(data: LetterData) -> str:
    return f"{kind_title(data.kind, data.language)} — {data.debtor.name}"

"""The outbox: a reminder step queued as one e-mail per client (letter PDF and invoice originals attached), sent in
the background, each state committed before and after the SMTP transaction so that a crash loses nothing and never
sends a message twice without the user's say-so.

History: the step is recorded when it is queued (with its letter PDF stored as evidence, like a printed letter):
the decision is taken then, and the step leaves "À faire" so it cannot be queued twice. The outbox row links to
that action and holds the exact .eml bytes and Message-ID, the server's answer and the time it was sent.

After a crash, or a connection cut during the transaction, a message left in ``sending`` may or may not have
reached the server: it is not re-sent automatically; the user confirms (``confirm_resend``), and the re-send carries
the same bytes and Message-ID (mail clients show one message per Message-ID). A refusal before the data (offline,
4xx) leaves it queued for the next run; a 5xx answer marks it failed with the server's words.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from smtplib import SMTP

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.kinds import Channel, OutboxState
from app.errors import KnownError
from app.i18n import _, ngettext
from app.mail import smtp
from app.mail.message import Attachment, Envelope, build_message, domain_of, message_id
from app.mail.smtp import MailFailed, Outcome, Stage
from app.mail.templating import render_mail
from app.models import Contact, Invoice, OutboxMessage, StoredDocument
from app.services import letters, todo_actions
from app.services.letters import ExecutedLetters, store_document
from app.services.mail import MailSettings, dossier_key, mail_sections_in, mail_settings, smtp_config, stored_password
from app.services.mail_drafts import step_context
from app.services.todo_dto import BatchResult, Suggestion
from app.services.workspace import Workspace

Progress = Callable[[int, int], object]
PasswordProvider = Callable[[], str | None]


class MailNotReady(KnownError):
    """An e-mail cannot be queued or sent yet; the message says what to do."""


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    client_id: int
    action_id: int | None
    recipient: str
    subject: str
    message_id: str
    state: OutboxState
    attempts: int
    last_error: str
    server_answer: str
    queued_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A message as it will go: what the preview shows."""

    recipient: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True, slots=True)
class SendReport:
    sent: tuple[int, ...]
    failed: tuple[int, ...]  # refused for good (5xx): kept with the server's answer
    still_queued: tuple[int, ...]  # to retry later (offline, temporary error)
    connection: Outcome | None = None  # when the server could not be reached at all
    message: str = ""
    cancelled: bool = False


def _recipient(session: Session, client_id: int) -> str:
    """The billing contact's address, else any contact's."""
    rows = session.execute(select(Contact.email, Contact.is_billing).where(Contact.client_id == client_id,
                                                                           Contact.email != "")).all()
    ordered = sorted(rows, key=lambda row: not row.is_billing)
    return ordered[0].email if ordered else ""


def _originals(session: Session, invoice_ids: list[int]) -> tuple[Attachment, ...]:
    rows = session.execute(select(StoredDocument.filename, StoredDocument.mime_type, StoredDocument.content)
                           .join(Invoice, Invoice.original_document_id == StoredDocument.id)
                           .where(Invoice.id.in_(invoice_ids)).order_by(Invoice.id)).all()
    return tuple(Attachment(row.filename, bytes(row.content), row.mime_type) for row in rows)


def _ready(settings: MailSettings) -> None:
    if not settings.configured:
        raise MailNotReady(_("Set up the e-mail account first (Settings > E-mail…)."))


def draft_reminder(ws: Workspace, suggestion: Suggestion, on: date) -> tuple[Draft, bytes | None, str]:
    """(the message, the letter PDF, its file name) for an e-mail step: nothing is stored. A courtesy reminder
    before the due date has no letter (None, "")."""
    settings = mail_settings(ws)
    _ready(settings)
    with ws.dossier.reading() as session:
        recipient = _recipient(session, suggestion.client_id)
    if not recipient:
        raise MailNotReady(_("{client} has no contact with an e-mail address: add one on the client's page.")
                           .format(client=suggestion.client_name))
    context, language, letter = step_context(ws, suggestion, on, settings)
    with ws.dossier.reading() as session:
        originals = _originals(session, [inv.invoice_id for inv in suggestion.invoices])
        sections = mail_sections_in(session, suggestion.template, language)
    subject, body = render_mail(sections, context)
    if letter is None:
        return Draft(recipient, subject, body, originals), None, ""
    return Draft(recipient, subject, body, (Attachment(letter.filename, letter.pdf), *originals)), letter.pdf, \
        letter.filename


def preview_text(ws: Workspace, suggestion: Suggestion, on: date) -> str:
    """The message an e-mail step will send, as the user checks it before sending ("" without an account)."""
    if not mail_settings(ws).configured:
        return ""
    draft, _pdf, _name = draft_reminder(ws, suggestion, on)
    files = ", ".join(item.filename for item in draft.attachments) or _("nothing")
    return _("To: {to}\nSubject: {subject}\nAttached: {files}\n\n{body}").format(
        to=draft.recipient, subject=draft.subject, files=files, body=draft.body.strip())


def queue_reminder(ws: Workspace, suggestion: Suggestion, on: date) -> int:
    """Queue the step's e-mail, store its letter and record the step, all in one transaction (a crash
    leaves neither a step recorded without its message nor a message without its step); returns the outbox id."""
    draft, pdf, filename = draft_reminder(ws, suggestion, on)
    settings = mail_settings(ws)
    key = dossier_key(ws)
    todo_actions.check_day(ws, on)
    with ws.dossier.transaction() as session:
        # A courtesy reminder has no letter: the .eml kept in the outbox is the evidence.
        document_id = None if pdf is None else store_document(
            session, filename, pdf, created_at=datetime.combine(on, datetime.min.time()))
        action_id = todo_actions.execute_in(session, suggestion, on, details={"email_to": draft.recipient},
                                            document=document_id)
        return _insert(session, suggestion, action_id, draft, settings, key)


def _insert(session: Session, suggestion: Suggestion, action_id: int, draft: Draft, settings: MailSettings,
            key: str) -> int:
    now = datetime.now()
    row = OutboxMessage(client_id=suggestion.client_id, action_id=action_id, suggestion_key=suggestion.key[:80],
                        recipient=draft.recipient, subject=draft.subject[:300],
                        message_id=f"pending-{os.urandom(8).hex()}",
                        eml=b"", state=OutboxState.QUEUED, attempts=0, last_error="", server_answer="",
                        queued_at=now)
    session.add(row)
    session.flush()
    row.message_id = message_id(row.id, key, domain_of(settings.sender_address))
    envelope = Envelope(settings.sender_name, settings.sender_address, draft.recipient, settings.reply_to)
    row.eml = build_message(envelope, draft.subject, draft.body, draft.attachments, msg_id=row.message_id,
                            sent_at=now).as_bytes()
    return row.id


def outbox(ws: Workspace, states: tuple[OutboxState, ...] = tuple(OutboxState)) -> tuple[OutboxRow, ...]:
    """The outbox's messages in these states, oldest first."""
    with ws.dossier.reading() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.state.in_(states))
                               .order_by(OutboxMessage.id)).all()
        return tuple(OutboxRow(r.id, r.client_id, r.action_id, r.recipient, r.subject, r.message_id, r.state,
                               r.attempts, r.last_error, r.server_answer, r.queued_at, r.sent_at) for r in rows)


def _set(ws: Workspace, outbox_id: int, state: OutboxState, **values: object) -> None:
    with ws.dossier.transaction() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            raise MailNotReady(_("Message #{id} is not in the outbox.").format(id=outbox_id))
        row.state = state
        for name, value in values.items():
            setattr(row, name, value)


def confirm_resend(ws: Workspace, outbox_id: int) -> None:
    """The user asks to send again a message interrupted mid-send or refused (same bytes, same Message-ID)."""
    _set(ws, outbox_id, OutboxState.QUEUED)


retry = confirm_resend


def mark_sent(ws: Workspace, outbox_id: int) -> None:
    """The user checked that a message interrupted mid-send did arrive (their sent folder, the recipient): keep
    it as sent, never send it again."""
    with ws.dossier.transaction() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None or row.state is not OutboxState.SENDING:
            raise MailNotReady(_("Only a message interrupted while sending can be marked as sent."))
        row.state = OutboxState.SENT
        row.sent_at = datetime.now()
        row.server_answer = _("marked as sent by the user after checking")


def interrupted_count(ws: Workspace) -> int:
    """Messages left in "sending" (the app was closed or killed mid-send): the user must check them."""
    return len(outbox(ws, (OutboxState.SENDING,)))


def send_queued(ws: Workspace, progress: Progress | None = None,
                password_provider: PasswordProvider | None = None) -> SendReport:
    """Send the queued messages over one connection. ``progress(done, total)`` returning False stops."""
    ids = [row.id for row in outbox(ws, (OutboxState.QUEUED,))]
    if not ids:
        return SendReport((), (), ())
    settings = mail_settings(ws)
    _ready(settings)
    config = smtp_config(ws, settings)
    password = (password_provider or (lambda: stored_password(ws)))() if config.user else None
    try:
        client = smtp.open_connection(config, password)
    except MailFailed as failed:
        text = failed.outcome.message(config)
        for outbox_id in ids:
            _note_failure(ws, outbox_id, text)
        return SendReport((), (), tuple(ids), failed.outcome, text)
    try:
        return _send_all(ws, client, settings, ids, progress)
    finally:
        smtp.close(client)


def _note_failure(ws: Workspace, outbox_id: int, text: str) -> None:
    with ws.dossier.transaction() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is not None:
            row.attempts += 1
            row.last_error = text


def _send_all(ws: Workspace, client: SMTP, settings: MailSettings, ids: list[int],
              progress: Progress | None) -> SendReport:
    sent: list[int] = []
    failed: list[int] = []
    for index, outbox_id in enumerate(ids, start=1):
        outcome = _send_one(ws, client, settings, outbox_id)
        (sent if outcome.ok else failed if outcome.permanent else []).append(outbox_id)
        if outcome.stage is Stage.DISCONNECTED:
            break  # the connection is gone: the rest stays queued for the next run
        if progress is not None and progress(index, len(ids)) is False and index < len(ids):
            return SendReport(tuple(sent), tuple(failed), _left(ids, sent, failed), cancelled=True)
    return SendReport(tuple(sent), tuple(failed), _left(ids, sent, failed))


def _left(ids: list[int], sent: list[int], failed: list[int]) -> tuple[int, ...]:
    return tuple(i for i in ids if i not in sent and i not in failed)


def _send_one(ws: Workspace, client: SMTP, settings: MailSettings, outbox_id: int) -> Outcome:
    with ws.dossier.transaction() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None or row.state is not OutboxState.QUEUED:
            return Outcome(Stage.SERVER, "not queued")
        row.state = OutboxState.SENDING  # committed before the SMTP transaction: a crash leaves it visible
        row.attempts += 1
        eml, recipient = bytes(row.eml), row.recipient
    try:
        answer = smtp.send(client, eml, settings.sender_address, [recipient])
    except MailFailed as failed:
        state = OutboxState.FAILED if failed.outcome.permanent else OutboxState.QUEUED
        if failed.outcome.stage is Stage.DISCONNECTED:
            state = OutboxState.SENDING  # it may have gone: like a crash, sent again only on the user's word
        _set(ws, outbox_id, state, last_error=failed.outcome.detail)
        return failed.outcome
    _set(ws, outbox_id, OutboxState.SENT, server_answer=answer, sent_at=datetime.now(), last_error="")
    return Outcome(Stage.OK, answer)


def eml_bytes(ws: Workspace, outbox_id: int) -> bytes:
    with ws.dossier.reading() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            raise MailNotReady(_("Message #{id} is not in the outbox.").format(id=outbox_id))
        return bytes(row.eml)


def save_eml(ws: Workspace, outbox_id: int, path: Path) -> Path:
    """The message as a .eml file to open in the user's own mail client (written whole or not at all)."""
    content = eml_bytes(ws, outbox_id)
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".encaisse-", suffix=".eml", delete=False) as handle:
            handle.write(content)
        os.replace(handle.name, path)
    except OSError as error:
        raise MailNotReady(_("{path}: cannot write the message ({detail}).").format(
            path=path, detail=error.strerror or error)) from error
    return path



def execute_email_step(ws: Workspace, suggestion: Suggestion, on: date,
                       progress: Progress | None = None) -> SendReport | None:
    """An e-mail step from "À faire": queued and sent at once when the e-mail account is set up (offline or
    refused, it stays in the outbox with the reason); without an account only the step is recorded (None)."""
    if not mail_settings(ws).configured:
        todo_actions.execute_suggestion(ws, suggestion, on)
        return None
    queue_reminder(ws, suggestion, on)
    return send_queued(ws, progress)


def report_text(report: SendReport) -> str:
    """What a send came to, for the user ("" when every message went)."""
    if report.message:
        return _("Not sent: {reason}\nThe message stays in the outbox and is sent next time.").format(
            reason=report.message)
    if report.failed or report.still_queued:
        return _("{sent} sent, {failed} refused by the server, {queued} still in the outbox.").format(
            sent=len(report.sent), failed=len(report.failed), queued=len(report.still_queued))
    return ""


@dataclass(frozen=True, slots=True)
class ExecutedBatch(ExecutedLetters):
    """The day's batch with what became of its e-mails (sent, or left in the outbox and why)."""

    sent: SendReport | None = None

    @property
    def mail_text(self) -> str:
        """For the user: how many e-mails went and what stays in the outbox ("" without e-mails)."""
        if self.sent is None or not (self.sent.sent or self.sent.failed or self.sent.still_queued):
            return ""
        went = ngettext("{count} e-mail sent.", "{count} e-mails sent.", len(self.sent.sent)).format(
            count=len(self.sent.sent))
        problem = report_text(self.sent)
        return f"{went}\n{problem}" if problem else went


def execute_selection(ws: Workspace, suggestions: Sequence[Suggestion], on: date,
                      progress: Progress | None = None) -> ExecutedLetters:
    """The day's batch from "À faire": letters and other steps as before; with an e-mail account set up, the e-mail
    steps are queued with their letters, then the outbox is sent (what cannot go stays queued)."""
    emails = [s for s in suggestions if s.channel is Channel.EMAIL] if mail_settings(ws).configured else []
    rest = [s for s in suggestions if s not in emails]
    nothing = ExecutedLetters(BatchResult((), ()), None)
    made = letters.execute_selection(ws, rest, on, progress=progress) if rest else nothing
    if not emails or made.result.cancelled:
        return made
    done, refused = list(made.result.action_ids), list(made.result.refused)
    for index, suggestion in enumerate(emails, start=1):
        try:
            outbox_id = queue_reminder(ws, suggestion, on)
        except KnownError as error:
            refused.append((suggestion.key, str(error)))
        else:
            done.append(_action_of(ws, outbox_id))
        if progress is not None and progress(len(rest) + index, len(suggestions)) is False:
            break
    sent = send_queued(ws)
    cancelled = len(done) + len(refused) < len(suggestions)
    return ExecutedBatch(BatchResult(tuple(done), tuple(refused), cancelled), made.document, sent)


def _action_of(ws: Workspace, outbox_id: int) -> int:
    with ws.dossier.reading() as session:
        action_id = session.scalar(select(OutboxMessage.action_id).where(OutboxMessage.id == outbox_id))
    return action_id or 0

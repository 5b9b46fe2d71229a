"""What an e-mail's template is rendered with: the letter's placeholders, the invoices listed one by one, the
sender's signature; for a ladder step about to be sent, and for the template editor's preview on a real client."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from app.formatting import format_cents
from app.letters.data import InvoiceLine, LetterData, LetterKind
from app.letters.placeholders import placeholder_values
from app.mail.templating import render_mail
from app.services import clients
from app.services.letters import STEP_TEMPLATES, LetterDocument, letter_data, letter_for_suggestion
from app.services.mail import MailSettings, mail_settings
from app.services.todo_dto import Suggestion
from app.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class PreviewClient:
    """A client the template editor may preview on: those with open invoices, the most overdue first."""

    id: int
    label: str


def _invoice_rows(lines: tuple[InvoiceLine, ...], language: str) -> list[dict[str, object]]:
    return [{"number": line.number, "date": line.issue_date.strftime("%d/%m/%Y"),
             "due_date": line.due_date.strftime("%d/%m/%Y"), "amount": format_cents(line.amount_cents,
                                                                                    language=language),
             "open_amount": format_cents(line.open_cents, language=language), "days_late": line.days_late}
            for line in lines]


def mail_context(data: LetterData, settings: MailSettings) -> dict[str, object]:
    """Every name of app.services.mail.MAIL_PLACEHOLDERS with its value for ``data``, in the letter's language."""
    signature = settings.signature.strip() or "\n".join(
        part for part in (settings.sender_name, data.creditor.name) if part)
    return {**placeholder_values(data), "invoices": _invoice_rows(data.invoices, data.language),
            "invoices_total": format_cents(data.overdue_cents, language=data.language), "signature": signature,
            "sender_name": settings.sender_name or data.creditor.name}


def _not_yet_due(suggestion: Suggestion, on: date) -> bool:
    return bool(suggestion.invoices) and all(line.due_date >= on for line in suggestion.invoices)


def step_context(ws: Workspace, suggestion: Suggestion, on: date,
                 settings: MailSettings | None = None) -> tuple[dict[str, object], str, LetterDocument | None]:
    """(placeholders, language, the letter to attach) for an e-mail step. A courtesy reminder before the due date
    goes without a letter (there is nothing to claim yet): its invoices come from the suggestion itself."""
    current = settings or mail_settings(ws)
    if not _not_yet_due(suggestion, on):
        letter = letter_for_suggestion(ws, suggestion, on)
        return mail_context(letter.data, current), letter.data.language, letter
    statement = letter_data(ws, suggestion.client_id, LetterKind.STATEMENT, on)
    lines = tuple(InvoiceLine(line.number, line.issue_date, line.due_date, line.open_cents, 0, line.open_cents,
                              line.days_late) for line in suggestion.invoices)
    data = replace(statement, invoices=lines, credits=(), reminders=())
    return mail_context(data, current), data.language, None


def _preview_data(ws: Workspace, template: str, client_id: int, as_of: date) -> LetterData:
    """The letter data the step's e-mail would carry; a client with nothing overdue (or a courtesy text) is
    previewed on its open invoices. A letter that cannot be written (a missing rate) says so, as sending would."""
    statement = letter_data(ws, client_id, LetterKind.STATEMENT, as_of)
    if template == "courtesy":  # sent before the due date: the invoices still to fall due, as the step lists them
        coming = tuple(line for line in statement.all_open if line.due_date >= as_of)
        return replace(statement, invoices=coming or statement.all_open)
    if not statement.invoices:
        return replace(statement, invoices=statement.all_open)
    return letter_data(ws, client_id, STEP_TEMPLATES.get(template, LetterKind.REMINDER1), as_of)


def preview_mail(ws: Workspace, template: str, language: str, sections: dict[str, str], client_id: int,
                 as_of: date) -> tuple[str, str]:
    """(subject, body) of ``sections`` written to a real client of the dossier in ``language`` (the template
    editor's live preview); MailTemplateRefused says which section and line cannot be used."""
    data = _preview_data(ws, template, client_id, as_of)
    data = replace(data, language=language, debtor=replace(data.debtor, language=language))
    return render_mail(sections, mail_context(data, mail_settings(ws)))


def preview_clients(ws: Workspace, as_of: date, limit: int = 200) -> tuple[PreviewClient, ...]:
    """Clients with open invoices, the most overdue first (the editor's "preview for" list)."""
    rows = [row for row in clients.list_clients(ws, as_of) if row.open_cents > 0 or row.overdue_cents > 0]
    rows.sort(key=lambda row: (-row.overdue_cents, row.name))
    return tuple(PreviewClient(row.id, f"{row.name} ({row.account_code})") for row in rows[:limit])


"""Executing a suggestion by its kind: the dialog it needs (call, LRAR, delivery) or the confirmation naming what
is recorded (e-mail, letter, judicial route); which suggestions a batch may take."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.domain.kinds import Channel, SuggestionKind
from app.formatting import format_cents, format_count
from app.i18n import N_, _, ngettext
from app.services.todo_dto import Suggestion
from app.services.workspace import Workspace
from app.ui.dialogs.call_sheet import CallSheetDialog
from app.ui.dialogs.form import EntryDialog
from app.ui.dialogs.todo_notice import DeliveryDialog, NoticeDialog
from app.ui.tasks import Runner
from app.ui.todo_rows import JUDICIAL_KINDS, Group, group_of

BATCH_GROUPS = frozenset({Group.EMAIL, Group.LETTER})  # the others need a call, an LRAR number or a decision
_ROUTES = {
    SuggestionKind.INJUNCTION: N_("File an injonction de payer"),
    SuggestionKind.SMALL_CLAIM: N_("Start the procédure simplifiée (petites créances)"),
    SuggestionKind.AGENCY: N_("Hand the claim over to a collection agency"),
}


def execution_dialog(workspace: Workspace, runner: Runner, as_of: date, suggestion: Suggestion,
                     parent: QWidget) -> EntryDialog | None:
    """The form a suggestion is executed through, or None when a confirmation is enough."""
    if suggestion.kind == SuggestionKind.DELIVERY:
        return DeliveryDialog(workspace, runner, as_of, suggestion, parent)
    if suggestion.kind == SuggestionKind.FOLLOW_UP or (
            suggestion.kind == SuggestionKind.STEP and suggestion.channel == Channel.PHONE):
        return CallSheetDialog(workspace, runner, as_of, suggestion, parent)
    if suggestion.kind == SuggestionKind.STEP and suggestion.channel == Channel.REGISTERED_LETTER:
        return NoticeDialog(workspace, runner, as_of, suggestion, parent)
    return None


def _covered(suggestion: Suggestion) -> str:
    count = ngettext("{count} invoice", "{count} invoices", len(suggestion.invoices)).format(
        count=format_count(len(suggestion.invoices)))
    return _("{invoices}, {amount} claimed").format(invoices=count, amount=format_cents(suggestion.claimed_cents))


def confirmation(suggestion: Suggestion) -> tuple[str, str]:
    """The title and question asked before recording an e-mail, a letter or a judicial step."""
    if suggestion.kind in JUDICIAL_KINDS or suggestion.channel == Channel.JUDICIAL:
        route = suggestion.step_name
        if suggestion.kind in _ROUTES:
            route = _(_ROUTES[suggestion.kind])
            if suggestion.step_name and suggestion.step_name != suggestion.kind.value:
                route = f"{route} — {suggestion.step_name}"
        return _("Judicial route"), _(
            "{route} for {client} ({covered}).\n\nRecord in the history that the claim was handed over? "
            "Prepare the file itself with your court or agency.").format(
            route=route, client=suggestion.client_name, covered=_covered(suggestion))
    if suggestion.channel == Channel.LETTER:
        return _("Produce the letter"), _(
            "Produce “{step}” for {client} ({covered}), keep it in the dossier and record it in the history?\n\n"
            "The letter then opens, to print or save.").format(
            step=suggestion.step_name, client=suggestion.client_name, covered=_covered(suggestion))
    return _("Send the reminder"), _(
        "Send “{step}” by e-mail to {client} ({covered}), with the letter attached, and record it in the "
        "history?\n\nWithout an e-mail account set up (Settings > E-mail…), only the step is recorded: send "
        "it yourself.").format(step=suggestion.step_name, client=suggestion.client_name,
                               covered=_covered(suggestion))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def batch_question(batch: list[Suggestion], mail_ready: bool) -> str:
    """What executing ``batch`` will do, counted with proper plurals: e-mails sent (or, without an e-mail account,
    e-mail steps only recorded), letters produced to print; every step is recorded in the history."""
    emails = sum(1 for s in batch if s.channel == Channel.EMAIL)
    letters = len(batch) - emails
    parts = []
    if emails and mail_ready:
        parts.append(ngettext("send {count} e-mail", "send {count} e-mails", emails).format(
            count=format_count(emails)))
    elif emails:
        parts.append(ngettext("record {count} e-mail step without sending it",
                              "record {count} e-mail steps without sending them", emails).format(
            count=format_count(emails)))
    if letters:
        parts.append(ngettext("produce {count} letter to print", "produce {count} letters to print", letters).format(
            count=format_count(letters)))
    action = parts[0] if len(parts) == 1 else _("{first} and {second}").format(first=parts[0], second=parts[1])
    question = _("{action}?").format(action=_capitalised(action))
    notes = [ngettext("The step is recorded in the client's history.",
                      "Each step is recorded in its client's history.", len(batch))]
    if emails and not mail_ready:
        notes.append(_("No e-mail account is set up (Settings > E-mail…): send those e-mails yourself."))
    elif emails:
        notes.append(_("What cannot be sent now stays in the outbox (File > Outbox…)."))
    return question + "\n\n" + " ".join(notes)


def batch_refusal(suggestion: Suggestion) -> str:
    """Why a suggestion is left out of a batch ("" when a batch may execute it)."""
    if group_of(suggestion) in BATCH_GROUPS:
        return ""
    return _("{client}: {step} needs to be done on its own (call, registered letter or decision).").format(
        client=suggestion.client_name, step=suggestion.step_name)


class BatchProgress(QObject):
    """Carries a batch's progress from the worker thread to the GUI (queued signal), and its cancellation back.

    Signals:
        advanced(int, int): done, total.
    """

    advanced = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = False

    def report(self, done: int, total: int) -> bool:
        """The service's progress callback (worker thread): False stops the batch after the current one."""
        self.advanced.emit(done, total)
        return not self.cancelled

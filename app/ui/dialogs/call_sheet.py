"""The call sheet: whom to call and about what, then the call's outcome, which may create a promise, a dispute
or a call-back task at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.kinds import CallOutcome, DisputeReason
from app.formatting import format_cents, format_date
from app.i18n import N_, _
from app.services import entries, todo_actions
from app.services.dispute_reasons import dispute_reasons, reason_label
from app.services.dto import ContactView, Problem
from app.services.entries import ClientDetail
from app.services.todo_dto import Suggestion
from app.services.workspace import Workspace
from app.ui.dialogs.form import cents_text, date_edit, from_qdate, money_edit, read_cents
from app.ui.dialogs.pickers import enum_combo
from app.ui.dialogs.todo_postpone import TodoDialog, suggestion_label
from app.ui.tasks import Runner

OUTCOMES: dict[CallOutcome, str] = {
    CallOutcome.NO_ANSWER: N_("No answer"),
    CallOutcome.VOICEMAIL: N_("Voicemail: message left"),
    CallOutcome.PROMISE: N_("Promise to pay"),
    CallOutcome.DISPUTE: N_("Dispute"),
    CallOutcome.NOT_RECEIVED: N_("Invoice not received"),
    CallOutcome.ALREADY_PAID: N_("Says it is already paid"),
    CallOutcome.CALL_BACK: N_("Call back on…"),
}
DEFAULT_PROMISE_DAYS = 7
DEFAULT_CALL_BACK_DAYS = 2
MAX_INVOICE_ROWS = 6


def contacts_html(contacts: tuple[ContactView, ...]) -> str:
    """The client's contacts, billing contact first and marked, phone numbers in bold."""
    if not contacts:
        return _("No contact recorded for this client.")
    lines = []
    for contact in sorted(contacts, key=lambda c: not c.is_billing):
        mark = f" <i>({escape(_('billing contact'))})</i>" if contact.is_billing else ""
        role = f", {escape(contact.role)}" if contact.role else ""
        phone = f"<b>{escape(contact.phone)}</b>" if contact.phone else escape(_("no phone number"))
        email = f" · {escape(contact.email)}" if contact.email else ""
        lines.append(f"{'★ ' if contact.is_billing else ''}{escape(contact.name)}{role}{mark} — {phone}{email}")
    return "<br>".join(lines)


def invoices_table(suggestion: Suggestion) -> QTableWidget:
    headers = [_("Invoice"), _("Due date"), _("Open"), _("Days late")]
    table = QTableWidget(len(suggestion.invoices), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row, invoice in enumerate(suggestion.invoices):
        cells = (invoice.number, format_date(invoice.due_date), format_cents(invoice.open_cents),
                 str(invoice.days_late) if invoice.days_late > 0 else "")
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column >= 2:
                item.setTextAlignment(right)
            table.setItem(row, column, item)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    row_height = table.fontMetrics().height() + 8
    table.verticalHeader().setDefaultSectionSize(row_height)
    shown = min(len(suggestion.invoices), MAX_INVOICE_ROWS)  # more scroll
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + row_height * shown + 2 * table.frameWidth() + 4)
    return table


class CallSheetDialog(TodoDialog):
    """A reminder call: contacts, invoices, then what the call gave."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, suggestion: Suggestion,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Call sheet"), workspace, runner, as_of, parent)
        self.suggestion = suggestion
        self.save_button.setText(_("Record the call"))
        self.contacts = QLabel(_("Loading…"))
        self.contacts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contacts.setWordWrap(True)
        self.outcome = enum_combo(OUTCOMES)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(_("what was said, who answered"))
        self.extra = QStackedWidget()
        self._build_extras()
        form = QFormLayout()
        form.addRow(suggestion_label(suggestion))
        form.addRow(_("Contacts"), self.contacts)
        form.addRow(_("Invoices"), invoices_table(suggestion))
        form.addRow(_("Amount claimed"), QLabel(f"<b>{format_cents(suggestion.claimed_cents)}</b>"))
        self.add_field(form, _("Outcome"), "outcome", self.outcome)
        form.addRow(self.extra)
        form.addRow(_("Notes"), self.notes)
        self.body.addLayout(form)
        self.finish_layout()
        self._outcome_changed()
        self.resize(620, self.sizeHint().height())
        runner.submit(lambda: entries.client_detail(workspace, suggestion.client_id), self._show_contacts,
                      context=self)
        runner.submit(lambda: dispute_reasons(workspace), self._show_reasons, context=self)

    def _build_extras(self) -> None:
        self.promise_on = date_edit(self.as_of + timedelta(days=DEFAULT_PROMISE_DAYS))
        self.promise_amount = money_edit()
        self.promise_amount.setText(cents_text(self.suggestion.claimed_cents))
        self.dispute_reason = QComboBox()  # filled with the dossier's own list once loaded
        for value in DisputeReason:
            self.dispute_reason.addItem(reason_label(value), value.value)
        self.call_back_on = date_edit(self.as_of + timedelta(days=DEFAULT_CALL_BACK_DAYS))
        pages: dict[CallOutcome, QWidget] = {}
        promise = QFormLayout()
        self.add_field(promise, _("Promised payment date"), "promise_on", self.promise_on)
        self.add_field(promise, _("Amount promised (€)"), "promise_cents", self.promise_amount)
        dispute = QFormLayout()
        dispute.addRow(_("Dispute reason"), self.dispute_reason)
        call_back = QFormLayout()
        self.add_field(call_back, _("Call back on"), "follow_up_on", self.call_back_on)
        for outcome, layout in ((CallOutcome.PROMISE, promise), (CallOutcome.DISPUTE, dispute),
                                (CallOutcome.CALL_BACK, call_back)):
            page = QWidget()
            page.setLayout(layout)
            layout.setContentsMargins(0, 0, 0, 0)
            pages[outcome] = page
        self.extra.addWidget(QWidget())  # nothing more to say for the other outcomes
        self._pages = {outcome: self.extra.addWidget(page) for outcome, page in pages.items()}
        for name, signal in (("promise_on", self.promise_on.dateChanged),
                             ("promise_cents", self.promise_amount.textEdited),
                             ("follow_up_on", self.call_back_on.dateChanged)):
            signal.connect(self.touched(name))

    def _show_reasons(self, reasons: tuple[str, ...]) -> None:
        self.dispute_reason.clear()
        for value in reasons:
            self.dispute_reason.addItem(reason_label(value), value)

    def _show_contacts(self, detail: ClientDetail) -> None:
        self.contacts.setText(contacts_html(detail.contacts))

    def chosen(self) -> CallOutcome:
        return CallOutcome(self.outcome.currentData())

    def choose(self, outcome: CallOutcome) -> None:
        self.outcome.setCurrentIndex(self.outcome.findData(outcome))

    def _outcome_changed(self) -> None:
        current = self._pages.get(self.chosen(), 0)
        for index in range(self.extra.count()):  # the stack takes the height of the page shown, not the tallest
            policy = QSizePolicy.Policy.Preferred if index == current else QSizePolicy.Policy.Ignored
            page = self.extra.widget(index)
            if page is not None:
                page.setSizePolicy(policy, policy)
        self.extra.setCurrentIndex(current)
        self.extra.adjustSize()
        self.extra.setVisible(self.chosen() in self._pages)
        self.revalidate()

    def problems(self) -> list[Problem]:
        outcome, problems = self.chosen(), []
        if outcome == CallOutcome.PROMISE:
            cents = read_cents(self.promise_amount.text())
            if cents is None or cents <= 0:
                problems.append(Problem("promise_cents", _("The promised amount must be greater than zero.")))
            if from_qdate(self.promise_on.date()) < self.as_of:
                problems.append(Problem("promise_on", _("The promised date cannot be before the promise.")))
        if outcome == CallOutcome.CALL_BACK and from_qdate(self.call_back_on.date()) <= self.as_of:
            problems.append(Problem("follow_up_on", _("Choose a date after {date}.").format(
                date=format_date(self.as_of))))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, suggestion, on, outcome = self.workspace, self.suggestion, self.as_of, self.chosen()
        notes = self.notes.text().strip()
        options: dict[str, Any] = {}
        if outcome == CallOutcome.PROMISE:
            options = {"promise_on": from_qdate(self.promise_on.date()),
                       "promise_cents": read_cents(self.promise_amount.text())}
        elif outcome == CallOutcome.DISPUTE:
            options = {"dispute_reason": str(self.dispute_reason.currentData() or DisputeReason.OTHER.value)}
        elif outcome == CallOutcome.CALL_BACK:
            options = {"follow_up_on": from_qdate(self.call_back_on.date())}
        return lambda: todo_actions.record_call(ws, suggestion, on, outcome, notes=notes, **options)

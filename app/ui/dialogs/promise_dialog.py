"""Recording a promise to pay: the invoices it covers, the promised date and amount."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from app.formatting import format_cents, format_date
from app.i18n import N_, _
from app.services import case_edits, cases, entries
from app.services.case_edits import PromiseDetail
from app.services.dto import Problem
from app.services.entries import PromiseStatus
from app.services.workspace import Workspace
from app.ui.dialogs.form import (
    InvoicesEntryDialog,
    cents_text,
    date_edit,
    from_qdate,
    money_edit,
    read_cents,
    to_qdate,
)
from app.ui.tasks import Runner

OUTCOMES = {"pending": N_("pending"), "kept": N_("kept"), "broken": N_("broken")}


class PromiseDialog(InvoicesEntryDialog):
    """A promise pauses reminders until its date; kept or broken is derived from the payments that follow. With
    ``promise_id``, edits that promise: its date, amount, notes and invoices."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 promise_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(_("Promise to pay") if promise_id is None else _("Edit the promise"), workspace, runner,
                         as_of, parent)
        self.promise_id = promise_id
        self.made = date_edit(as_of)
        self.promised = date_edit(as_of + timedelta(days=7))
        self.amount = money_edit()
        self.recorded_by = QLineEdit()
        self.notes = QLineEdit()
        self.history = QLabel(_("None"))
        form = QFormLayout()
        self.add_choices(form, _("Invoices"))
        self.made.dateChanged.connect(self.touched("promised_on"))
        form.addRow(_("Promise made on"), self.made)
        self.promised.dateChanged.connect(self.touched("promised_on"))
        self.add_field(form, _("Promised payment date"), "promised_on", self.promised)
        self.amount.textEdited.connect(self.touched("amount_cents"))
        self.add_field(form, _("Amount promised (€)"), "amount_cents", self.amount)
        self.recorded_by.setPlaceholderText(_("who took the call"))
        form.addRow(_("Recorded by"), self.recorded_by)
        form.addRow(_("Notes"), self.notes)
        self.history.setWordWrap(True)
        form.addRow(_("Earlier promises"), self.history)
        self.body.addLayout(form)
        self.finish(560, client_id if promise_id is None else None)  # an edited case brings its client
        if promise_id is not None:
            self.made.setEnabled(False)
            self.recorded_by.setEnabled(False)
            runner.submit(lambda: case_edits.promise_detail(workspace, promise_id, as_of), self._show_detail,
                          context=self)

    def _show_detail(self, detail: PromiseDetail) -> None:
        self.made.setDate(to_qdate(detail.made_on))
        self.promised.setDate(to_qdate(detail.promised_on))
        self.amount.setText(cents_text(detail.amount_cents))
        self.recorded_by.setText(detail.recorded_by)
        self.notes.setText(detail.notes)
        self.show_case(detail.client_id, detail.choices, detail.invoice_ids)
        self._touched.clear()
        self._touched.add("amount_cents")  # the stored amount stays until the user changes it
        self.revalidate()

    def _client_changed(self, client_id: int) -> None:
        super()._client_changed(client_id)
        self.history.setText(_("None"))
        if client_id:
            ws, as_of = self.workspace, self.as_of
            self.runner.submit(lambda: entries.promise_statuses(ws, client_id, as_of), self._show_history,
                               context=self)

    def _show_history(self, promises: list[PromiseStatus]) -> None:
        """The client's earlier promises, kept or broken as derived from its payments: context for this one."""
        lines = [_("{date}: {amount} — {outcome}").format(
            date=format_date(p.promised_on), amount=format_cents(p.amount_cents), outcome=_(OUTCOMES[p.outcome]))
            for p in promises[-5:]]
        self.history.setText("\n".join(lines) or _("None"))

    def _invoices_changed(self) -> None:
        # The amount follows the ticked invoices until the user types one.
        if "amount_cents" not in self._touched and self.invoices.checked_ids():
            self.amount.setText(cents_text(self.invoices.checked_open_cents()))
        self.touched("invoice_ids")()

    def amount_cents(self) -> int | None:
        return read_cents(self.amount.text()) if self.amount.text().strip() else None

    def problems(self) -> list[Problem]:
        problems = self.choice_problems()
        amount = self.amount_cents()
        if amount is None or amount <= 0:
            problems.append(Problem("amount_cents", _("The promised amount must be greater than zero.")))
        if from_qdate(self.promised.date()) < from_qdate(self.made.date()):
            problems.append(Problem("promised_on", _("The promised date cannot be before the promise.")))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, ids, amount = self.workspace, self.invoices.checked_ids(), self.amount_cents() or 0
        made, promised = from_qdate(self.made.date()), from_qdate(self.promised.date())
        by, notes, promise_id = self.recorded_by.text().strip(), self.notes.text().strip(), self.promise_id
        if promise_id is not None:
            return lambda: case_edits.edit_promise(ws, promise_id, promised, amount, notes, ids)
        return lambda: cases.record_promise(ws, ids, made, promised, amount, by, notes)

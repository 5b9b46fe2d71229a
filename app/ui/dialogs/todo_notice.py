"""A mise en demeure sent by registered letter (its LRAR number), and later its presentation / receipt dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.formatting import format_cents, format_date
from app.i18n import _
from app.services import letters, todo_actions
from app.services.dto import Problem
from app.services.todo_dto import ReasonCode, Suggestion
from app.services.workspace import Workspace
from app.ui.dialogs.form import date_edit, from_qdate
from app.ui.dialogs.todo_postpone import TodoDialog, suggestion_label
from app.ui.tasks import Runner

# La Poste prints "1A 123 456 7890 3" (a digit and a letter, then 11 digits); international registered mail is
# "RR123456789FR". Checked loosely: a typo is caught, an unusual but real number is not refused.
_DOMESTIC = re.compile(r"^[0-9A-Z]{2}\d{8,13}$")
_INTERNATIONAL = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")


def normalise_lrar(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().upper())


def lrar_problem(text: str) -> str:
    """Why ``text`` is not a registered letter number ("" when it looks like one)."""
    compact = normalise_lrar(text).replace(" ", "")
    if not compact:
        return _("Type the registered letter number (on the La Poste receipt).")
    if any(c.isalpha() for c in compact) and (_DOMESTIC.match(compact) or _INTERNATIONAL.match(compact)):
        return ""
    return _("A registered letter number looks like 1A 123 456 7890 3: two characters, then digits.")


class NoticeDialog(TodoDialog):
    """Record a mise en demeure as sent: the LRAR number and the date it was posted."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, suggestion: Suggestion,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Formal notice sent"), workspace, runner, as_of, parent)
        self.suggestion = suggestion
        self.number = QLineEdit()
        self.number.setPlaceholderText("1A 123 456 7890 3")
        self.number.textEdited.connect(self.touched("lrar"))
        self.sent = date_edit(as_of)
        self.sent.dateChanged.connect(self.touched("sent_on"))
        form = QFormLayout()
        form.addRow(suggestion_label(suggestion))
        summary = _("{amount} claimed").format(amount=format_cents(suggestion.claimed_cents))
        if suggestion.deadline_days:
            summary = _("{amount} claimed, payment deadline {days} days").format(
                amount=format_cents(suggestion.claimed_cents), days=suggestion.deadline_days)
        form.addRow(QLabel(summary))
        self.add_field(form, _("Registered letter number"), "lrar", self.number)
        self.add_field(form, _("Posted on"), "sent_on", self.sent)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(500, self.sizeHint().height())

    def problems(self) -> list[Problem]:
        problems = []
        if message := lrar_problem(self.number.text()):
            problems.append(Problem("lrar", message))
        if from_qdate(self.sent.date()) > self.as_of:
            problems.append(Problem("sent_on", _("The letter cannot be posted after {date}.").format(
                date=format_date(self.as_of))))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, suggestion = self.workspace, self.suggestion
        sent, number = from_qdate(self.sent.date()), normalise_lrar(self.number.text())
        details: dict[str, Any] = {"lrar_number": number}  # the key the client page's history labels
        # The notice itself is produced, stored with its hash and recorded with the LRAR number; it opens to print.
        return lambda: letters.execute_letter_step(ws, suggestion, sent, details=details)


def _sent_on(suggestion: Suggestion) -> date | None:
    for reason in suggestion.reasons:
        if reason.code == ReasonCode.NOTICE_UNDELIVERED and isinstance(reason.params.get("sent_on"), str):
            return date.fromisoformat(str(reason.params["sent_on"]))
    return None


class DeliveryDialog(TodoDialog):
    """La Poste's presentation and receipt dates of a registered letter (either may be recorded first)."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, suggestion: Suggestion,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Registered letter delivery"), workspace, runner, as_of, parent)
        self.suggestion = suggestion
        self.sent_on = _sent_on(suggestion)
        self.presented, self.has_presented = date_edit(as_of), QCheckBox(_("Presented on"))
        self.received, self.has_received = date_edit(as_of), QCheckBox(_("Received (signed) on"))
        form = QFormLayout()
        form.addRow(suggestion_label(suggestion))
        if self.sent_on is not None:
            form.addRow(QLabel(_("Posted on {date}").format(date=format_date(self.sent_on))))
        for name, check, edit in (("presented_on", self.has_presented, self.presented),
                                  ("received_on", self.has_received, self.received)):
            check.setChecked(name == "received_on")
            check.toggled.connect(self.touched(name))
            check.toggled.connect(edit.setEnabled)
            edit.setEnabled(check.isChecked())
            edit.dateChanged.connect(self.touched(name))
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(check)
            line.addWidget(edit, 1)
            self.add_field(form, "", name, row)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(460, self.sizeHint().height())

    def dates(self) -> tuple[date | None, date | None]:
        presented = from_qdate(self.presented.date()) if self.has_presented.isChecked() else None
        received = from_qdate(self.received.date()) if self.has_received.isChecked() else None
        return presented, received

    def problems(self) -> list[Problem]:
        presented, received = self.dates()
        if presented is None and received is None:
            return [Problem("", _("Tick the presentation date, the receipt date, or both."))]
        problems = []
        for name, day in (("presented_on", presented), ("received_on", received)):
            if day is not None and (day > self.as_of or (self.sent_on is not None and day < self.sent_on)):
                problems.append(Problem(name, _("The date must be between the posting date and {date}.").format(
                    date=format_date(self.as_of))))
        if presented is not None and received is not None and received < presented:
            problems.append(Problem("received_on", _("A letter is received on or after its presentation.")))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, action_id = self.workspace, self.suggestion.related_action_id or 0
        presented, received = self.dates()
        return lambda: todo_actions.record_delivery(ws, action_id, presented, received)

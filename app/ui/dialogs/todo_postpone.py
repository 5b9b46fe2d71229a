"""Postponing a suggestion to a date, or skipping it with a reason; both go to the client's history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.formatting import format_date
from app.i18n import _
from app.services import todo_actions
from app.services.dto import Problem
from app.services.todo_dto import Suggestion
from app.services.workspace import Workspace
from app.ui.dialogs.form import EntryDialog, date_edit, from_qdate
from app.ui.tasks import Runner

DEFAULT_POSTPONE_DAYS = 7


def suggestion_label(suggestion: Suggestion) -> QLabel:
    """The client and step the dialog is about, as its first line."""
    label = QLabel(f"<b>{suggestion.client_name}</b> — {suggestion.step_name}")
    label.setWordWrap(True)
    return label


class TodoDialog(EntryDialog):
    """An entry dialog about one suggestion that grows when a problem message appears, instead of squeezing it."""

    def show_problems(self, problems: list[Problem], *, only_touched: bool = False) -> None:
        super().show_problems(problems, only_touched=only_touched)
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        needed = max(needed, layout.totalMinimumSize().height())
        if needed > self.height():
            self.resize(self.width(), needed)


class PostponeDialog(TodoDialog):
    """Nothing is suggested for the client before the chosen date."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, suggestion: Suggestion,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Postpone"), workspace, runner, as_of, parent)
        self.suggestion = suggestion
        self.until = date_edit(as_of + timedelta(days=DEFAULT_POSTPONE_DAYS))
        self.until.dateChanged.connect(self.touched("until"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. the client asked to wait for month end"))
        form = QFormLayout()
        form.addRow(suggestion_label(suggestion))
        self.add_field(form, _("Postpone until"), "until", self.until)
        form.addRow(_("Reason"), self.reason)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(480, self.sizeHint().height())

    def problems(self) -> list[Problem]:
        if from_qdate(self.until.date()) <= self.as_of:
            return [Problem("until", _("Choose a date after {date}.").format(date=format_date(self.as_of)))]
        return []

    def work(self) -> Callable[[], Any]:
        ws, suggestion, on = self.workspace, self.suggestion, self.as_of
        until, reason = from_qdate(self.until.date()), self.reason.text().strip()
        return lambda: todo_actions.postpone(ws, suggestion, on, until, reason)


class SkipDialog(TodoDialog):
    """The step counts as done without being taken; the reason is required, as the history must say why."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, suggestion: Suggestion,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Skip this step"), workspace, runner, as_of, parent)
        self.suggestion = suggestion
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(_("Why is this step not taken?"))
        self.reason.setFixedHeight(80)
        self.reason.textChanged.connect(self.touched("reason"))
        form = QFormLayout()
        form.addRow(suggestion_label(suggestion))
        self.add_field(form, _("Reason"), "reason", self.reason)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(480, self.sizeHint().height())

    def problems(self) -> list[Problem]:
        if not self.reason.toPlainText().strip():
            return [Problem("reason", _("Say why the step is skipped."))]
        return []

    def work(self) -> Callable[[], Any]:
        ws, suggestion, on, reason = self.workspace, self.suggestion, self.as_of, self.reason.toPlainText().strip()
        return lambda: todo_actions.skip(ws, suggestion, on, reason)

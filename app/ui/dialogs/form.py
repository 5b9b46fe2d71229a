"""What every entry dialog shares: fields with their problem shown beneath, Save refused while invalid, saving
through the runner, amounts and dates typed the French way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import MoneyError, parse_amount
from app.errors import KnownError
from app.formatting import format_cents
from app.i18n import _
from app.services.dto import Problem
from app.services.entries import OpenItemChoice
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from app.ui.dialogs.pickers import ClientCombo, InvoiceChecklist
from app.ui.tasks import Runner, show_error

ERROR_STYLE = "color: #b71c1c; font-size: 11px;"


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(to_qdate(day))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def money_edit(placeholder: str = "0,00") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setMaximumWidth(160)
    return edit


def read_cents(text: str) -> int | None:
    """Cents of a typed amount (``1 234,56``), None when it cannot be read."""
    try:
        return parse_amount(text).cents
    except MoneyError:
        return None


def cents_text(cents: int) -> str:
    """``123456`` → ``1 234,56``: an amount to put back in an edit field (plain spaces, no symbol), as
    parse_amount reads it back."""
    sign = "-" if cents < 0 else ""
    units = f"{abs(cents) // 100:,}".replace(",", " ")
    return f"{sign}{units},{abs(cents) % 100:02d}"


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def show_message(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


class EntryDialog(QDialog):
    """A form that lists its problems as data, shows each next to its field, and saves through the runner.

    Subclasses build their fields with ``add_field`` and implement ``problems()`` (what stops saving now)
    and ``work()`` (the service call to run off the GUI thread).

    Signals:
        saved(object): the service's result, after a successful save (the dialog then closes).
    """

    saved = Signal(object)

    def __init__(self, title: str, workspace: Workspace, runner: Runner, as_of: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.workspace = workspace
        self.runner = runner
        self.as_of = as_of
        self.result_value: Any = None
        self.errors: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}
        self.form_error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button: QPushButton = self.buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._touched: set[str] = set()
        self._all_shown = False
        self.body = QVBoxLayout(self)

    def finish_layout(self) -> None:
        """Put the whole-form message and the buttons at the bottom; call once the fields are built."""
        self.body.addWidget(self.form_error)
        self.body.addWidget(self.buttons)
        self.revalidate()

    def add_field(self, form: QFormLayout, label: str, name: str, widget: QWidget) -> QWidget:
        """A row of ``form``: ``widget`` with its problem label underneath, known by ``name``."""
        error = error_label()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        form.addRow(label, holder)
        self.errors[name] = error
        self.fields[name] = widget
        return holder

    def touched(self, name: str) -> Callable[..., None]:
        """A slot marking field ``name`` as edited, then rechecking the form."""
        def slot(*_args: object) -> None:
            self._touched.add(name)
            self.revalidate()
        return slot

    def problems(self) -> list[Problem]:
        """What stops the form from being saved now (overridden)."""
        return []

    def work(self) -> Callable[[], Any]:
        """The service call that saves the form (overridden); runs on the worker thread."""
        raise NotImplementedError

    def revalidate(self) -> list[Problem]:
        """Show the current problems (of edited fields only, until Save was tried) and enable Save."""
        problems = self.problems()
        self.show_problems(problems, only_touched=not self._all_shown)
        self.save_button.setEnabled(not problems)
        return problems

    def show_problems(self, problems: list[Problem], *, only_touched: bool = False) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            name = problem.field if problem.field in self.errors else ""
            by_field.setdefault(name, []).append(problem.message)
        for name, label in self.errors.items():
            shown = not only_touched or name in self._touched
            show_message(label, "\n".join(by_field.get(name, [])) if shown else "")
        show_message(self.form_error, "\n".join(by_field.get("", [])) if not only_touched else "")

    def submit(self) -> None:
        """Check everything; save in the background if the form is valid, else say why next to each field."""
        self._all_shown = True
        problems = self.revalidate()
        if problems:
            first = next((p.field for p in problems if p.field in self.fields), None)
            if first is not None:
                self.fields[first].setFocus()
            return
        self.save_button.setEnabled(False)
        self.runner.submit(self.work(), self._done, on_error=self._failed, progress=_("Saving…"), context=self)

    def _done(self, result: object) -> None:
        self.result_value = result
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self.show_problems(list(error.problems))
        elif isinstance(error, KnownError):  # e.g. a missing legal rate: said in the form, which stays open
            show_message(self.form_error, str(error))
        else:
            show_error(self, error)


def amount_label(cents: int) -> str:
    return format_cents(cents)


class InvoicesEntryDialog(EntryDialog):
    """An entry about some of one client's open invoices (dispute, promise, plan, write-off): a client picker
    and the checklist of its open invoices, with their two checks."""

    def __init__(self, title: str, workspace: Workspace, runner: Runner, as_of: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, workspace, runner, as_of, parent)
        self.client_combo = ClientCombo(workspace, runner)
        self.invoices = InvoiceChecklist(workspace, runner, as_of)
        self.locked_client: int | None = None  # an edited case: its client is fixed, its invoices come with it

    def add_choices(self, form: QFormLayout, invoices_label: str) -> None:
        """The client and invoice fields, first in ``form``."""
        self.client_combo.client_changed.connect(self._client_changed)
        self.add_field(form, _("Client"), "client_id", self.client_combo)
        self.invoices.selection_changed.connect(self._invoices_changed)
        self.add_field(form, invoices_label, "invoice_ids", self.invoices)

    def finish(self, width: int, client_id: int | None) -> None:
        """Lay out, size, and start on ``client_id`` when the dialog was opened from a client."""
        self.finish_layout()
        self.resize(width, self.sizeHint().height())
        if client_id is not None:
            self.client_combo.select(client_id)

    def _client_changed(self, client_id: int) -> None:
        self.touched("client_id")()
        if self.locked_client is None:
            self.invoices.load(client_id)

    def show_case(self, client_id: int, choices: Sequence[OpenItemChoice], checked: tuple[int, ...]) -> None:
        """An existing case: its client, fixed, and the invoices it may cover with those it covers ticked."""
        self.locked_client = client_id
        self.client_combo.select(client_id)
        self.client_combo.setEnabled(False)
        self.invoices.fill(choices, checked)

    def _invoices_changed(self) -> None:
        self.touched("invoice_ids")()

    def choice_problems(self) -> list[Problem]:
        problems = [] if self.client_combo.client_id() else [Problem("client_id", _("Choose a client."))]
        if not self.invoices.checked_ids():
            problems.append(Problem("invoice_ids", _("Choose at least one invoice.")))
        return problems

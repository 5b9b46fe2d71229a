"""The payment plan (échéancier): invoices and instalments, entered, then edited, cancelled or signed later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.formatting import format_cents
from app.i18n import _
from app.services import case_edits, cases
from app.services.case_edits import PlanDetail, PlanEdit
from app.services.cases import InstalmentInput
from app.services.dto import Problem
from app.services.workspace import Workspace
from app.ui.dialogs.form import InvoicesEntryDialog, cents_text, date_edit, from_qdate, read_cents, to_qdate
from app.ui.tasks import Runner


def _read(path: Path | None) -> tuple[str, bytes] | None:
    return (path.name, path.read_bytes()) if path is not None else None


def create_plan_with_document(ws: Workspace, invoice_ids: tuple[int, ...], agreed_on: date,
                              instalments: list[InstalmentInput], notes: str, signed: Path | None) -> int:
    """Runs on the worker: the plan and its signed copy, when one was chosen, in one transaction."""
    return cases.create_plan(ws, invoice_ids, agreed_on, instalments, notes, signed=_read(signed))


def edit_plan_with_document(ws: Workspace, plan_id: int, instalments: list[InstalmentInput], notes: str,
                            cancel_on: date | None, signed: Path | None) -> int | None:
    """Runs on the worker: the plan's changes, its cancellation and its signed copy in one transaction."""
    return case_edits.edit_plan(ws, plan_id, PlanEdit(tuple(instalments), notes, cancel_on, _read(signed)))


class PlanDialog(InvoicesEntryDialog):
    """Agrees a payment plan; its instalments replace the covered invoices' due dates for the ladder.

    Attributes:
        choose_file: asks for the signed plan (replaced in tests).
    """

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 plan_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(_("Payment plan") if plan_id is None else _("Edit the payment plan"), workspace, runner,
                         as_of, parent)
        self.plan_id = plan_id
        self.detail: PlanDetail | None = None
        self.cancel = QCheckBox(_("Cancel the plan on"))
        self.cancel_on = date_edit(as_of)
        self.agreed = date_edit(as_of)
        self.count = QSpinBox()
        self.first_due = date_edit(as_of + timedelta(days=30))
        self.table = QTableWidget(0, 2)
        self.total = QLabel()
        self.notes = QLineEdit()
        self.signed: Path | None = None
        self.signed_label = QLabel(_("No file"))
        self.choose_file: Callable[[], Path | None] = self._ask_file
        self._build()
        if client_id is not None and plan_id is None:  # an edited plan brings its client
            self.client_combo.select(client_id)
        if plan_id is not None:
            self.agreed.setEnabled(False)
            self.invoices.setEnabled(False)
            self.invoices.setToolTip(_("The invoices of a plan cannot change; cancel it and agree a new one."))
            runner.submit(lambda: case_edits.plan_detail(workspace, plan_id, as_of), self._show_detail,
                          context=self)

    def _show_detail(self, detail: PlanDetail) -> None:
        self.detail = detail
        self.agreed.setDate(to_qdate(detail.agreed_on))
        self.show_case(detail.client_id, detail.choices, detail.invoice_ids)
        self.table.setRowCount(0)
        for item in detail.instalments:
            self._append(item.due_on, item.amount_cents)
        self.notes.setText(detail.notes)
        if detail.signed_filename:
            self.signed_label.setText(detail.signed_filename)
        if detail.cancelled_on is not None:
            self.cancel.setChecked(True)
            self.cancel_on.setDate(to_qdate(detail.cancelled_on))
            for widget in (self.cancel, self.cancel_on, self.table, self.instalment_tools):
                widget.setEnabled(False)
        self._touched.clear()
        self.revalidate()

    def _build(self) -> None:
        form = QFormLayout()
        self.add_choices(form, _("Invoices covered"))
        form.addRow(_("Agreed on"), self.agreed)
        self.count.setRange(1, 60)
        self.count.setValue(3)
        self.count.setSuffix(_(" monthly instalments"))
        generate = QPushButton(_("Generate"))
        generate.setAutoDefault(False)
        generate.clicked.connect(self.generate)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.count)
        line.addWidget(QLabel(_("from")))
        line.addWidget(self.first_due)
        line.addWidget(generate)
        line.addStretch(1)
        self.instalment_tools = row
        form.addRow(_("Instalments"), row)
        self.table.setHorizontalHeaderLabels([_("Due date"), _("Amount (€)")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self.touched("instalments"))
        self.add_field(form, "", "instalments", self.table)
        edit_row = QWidget()
        line = QHBoxLayout(edit_row)
        line.setContentsMargins(0, 0, 0, 0)
        add, remove = QPushButton(_("Add a line")), QPushButton(_("Remove the line"))
        add.clicked.connect(lambda: self._append(self._next_date(), 0))
        remove.clicked.connect(self._remove)
        line.addWidget(add)
        line.addWidget(remove)
        line.addStretch(1)
        line.addWidget(self.total)
        form.addRow("", edit_row)
        form.addRow(_("Notes"), self.notes)
        if self.plan_id is not None:
            self._add_cancel_row(form)
        attach = QPushButton(_("Attach the signed plan…"))
        attach.clicked.connect(self.pick_signed)
        file_row = QWidget()
        line = QHBoxLayout(file_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(attach)
        line.addWidget(self.signed_label, 1)
        self.add_field(form, _("Signed plan"), "document", file_row)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(620, self.sizeHint().height())

    def _add_cancel_row(self, form: QFormLayout) -> None:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.cancel)
        line.addWidget(self.cancel_on)
        line.addStretch(1)
        self.cancel.toggled.connect(self.touched("cancel_on"))
        self.cancel_on.dateChanged.connect(self.touched("cancel_on"))
        self.add_field(form, _("Cancellation"), "cancel_on", row)

    def cancel_date(self) -> date | None:
        """The cancellation date the form asks for, None when the plan is kept (or was cancelled before)."""
        if not self.cancel.isChecked() or (self.detail is not None and self.detail.cancelled_on is not None):
            return None
        return from_qdate(self.cancel_on.date())

    def generate(self) -> None:
        """Split the ticked invoices' open total into the chosen number of monthly instalments."""
        total = self.invoices.checked_open_cents()
        if total <= 0:
            self.touched("invoice_ids")()
            return
        self.table.setRowCount(0)
        for item in cases.monthly_instalments(total, self.count.value(), from_qdate(self.first_due.date())):
            self._append(item.due_on, item.amount_cents)
        self.touched("instalments")()

    def _append(self, due_on: date, cents: int) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setCellWidget(row, 0, date_edit(due_on))
        amount = QTableWidgetItem(cents_text(cents) if cents else "")
        amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 1, amount)

    def _next_date(self) -> date:
        dates = [item.due_on for item in self._rows() if item is not None]
        return dates[-1] + timedelta(days=30) if dates else from_qdate(self.first_due.date())

    def _remove(self) -> None:
        row = self.table.currentRow() if self.table.currentRow() >= 0 else self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.touched("instalments")()

    def _rows(self) -> list[InstalmentInput | None]:
        rows: list[InstalmentInput | None] = []
        for row in range(self.table.rowCount()):
            widget, cell = self.table.cellWidget(row, 0), self.table.item(row, 1)
            cents = read_cents(cell.text()) if cell is not None and cell.text().strip() else None
            due = from_qdate(widget.date()) if isinstance(widget, QDateEdit) else None
            rows.append(InstalmentInput(due, cents) if due is not None and cents is not None else None)
        return rows

    def instalments(self) -> list[InstalmentInput]:
        return [row for row in self._rows() if row is not None]

    def _ask_file(self) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Signed payment plan"), "",
                                                    _("PDF documents (*.pdf);;All files (*)"))
        return Path(name) if name else None

    def pick_signed(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.signed = path
            self.signed_label.setText(path.name)
            self.touched("document")()

    def problems(self) -> list[Problem]:
        problems = self.choice_problems()
        rows = self._rows()
        planned = sum(row.amount_cents for row in rows if row is not None)
        covered = self.invoices.checked_open_cents()
        self.total.setText(_("Planned {planned} of {covered}").format(
            planned=format_cents(planned), covered=format_cents(covered)))
        if not rows:
            problems.append(Problem("instalments", _("Generate or add the instalments.")))
        elif any(row is None or row.amount_cents <= 0 for row in rows):
            problems.append(Problem("instalments", _("Every instalment needs an amount greater than zero.")))
        elif planned > covered > 0 and self.plan_id is None:  # an edited plan's invoices may be partly paid
            problems.append(Problem("instalments", _("The instalments exceed the invoices' open amount by "
                                                     "{amount}.").format(amount=format_cents(planned - covered))))
        cancel_on = self.cancel_date()
        if cancel_on is not None and cancel_on < from_qdate(self.agreed.date()):
            problems.append(Problem("cancel_on", _("A plan cannot be cancelled before it was agreed.")))
        if self.signed is not None and not self.signed.is_file():
            problems.append(Problem("document", _("The file {name} cannot be found.").format(name=self.signed)))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, ids, agreed = self.workspace, self.invoices.checked_ids(), from_qdate(self.agreed.date())
        instalments, notes, signed = self.instalments(), self.notes.text().strip(), self.signed
        plan_id, cancel_on = self.plan_id, self.cancel_date()
        if plan_id is not None:
            return lambda: edit_plan_with_document(ws, plan_id, instalments, notes, cancel_on, signed)
        return lambda: create_plan_with_document(ws, ids, agreed, instalments, notes, signed)

"""Recording a payment (or using a credit note): the allocation grid proposed oldest due first, editable,
never more than the payment nor more than an invoice's open amount."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.kinds import PaymentMethod
from app.formatting import format_cents, format_date
from app.i18n import _
from app.services import entries, payments
from app.services.dto import AllocationInput, PaymentInput, Problem
from app.services.entries import CreditNoteChoice, OpenItemChoice
from app.services.workspace import Workspace
from app.ui.dialogs.form import EntryDialog, cents_text, date_edit, from_qdate, money_edit, read_cents
from app.ui.dialogs.pickers import PAYMENT_METHODS, ClientCombo, enum_combo
from app.ui.tasks import Runner

ALLOCATED_COLUMN = 3
OVER_BRUSH = QBrush(QColor("#ffcdd2"))


class PaymentDialog(EntryDialog):
    """Cash received from a client, or one of its credit notes, spread over its open invoices."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Record a payment"), workspace, runner, as_of, parent)
        self.client_combo = ClientCombo(workspace, runner)
        self.source = QComboBox()
        self.received = date_edit(as_of)
        self.amount = money_edit()
        self.method = enum_combo(PAYMENT_METHODS)
        self.reference = QLineEdit()
        self.notes = QLineEdit()
        self.grid = QTableWidget(0, 4)
        self.remaining = QLabel()
        self.items: list[OpenItemChoice] = []
        self.credit_notes: list[CreditNoteChoice] = []
        self._filling = False
        self._build()
        if client_id is not None:
            self.client_combo.select(client_id)

    def _build(self) -> None:
        form = QFormLayout()
        self.client_combo.client_changed.connect(self._client_changed)
        self.add_field(form, _("Client"), "client_id", self.client_combo)
        self.source.addItem(_("Payment received"), None)
        self.source.currentIndexChanged.connect(self._source_changed)
        form.addRow(_("Settled by"), self.source)
        self.received.dateChanged.connect(self.touched("received_on"))
        self.add_field(form, _("Date received"), "received_on", self.received)
        self.amount.textEdited.connect(self._amount_edited)
        self.add_field(form, _("Amount (€)"), "amount_cents", self.amount)
        form.addRow(_("Method"), self.method)
        self.reference.setPlaceholderText(_("bank reference, cheque number…"))
        form.addRow(_("Reference"), self.reference)
        form.addRow(_("Notes"), self.notes)
        self.body.addLayout(form)
        self._build_grid()
        self.finish_layout()
        self.resize(680, 560)

    def _build_grid(self) -> None:
        grid = self.grid
        grid.setHorizontalHeaderLabels([_("Invoice"), _("Due date"), _("Open amount"), _("Allocated")])
        grid.verticalHeader().hide()
        grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        grid.itemChanged.connect(self._cell_changed)
        holder = QWidget()
        holder_layout = QFormLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self.add_field(holder_layout, _("Allocation"), "allocations", grid)
        self.body.addWidget(holder, 1)
        row = QHBoxLayout()
        propose = QPushButton(_("Propose (oldest due first)"))
        propose.clicked.connect(self.propose)
        clear = QPushButton(_("Clear"))
        clear.clicked.connect(lambda: self.set_allocations({}))
        row.addWidget(propose)
        row.addWidget(clear)
        row.addStretch(1)
        self.remaining.setStyleSheet("font-weight: bold;")
        row.addWidget(self.remaining)
        self.body.addLayout(row)

    # Loading -------------------------------------------------------------------------------------------

    def _client_changed(self, client_id: int) -> None:
        self.touched("client_id")()
        self.items, self.credit_notes = [], []
        self._fill_grid()
        while self.source.count() > 1:
            self.source.removeItem(1)
        if client_id:
            ws, as_of = self.workspace, self.as_of
            self.runner.submit(lambda: (entries.open_items_for_client(ws, client_id, as_of),
                                        entries.open_credit_notes(ws, client_id, as_of)),
                               self._loaded, context=self)

    def _loaded(self, found: tuple[list[OpenItemChoice], list[CreditNoteChoice]]) -> None:
        self.items, self.credit_notes = found
        for note in self.credit_notes:
            self.source.addItem(_("Credit note {number} ({amount} left)").format(
                number=note.number, amount=format_cents(note.remaining_cents)), note.id)
        self._fill_grid()
        if self.amount_cents():
            self.propose()

    def _fill_grid(self) -> None:
        self._filling = True
        self.grid.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = (item.number, format_date(item.due_date), format_cents(item.open_cents), "")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column != ALLOCATED_COLUMN:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if column >= 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.grid.setItem(row, column, cell)
        self._filling = False
        self.revalidate()

    def credit_note(self) -> CreditNoteChoice | None:
        note_id = self.source.currentData()
        return next((note for note in self.credit_notes if note.id == note_id), None)

    def _source_changed(self) -> None:
        note = self.credit_note()
        for widget in (self.received, self.method, self.reference, self.notes):
            widget.setEnabled(note is None)
        self.amount.setReadOnly(note is not None)
        if note is not None:
            self.amount.setText(cents_text(note.remaining_cents))
        self._amount_edited()

    def _amount_edited(self) -> None:
        self.touched("amount_cents")()
        if self.amount_cents():
            self.propose()

    # The allocation --------------------------------------------------------------------------------------

    def amount_cents(self) -> int:
        return read_cents(self.amount.text()) or 0 if self.amount.text().strip() else 0

    def propose(self) -> None:
        """Ask the service for the oldest-due-first allocation of the amount and fill the grid with it."""
        client_id, amount = self.client_combo.client_id(), self.amount_cents()
        if not client_id or amount <= 0:
            return
        ws, as_of = self.workspace, self.as_of
        self.runner.submit(lambda: payments.propose_allocation(ws, client_id, amount, as_of),
                           lambda proposal: self.set_allocations({a.invoice_id: a.amount_cents for a in proposal}),
                           context=self)

    def set_allocations(self, amounts: dict[int, int]) -> None:
        self._filling = True
        for row, item in enumerate(self.items):
            cents = amounts.get(item.invoice_id, 0)
            cell = self.grid.item(row, ALLOCATED_COLUMN)
            if cell is not None:
                cell.setText(cents_text(cents) if cents else "")
        self._filling = False
        self.touched("allocations")()

    def set_allocation_text(self, number: str, text: str) -> None:
        """Type ``text`` in the Allocated cell of invoice ``number`` (as a user would)."""
        row = next(index for index, item in enumerate(self.items) if item.number == number)
        cell = self.grid.item(row, ALLOCATED_COLUMN)
        assert cell is not None
        cell.setText(text)

    def _cell_changed(self, _cell: QTableWidgetItem) -> None:
        if not self._filling:
            self.touched("allocations")()

    def _allocation_cells(self) -> list[tuple[OpenItemChoice, str, int | None]]:
        found = []
        for row, item in enumerate(self.items):
            cell = self.grid.item(row, ALLOCATED_COLUMN)
            text = cell.text().strip() if cell is not None else ""
            found.append((item, text, read_cents(text) if text else 0))
        return found

    def allocations(self) -> tuple[AllocationInput, ...]:
        return tuple(AllocationInput(item.invoice_id, cents)
                     for item, _text, cents in self._allocation_cells() if cents)

    def _grid_problems(self) -> list[Problem]:
        problems, total = [], 0
        self._filling = True
        for row, (item, text, cents) in enumerate(self._allocation_cells()):
            bad = ""
            if cents is None:
                bad = _("Invoice {number}: {value} is not an amount.").format(number=item.number, value=text)
            elif cents < 0:
                bad = _("Invoice {number}: an allocation cannot be negative.").format(number=item.number)
            else:
                total += cents
                if cents > item.open_cents:
                    bad = _("Invoice {number}: {amount} is more than its open amount ({open}).").format(
                        number=item.number, amount=format_cents(cents), open=format_cents(item.open_cents))
            cell = self.grid.item(row, ALLOCATED_COLUMN)
            if cell is not None:
                cell.setBackground(OVER_BRUSH if bad else QBrush())
            if bad:
                problems.append(Problem("allocations", bad))
        self._filling = False
        amount = self.amount_cents()
        left = amount - total
        self.remaining.setText(_("Left to allocate: {amount}").format(amount=format_cents(left)))
        self.remaining.setStyleSheet("font-weight: bold;" + (" color: #b71c1c;" if left < 0 else ""))
        if left < 0:
            problems.append(Problem("allocations", _("The allocations exceed the amount by {amount}.").format(
                amount=format_cents(-left))))
        return problems

    def problems(self) -> list[Problem]:
        problems = [] if self.client_combo.client_id() else [Problem("client_id", _("Choose a client."))]
        text = self.amount.text().strip()
        if not text:
            problems.append(Problem("amount_cents", _("The amount is required.")))
        elif read_cents(text) is None:
            problems.append(Problem("amount_cents", _("{value} is not an amount.").format(value=text)))
        elif self.amount_cents() <= 0:
            problems.append(Problem("amount_cents", _("The amount must be greater than zero.")))
        problems.extend(self._grid_problems())
        if self.credit_note() is not None and not self.allocations():
            problems.append(Problem("allocations", _("Allocate the credit note to at least one invoice.")))
        return problems

    def work(self) -> Callable[[], Any]:
        workspace, allocations, note = self.workspace, self.allocations(), self.credit_note()
        if note is not None:
            return lambda: payments.allocate_credit_note(workspace, note.id, allocations)
        data = PaymentInput(
            client_id=self.client_combo.client_id(), received_on=from_qdate(self.received.date()),
            amount_cents=self.amount_cents(), method=PaymentMethod(self.method.currentData()),
            bank_reference=self.reference.text().strip(), allocations=allocations, notes=self.notes.text().strip())
        return lambda: payments.record_payment(workspace, data)

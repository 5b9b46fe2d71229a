"""The selected statement line's editor: its proposals, the client (changeable) and the invoices it settles.

The allocation grid works like the payment dialog's: oldest due first, never more than the credit nor more
than what an invoice has open once the other accepted lines are counted.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.formatting import format_cents, format_date
from app.i18n import _
from app.services import entries
from app.services.bank_dto import Proposal
from app.services.bank_text import confidence_text, reason_text
from app.services.entries import OpenItemChoice
from app.services.workspace import Workspace
from app.ui.dialogs.form import cents_text, read_cents
from app.ui.dialogs.payment_dialog import OVER_BRUSH
from app.ui.dialogs.pickers import ClientCombo
from app.ui.reconcile_model import Decision, ReconcileRow
from app.ui.tasks import Runner

ALLOCATED = 3


class LinePanel(QWidget):
    """Edits one line's decision.

    Signals:
        accepted(object): the Decision taken for the current line.
        dismissed(): the user leaves the line unmatched.
    """

    accepted = Signal(object)
    dismissed = Signal()

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.runner, self.as_of = workspace, runner, as_of
        self.row: ReconcileRow | None = None
        self.claimed: dict[int, int] = {}  # cents other accepted lines take from each invoice
        self.items: list[OpenItemChoice] = []
        self._wanted: dict[int, int] = {}
        self.title = QLabel()
        self.proposals = QComboBox()
        self.client = ClientCombo(workspace, runner)
        self.grid = QTableWidget(0, 4)
        self.left = QLabel()
        self.accept_button = QPushButton(_("Accept this line"))
        self.unmatched_button = QPushButton(_("Leave unmatched"))
        self._build()
        self.show_row(None, {})

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        form = QFormLayout()
        self.proposals.currentIndexChanged.connect(self._proposal_chosen)
        form.addRow(_("Proposal"), self.proposals)
        self.client.client_changed.connect(self._client_changed)
        form.addRow(_("Client"), self.client)
        layout.addLayout(form)
        self.grid.setHorizontalHeaderLabels([_("Invoice"), _("Due date"), _("Open amount"), _("Allocated")])
        self.grid.verticalHeader().hide()
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.itemChanged.connect(lambda _item: self._check())
        layout.addWidget(self.grid, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.left)
        buttons.addStretch(1)
        self.unmatched_button.clicked.connect(self.dismissed.emit)
        self.accept_button.clicked.connect(self._accept)
        buttons.addWidget(self.unmatched_button)
        buttons.addWidget(self.accept_button)
        layout.addLayout(buttons)

    # Showing a line ------------------------------------------------------------------------------------

    def show_row(self, row: ReconcileRow | None, claimed: dict[int, int]) -> None:
        """Edit ``row`` (None: nothing selected); ``claimed`` counts what other accepted lines allocate."""
        self.row, self.claimed = row, claimed
        editable = row is not None and row.active
        for widget in (self.proposals, self.client, self.grid, self.accept_button, self.unmatched_button):
            widget.setEnabled(editable)
        self.proposals.blockSignals(True)
        self.proposals.clear()
        self.proposals.blockSignals(False)
        if row is None:
            self.title.setText(_("Select a line of the statement."))
            self._set_items([], {})
            return
        line = row.line.line
        self.title.setText(_("{date} · {amount} · {payer}").format(
            date=format_date(line.booked_on), amount=format_cents(line.amount_cents, line.currency),
            payer=line.counterparty_name or _("unknown payer")))
        if not editable:
            self._set_items([], {})
            return
        self.proposals.blockSignals(True)
        self.proposals.addItem(_("(none: choose the client)"), None)
        for proposal in row.line.proposals:
            self.proposals.addItem(f"{confidence_text(proposal.confidence)} — {proposal.client_name} — "
                                   f"{reason_text(proposal)}", proposal)
        self.proposals.blockSignals(False)
        if row.decision is not None:
            self._choose(row.decision.client_id, {i: c for i, _n, c in row.decision.allocations})
        elif row.line.best is not None and not row.dismissed:
            self.proposals.setCurrentIndex(1)
        else:
            self._choose(0, {})

    def _proposal_chosen(self) -> None:
        proposal = self.proposals.currentData()
        if isinstance(proposal, Proposal):
            self._choose(proposal.client_id, {a.invoice_id: a.amount_cents for a in proposal.allocations})

    def _choose(self, client_id: int, amounts: dict[int, int]) -> None:
        self._wanted = amounts
        self.client.blockSignals(True)
        if client_id:
            self.client.select(client_id)
        else:
            self.client.setCurrentIndex(-1)
        self.client.blockSignals(False)
        self._load(client_id)

    def _client_changed(self, client_id: int) -> None:
        self._wanted = {}
        self._load(client_id, propose=True)

    def _load(self, client_id: int, propose: bool = False) -> None:
        if not client_id:
            self._set_items([], {})
            return
        ws, as_of = self.workspace, self.as_of
        self.runner.submit(lambda: entries.open_items_for_client(ws, client_id, as_of),
                           lambda items: self._loaded(items, propose), context=self)

    def _loaded(self, items: list[OpenItemChoice], propose: bool) -> None:
        amounts = self._wanted
        if propose and self.row is not None:  # another client: oldest due first, as the payment dialog does
            remaining, amounts = self.row.cents, {}
            for item in items:
                share = min(remaining, self._open(item))
                if share > 0:
                    amounts[item.invoice_id] = share
                    remaining -= share
        self._set_items(items, amounts)

    def _open(self, item: OpenItemChoice) -> int:
        return max(0, item.open_cents - self.claimed.get(item.invoice_id, 0))

    def _set_items(self, items: list[OpenItemChoice], amounts: dict[int, int]) -> None:
        self.items = items
        self.grid.blockSignals(True)
        self.grid.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (item.number, format_date(item.due_date), format_cents(self._open(item)),
                     cents_text(amounts[item.invoice_id]) if amounts.get(item.invoice_id) else "")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column != ALLOCATED:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if column >= 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.grid.setItem(row, column, cell)
        self.grid.blockSignals(False)
        self._check()

    # Checking and accepting ----------------------------------------------------------------------------

    def set_allocation_text(self, number: str, text: str) -> None:
        """Type ``text`` in the Allocated cell of invoice ``number`` (as a user would)."""
        row = next(index for index, item in enumerate(self.items) if item.number == number)
        cell = self.grid.item(row, ALLOCATED)
        assert cell is not None
        cell.setText(text)

    def allocations(self) -> list[tuple[OpenItemChoice, int | None]]:
        found = []
        for row, item in enumerate(self.items):
            cell = self.grid.item(row, ALLOCATED)
            text = cell.text().strip() if cell is not None else ""
            found.append((item, read_cents(text) if text else 0))
        return found

    def _check(self) -> list[str]:
        problems, total = [], 0
        self.grid.blockSignals(True)
        for row, (item, cents) in enumerate(self.allocations()):
            bad = cents is None or cents < 0 or cents > self._open(item)
            total += cents if cents is not None and cents > 0 else 0
            cell = self.grid.item(row, ALLOCATED)
            if cell is not None:
                cell.setBackground(OVER_BRUSH if bad else QBrush())
            if bad:
                problems.append(_("Invoice {number}: the allocation is not between 0 and its open amount.").format(
                    number=item.number))
        self.grid.blockSignals(False)
        amount = self.row.cents if self.row is not None else 0
        if total > amount:
            problems.append(_("The allocations exceed the amount by {amount}.").format(
                amount=format_cents(total - amount)))
        if not self.client.client_id():
            problems.append(_("Choose a client."))
        self.left.setText(problems[0] if problems else _("Left unallocated: {amount}").format(
            amount=format_cents(amount - total)))
        self.left.setStyleSheet("color: #b71c1c;" if problems else "")
        self.accept_button.setEnabled(self.row is not None and self.row.active and not problems)
        return problems

    def _accept(self) -> None:
        if self._check() or self.row is None:
            return
        chosen = tuple((item.invoice_id, item.number, cents) for item, cents in self.allocations() if cents)
        self.accepted.emit(Decision(self.client.client_id(), self.client.currentText(), chosen))

"""Pickers the entry dialogs share (a client, some open invoices) and the labels of the closed lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QWidget

from app.domain.kinds import CostKind, DisputeOutcome, PaymentMethod
from app.formatting import format_cents, format_date
from app.i18n import N_, _
from app.services import entries
from app.services.dispute_reasons import DEFAULT_LABELS, reason_label
from app.services.entries import ClientChoice, OpenItemChoice
from app.services.workspace import Workspace
from app.ui.tasks import Runner

PAYMENT_METHODS: dict[PaymentMethod, str] = {
    PaymentMethod.TRANSFER: N_("Bank transfer"),
    PaymentMethod.CHEQUE: N_("Cheque"),
    PaymentMethod.CARD: N_("Card"),
    PaymentMethod.DIRECT_DEBIT: N_("Direct debit"),
    PaymentMethod.LCR: N_("LCR (bill of exchange)"),
    PaymentMethod.CASH: N_("Cash"),
}
# The default reasons' labels (a dossier's list may hold others, shown as typed: see reason_combo).
DISPUTE_REASONS: dict[str, str] = DEFAULT_LABELS
DISPUTE_OUTCOMES: dict[DisputeOutcome, str] = {
    DisputeOutcome.CREDIT_NOTE: N_("Credit note issued"),
    DisputeOutcome.PAID: N_("Paid"),
    DisputeOutcome.REJECTED: N_("Dispute rejected"),
}
COST_KINDS: dict[CostKind, str] = {
    CostKind.POSTAGE: N_("Postage"),
    CostKind.REGISTERED_LETTER: N_("Registered letter (LRAR)"),
    CostKind.BAILIFF: N_("Bailiff"),
    CostKind.AGENCY_FEE: N_("Collection agency fee"),
    CostKind.TIME: N_("Time spent"),
    CostKind.OTHER: N_("Other"),
}


def enum_combo(labels: Mapping[Any, str]) -> QComboBox:
    """A combo of a closed list: translated labels, the enum member as item data."""
    combo = QComboBox()
    for value, label in labels.items():
        combo.addItem(_(label), value)
    return combo


def fill_reasons(combo: QComboBox, reasons: Sequence[str], current: str | None = None) -> None:
    """Put the dossier's dispute reasons in ``combo`` (stored value as item data) and choose ``current``, adding
    it when the list no longer has it (a dispute keeps the reason it was given)."""
    combo.blockSignals(True)
    combo.clear()
    for value in reasons:
        combo.addItem(reason_label(value), value)
    if current and combo.findData(current) < 0:
        combo.addItem(reason_label(current), current)
    combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
    combo.blockSignals(False)
    combo.currentIndexChanged.emit(combo.currentIndex())


class ClientCombo(QComboBox):
    """The dossier's clients, typed to search ("411DUR" or part of a name).

    Signals:
        client_changed(int): the chosen client's id (0 when none).
    """

    client_changed = Signal(int)

    def __init__(self, workspace: Workspace, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumWidth(320)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(_("Choose a client"))
        self._wanted: int | None = None
        self.currentIndexChanged.connect(lambda _i: self.client_changed.emit(self.client_id()))
        runner.submit(lambda: entries.client_choices(workspace), self._fill, context=self)

    def _fill(self, choices: list[ClientChoice]) -> None:
        self.blockSignals(True)
        for choice in choices:
            self.addItem(choice.label, choice.id)
        self.setCurrentIndex(-1)
        self.blockSignals(False)
        if self._wanted is not None:
            self.select(self._wanted)

    def select(self, client_id: int) -> None:
        index = self.findData(client_id)
        if index < 0:
            self._wanted = client_id  # not loaded yet
            return
        self.setCurrentIndex(index)

    def client_id(self) -> int:
        data = self.currentData() if self.currentIndex() >= 0 else None
        return int(data) if data is not None and self.currentText() == self.itemText(self.currentIndex()) else 0


class InvoiceChecklist(QListWidget):
    """A client's open invoices, each with a box to tick.

    Signals:
        selection_changed(): a box was ticked or unticked, or the list was reloaded.
    """

    selection_changed = Signal()

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace, self._runner, self._as_of = workspace, runner, as_of
        self.open_items: list[OpenItemChoice] = []
        self._token = 0  # counts loads and fills: only the latest one shows
        self.setMinimumHeight(90)
        self.setMaximumHeight(150)
        self.itemChanged.connect(lambda _item: self.selection_changed.emit())

    def load(self, client_id: int, checked: tuple[int, ...] = ()) -> None:
        if not client_id:
            self.fill([], ())
            return
        workspace, as_of = self._workspace, self._as_of  # the worker must not touch this widget
        self._token += 1
        token = self._token
        self._runner.submit(lambda: entries.open_items_for_client(workspace, client_id, as_of),
                            lambda items: self._loaded(token, items, checked), context=self)

    def _loaded(self, token: int, items: list[OpenItemChoice], checked: tuple[int, ...]) -> None:
        if token == self._token:  # else the list was loaded again or filled since this load was asked for
            self.fill(items, checked)

    def fill(self, items: Sequence[OpenItemChoice], checked: tuple[int, ...]) -> None:
        """Show ``items``, ticking those in ``checked``."""
        self._token += 1
        self.blockSignals(True)
        self.clear()
        self.open_items = list(items)
        for item in items:
            row = QListWidgetItem(_("{number} — due {due} — open {amount}").format(
                number=item.number, due=format_date(item.due_date), amount=format_cents(item.open_cents)))
            row.setData(Qt.ItemDataRole.UserRole, item.invoice_id)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked if item.invoice_id in checked else Qt.CheckState.Unchecked)
            self.addItem(row)
        if not items:
            empty = QListWidgetItem(_("No open invoice"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(empty)
        self.blockSignals(False)
        self.selection_changed.emit()

    def check(self, invoice_id: int, on: bool = True) -> None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == invoice_id:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked_ids(self) -> tuple[int, ...]:
        found = []
        for row in range(self.count()):
            item = self.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(found)

    def checked_open_cents(self) -> int:
        chosen = set(self.checked_ids())
        return sum(item.open_cents for item in self.open_items if item.invoice_id in chosen)

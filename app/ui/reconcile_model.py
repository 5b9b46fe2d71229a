"""The reconciliation table: one row per statement line with the decision taken on it, sortable on raw values."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtGui import QColor

from app.domain.bank_rules import Confidence
from app.formatting import format_cents, format_date
from app.i18n import N_, _
from app.services.bank_dto import LineStatus, StatementLine
from app.services.bank_text import confidence_text, reason_text
from app.ui.columns import MUTED_COLOUR, RIGHT, Column
from app.ui.row_model import RowTableModel


class RowState(enum.StrEnum):
    ACCEPTED = "accepted"
    TO_CHECK = "to_check"  # a proposal waits for the user
    UNMATCHED = "unmatched"  # no proposal, or left unmatched
    IMPORTED = "imported"  # already imported: skipped
    IGNORED = "ignored"  # a debit


@dataclass(frozen=True, slots=True)
class Decision:
    """What the user accepted for a credit: the client and the cents allocated per invoice."""

    client_id: int
    client_name: str
    allocations: tuple[tuple[int, str, int], ...] = ()  # (invoice id, number, cents)

    @property
    def allocated_cents(self) -> int:
        return sum(cents for _id, _number, cents in self.allocations)


@dataclass(frozen=True, slots=True)
class ReconcileRow:
    line: StatementLine
    decision: Decision | None = None
    dismissed: bool = False  # "leave unmatched" on a line that had a proposal

    @property
    def state(self) -> RowState:
        if self.line.status == LineStatus.ALREADY_IMPORTED:
            return RowState.IMPORTED
        if self.line.status in (LineStatus.DEBIT, LineStatus.OTHER_CURRENCY):
            return RowState.IGNORED
        if self.decision is not None:
            return RowState.ACCEPTED
        return RowState.TO_CHECK if self.line.best is not None and not self.dismissed else RowState.UNMATCHED

    @property
    def active(self) -> bool:
        return self.state not in (RowState.IMPORTED, RowState.IGNORED)

    @property
    def booked(self) -> date:
        return self.line.line.booked_on

    @property
    def cents(self) -> int:
        return self.line.line.amount_cents


STATE_LABELS = {RowState.ACCEPTED: N_("Accepted"), RowState.TO_CHECK: N_("To check"),
                RowState.UNMATCHED: N_("Unmatched"), RowState.IMPORTED: N_("Already imported: skipped"),
                RowState.IGNORED: N_("Debit: ignored")}
OTHER_CURRENCY_LABEL = N_("Other currency: ignored")


def _client(row: ReconcileRow) -> str:
    if row.decision is not None:
        return row.decision.client_name
    best = row.line.best
    return best.client_name if best is not None and row.state == RowState.TO_CHECK else ""


def _invoices(row: ReconcileRow) -> str:
    if row.decision is not None:
        return ", ".join(number for _id, number, _cents in row.decision.allocations)
    best = row.line.best
    return ", ".join(i.number for i in best.invoices) if best is not None and row.state == RowState.TO_CHECK else ""


def _confidence(row: ReconcileRow) -> int:
    best = row.line.best
    return int(best.confidence) if best is not None and row.active else 0


def _muted(row: ReconcileRow) -> QColor | None:
    return None if row.active else MUTED_COLOUR


def _column(key: str, header: str, display: object, **extra: object) -> Column[ReconcileRow]:
    return Column(key, header, display, foreground=_muted, **extra)  # type: ignore[arg-type]


COLUMNS: tuple[Column[ReconcileRow], ...] = (
    _column("date", N_("Date"), lambda r: format_date(r.booked), sort_value=lambda r: r.booked),
    _column("amount", N_("Amount"), lambda r: format_cents(r.cents, r.line.line.currency),
            sort_value=lambda r: r.cents, align=RIGHT),
    _column("counterparty", N_("Counterparty"), lambda r: r.line.line.counterparty_name, width=220),
    _column("label", N_("Label"), lambda r: r.line.line.text, width=320, tooltip=lambda r: r.line.line.text),
    _column("client", N_("Client"), _client, width=220),
    _column("invoices", N_("Invoices"), _invoices, width=200),
    _column("confidence", N_("Confidence"),
            lambda r: confidence_text(Confidence(_confidence(r))) if _confidence(r) else "", sort_value=_confidence),
    _column("reason", N_("Reason"), lambda r: reason_text(r.line.best) if r.line.best and r.active else "",
            width=320, tooltip=lambda r: reason_text(r.line.best) if r.line.best else ""),
    _column("state", N_("Status"), lambda r: _(OTHER_CURRENCY_LABEL if r.line.status == LineStatus.OTHER_CURRENCY
                                                else STATE_LABELS[r.state]), sort_value=lambda r: r.state.value),
)


class ReconcileModel(RowTableModel[ReconcileRow]):
    """Statement lines and their decisions; a decision changes one row in place (selection and sort kept)."""

    def __init__(self) -> None:
        super().__init__(COLUMNS)

    def replace_row(self, row: int, record: ReconcileRow) -> None:
        self._rows[row] = record
        self._search[row] = None
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def row_of(self, reference: str) -> int:
        return next(i for i, r in enumerate(self._rows) if r.line.line.bank_reference == reference)


SHOWN = {"all": N_("All lines"), "to_check": N_("To check or unmatched"), "accepted": N_("Accepted"),
         "skipped": N_("Skipped or ignored")}
_SHOWN_STATES = {"to_check": {RowState.TO_CHECK, RowState.UNMATCHED}, "accepted": {RowState.ACCEPTED},
                 "skipped": {RowState.IMPORTED, RowState.IGNORED}}


class ReconcileProxy(QSortFilterProxyModel):
    """Sorts on raw values and shows the lines of one kind of state ("all" by default)."""

    def __init__(self, model: ReconcileModel) -> None:
        super().__init__()
        self.setSourceModel(model)
        self.reconcile_model = model
        self.shown = "all"

    def show_only(self, shown: str) -> None:
        self.beginFilterChange()
        self.shown = shown
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        states = _SHOWN_STATES.get(self.shown)
        return states is None or self.reconcile_model.row_at(source_row).state in states

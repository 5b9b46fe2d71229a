"""Opening a dispute on some of a client's invoices, and resolving one with its outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QPlainTextEdit, QWidget

from app.domain.kinds import DisputeOutcome, DisputeReason
from app.formatting import format_date
from app.i18n import _
from app.services import cases, entries
from app.services.dto import Problem
from app.services.entries import DisputeChoice
from app.services.workspace import Workspace
from app.ui.dialogs.form import EntryDialog, InvoicesEntryDialog, date_edit, from_qdate
from app.ui.dialogs.pickers import DISPUTE_OUTCOMES, DISPUTE_REASONS, ClientCombo, enum_combo
from app.ui.tasks import Runner


def _notes_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setFixedHeight(70)
    return edit


class DisputeDialog(InvoicesEntryDialog):
    """Opens a litige: the ticked invoices leave the ladder but stay in the aged balance."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Open a dispute"), workspace, runner, as_of, parent)
        self.opened = date_edit(as_of)
        self.reason = enum_combo(DISPUTE_REASONS)
        self.reason.setEditable(False)
        self.notes = _notes_edit()
        form = QFormLayout()
        self.add_choices(form, _("Invoices"))
        form.addRow(_("Opened on"), self.opened)
        form.addRow(_("Reason"), self.reason)
        self.notes.textChanged.connect(self.touched("notes"))
        self.add_field(form, _("Notes"), "notes", self.notes)
        self.body.addLayout(form)
        self.finish(560, client_id)

    def problems(self) -> list[Problem]:
        problems = self.choice_problems()
        if self.reason.currentData() == DisputeReason.OTHER and not self.notes.toPlainText().strip():
            problems.append(Problem("notes", _("Say what the client disputes.")))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, ids, reason = self.workspace, self.invoices.checked_ids(), DisputeReason(self.reason.currentData())
        opened, notes = from_qdate(self.opened.date()), self.notes.toPlainText().strip()
        return lambda: cases.open_dispute(ws, ids, reason, opened, notes)


class ResolveDisputeDialog(EntryDialog):
    """Closes one of a client's open disputes with its outcome (credit note, paid, rejected)."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Resolve a dispute"), workspace, runner, as_of, parent)
        self.client_combo = ClientCombo(workspace, runner)
        self.dispute = QComboBox()
        self.disputes: list[DisputeChoice] = []
        self.resolved = date_edit(as_of)
        self.outcome = enum_combo(DISPUTE_OUTCOMES)
        self.notes = _notes_edit()
        form = QFormLayout()
        self.client_combo.client_changed.connect(self._client_changed)
        self.add_field(form, _("Client"), "client_id", self.client_combo)
        self.dispute.currentIndexChanged.connect(self.touched("dispute_id"))
        self.add_field(form, _("Dispute"), "dispute_id", self.dispute)
        self.resolved.dateChanged.connect(self.touched("resolved_on"))
        self.add_field(form, _("Resolved on"), "resolved_on", self.resolved)
        form.addRow(_("Outcome"), self.outcome)
        form.addRow(_("Notes"), self.notes)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(560, self.sizeHint().height())
        if client_id is not None:
            self.client_combo.select(client_id)

    def _client_changed(self, client_id: int) -> None:
        self.touched("client_id")()
        self.dispute.clear()
        self.disputes = []
        if client_id:
            ws = self.workspace
            self.runner.submit(lambda: entries.open_disputes(ws, client_id), self._fill, context=self)

    def _fill(self, disputes: list[DisputeChoice]) -> None:
        self.disputes = disputes
        for dispute in disputes:
            self.dispute.addItem(_("{numbers} — {reason}, opened {date}").format(
                numbers=", ".join(dispute.numbers), reason=_(DISPUTE_REASONS[dispute.reason]),
                date=format_date(dispute.opened_on)), dispute.id)
        self.revalidate()

    def problems(self) -> list[Problem]:
        problems = [] if self.client_combo.client_id() else [Problem("client_id", _("Choose a client."))]
        chosen = next((d for d in self.disputes if d.id == self.dispute.currentData()), None)
        if chosen is None:
            if self.client_combo.client_id():
                problems.append(Problem("dispute_id", _("This client has no open dispute.")))
        elif from_qdate(self.resolved.date()) < chosen.opened_on:
            problems.append(Problem("resolved_on", _("A dispute cannot be resolved before it was opened.")))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, dispute_id = self.workspace, int(self.dispute.currentData())
        resolved, outcome = from_qdate(self.resolved.date()), DisputeOutcome(self.outcome.currentData())
        notes = self.notes.toPlainText().strip()
        return lambda: cases.resolve_dispute(ws, dispute_id, resolved, outcome, notes)

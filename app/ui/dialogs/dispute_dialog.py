"""Opening a dispute on some of a client's invoices, editing it, and resolving one with its outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QPlainTextEdit, QPushButton, QWidget

from app.domain.kinds import DisputeOutcome, DisputeReason
from app.formatting import format_date
from app.i18n import _
from app.services import case_edits, cases, dispute_reasons, entries
from app.services.case_edits import DisputeDetail
from app.services.dispute_reasons import reason_label
from app.services.dto import Problem
from app.services.entries import DisputeChoice
from app.services.workspace import Workspace
from app.ui.dialogs.form import EntryDialog, InvoicesEntryDialog, date_edit, from_qdate, to_qdate
from app.ui.dialogs.pickers import DISPUTE_OUTCOMES, ClientCombo, enum_combo, fill_reasons
from app.ui.dialogs.reason_list_dialog import ReasonListDialog
from app.ui.tasks import Runner


def _notes_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setFixedHeight(70)
    return edit


class DisputeDialog(InvoicesEntryDialog):
    """Opens a litige: the ticked invoices leave the ladder but stay in the aged balance. With ``dispute_id``, edits
    that dispute instead: its reason, notes and, while it is open, the invoices it covers.

    Attributes:
        list_editor: the reason list editor last opened from here (tests drive it).
    """

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 dispute_id: int | None = None, parent: QWidget | None = None) -> None:
        title = _("Open a dispute") if dispute_id is None else _("Edit the dispute")
        super().__init__(title, workspace, runner, as_of, parent)
        self.dispute_id = dispute_id
        self.detail: DisputeDetail | None = None
        self.list_editor: ReasonListDialog | None = None
        self.opened = date_edit(as_of)
        self.reason = QComboBox()
        self.reason.setMinimumWidth(220)
        self.edit_list = QPushButton(_("Edit the list…"))
        self.edit_list.setToolTip(_("Add, rename, remove or reorder the dossier's dispute reasons"))
        self.edit_list.setAutoDefault(False)
        self.edit_list.clicked.connect(self.open_list_editor)
        self.notes = _notes_edit()
        self._build()
        self.finish(560, client_id if dispute_id is None else None)  # an edited case brings its client
        self._load_reasons()
        if dispute_id is not None:
            self.opened.setEnabled(False)
            runner.submit(lambda: case_edits.dispute_detail(workspace, dispute_id, as_of), self._show_detail,
                          context=self)

    def _build(self) -> None:
        form = QFormLayout()
        self.add_choices(form, _("Invoices"))
        form.addRow(_("Opened on"), self.opened)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.reason, 1)
        line.addWidget(self.edit_list)
        self.reason.currentIndexChanged.connect(self.touched("reason"))
        self.add_field(form, _("Reason"), "reason", row)
        self.notes.textChanged.connect(self.touched("notes"))
        self.add_field(form, _("Notes"), "notes", self.notes)
        self.body.addLayout(form)

    def _load_reasons(self, keep: str | None = None) -> None:
        workspace = self.workspace
        self.runner.submit(lambda: dispute_reasons.dispute_reasons(workspace),
                           lambda reasons: self._fill_reasons(reasons, keep), context=self)

    def _fill_reasons(self, reasons: tuple[str, ...], keep: str | None) -> None:
        current = keep or self.reason_value() or (self.detail.reason if self.detail else None)
        fill_reasons(self.reason, reasons, current)

    def _show_detail(self, detail: DisputeDetail) -> None:
        self.detail = detail
        self.opened.setDate(to_qdate(detail.opened_on))
        self.show_case(detail.client_id, detail.choices, detail.invoice_ids)
        if detail.resolved_on is not None:
            self.invoices.setEnabled(False)
            self.invoices.setToolTip(_("The dispute is resolved: its invoices cannot change."))
        fill_reasons(self.reason, [self.reason.itemData(i) for i in range(self.reason.count())], detail.reason)
        self.notes.setPlainText(detail.notes)
        self._touched.clear()
        self.revalidate()

    def open_list_editor(self) -> ReasonListDialog:
        """The reason list editor; once saved, the combo shows the new list and keeps the chosen reason."""
        editor = ReasonListDialog(self.workspace, self.runner, parent=self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen = self.reason_value()
        editor.saved.connect(lambda values: self._fill_reasons(
            tuple(values), editor.renamed().get(chosen or "", chosen)))
        self.list_editor = editor
        editor.open()
        return editor

    def reason_value(self) -> str:
        data = self.reason.currentData()
        return str(data) if data is not None else ""

    def problems(self) -> list[Problem]:
        problems = self.choice_problems()
        if not self.reason_value():
            problems.append(Problem("reason", _("Choose the reason of the dispute.")))
        elif self.reason_value() == DisputeReason.OTHER and not self.notes.toPlainText().strip():
            problems.append(Problem("notes", _("Say what the client disputes.")))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, ids, reason = self.workspace, self.invoices.checked_ids(), self.reason_value()
        opened, notes = from_qdate(self.opened.date()), self.notes.toPlainText().strip()
        dispute_id = self.dispute_id
        if dispute_id is not None:
            return lambda: case_edits.edit_dispute(ws, dispute_id, reason, notes, ids)
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
                numbers=", ".join(dispute.numbers), reason=reason_label(dispute.reason),
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

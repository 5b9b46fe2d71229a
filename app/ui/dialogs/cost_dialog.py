"""A recovery cost for a client: postage, registered letter, bailiff, agency fee, time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from app.domain.kinds import CostKind
from app.i18n import _
from app.services import entries
from app.services.dto import Problem
from app.services.workspace import Workspace
from app.ui.dialogs.form import EntryDialog, date_edit, from_qdate, money_edit, read_cents
from app.ui.dialogs.pickers import COST_KINDS, ClientCombo, enum_combo
from app.ui.tasks import Runner


class CostDialog(EntryDialog):
    """Records what recovering a client's debt cost, with its history entry."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Recovery cost"), workspace, runner, as_of, parent)
        self.client_combo = ClientCombo(workspace, runner)
        self.on_date = date_edit(as_of)
        self.kind = enum_combo(COST_KINDS)
        self.amount = money_edit()
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(_("e.g. registered letter number"))
        form = QFormLayout()
        self.client_combo.client_changed.connect(self.touched("client_id"))
        self.add_field(form, _("Client"), "client_id", self.client_combo)
        form.addRow(_("Date"), self.on_date)
        form.addRow(_("Kind"), self.kind)
        self.amount.textEdited.connect(self.touched("amount_cents"))
        self.add_field(form, _("Amount (€)"), "amount_cents", self.amount)
        form.addRow(_("Notes"), self.notes)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(520, self.sizeHint().height())
        if client_id is not None:
            self.client_combo.select(client_id)

    def problems(self) -> list[Problem]:
        problems = [] if self.client_combo.client_id() else [Problem("client_id", _("Choose a client."))]
        cents = read_cents(self.amount.text()) if self.amount.text().strip() else None
        if cents is None or cents <= 0:
            problems.append(Problem("amount_cents", _("The amount must be greater than zero.")))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, client_id, kind = self.workspace, self.client_combo.client_id(), CostKind(self.kind.currentData())
        on_date, cents, notes = from_qdate(self.on_date.date()), read_cents(self.amount.text()) or 0, self.notes.text()
        return lambda: entries.record_recovery_cost(ws, client_id, on_date, kind, cents, notes.strip())

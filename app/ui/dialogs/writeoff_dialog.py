"""Passing invoices to irrecoverable (passage en irrécouvrable) with a reason and a date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from app.i18n import N_, _
from app.services import cases
from app.services.dto import Problem
from app.services.workspace import Workspace
from app.ui.dialogs.form import InvoicesEntryDialog, date_edit, from_qdate
from app.ui.tasks import Runner

REASONS = (N_("Debtor in liquidation"), N_("Debtor unreachable"), N_("Amount too small to pursue"),
           N_("Time-barred claim"), N_("Commercial settlement"))


class WriteOffDialog(InvoicesEntryDialog):
    """Writes off what remains open on the ticked invoices, in one transaction with one history entry."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Write off as irrecoverable"), workspace, runner, as_of, parent)
        self.on_date = date_edit(as_of)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems([_(reason) for reason in REASONS])
        self.reason.setCurrentIndex(-1)
        form = QFormLayout()
        self.add_choices(form, _("Invoices"))
        form.addRow(_("Date"), self.on_date)
        self.reason.currentTextChanged.connect(self.touched("reason"))
        self.add_field(form, _("Reason"), "reason", self.reason)
        self.body.addLayout(form)
        self.finish(560, client_id)

    def problems(self) -> list[Problem]:
        problems = self.choice_problems()
        if not self.reason.currentText().strip():
            problems.append(Problem("reason", _("Say why the invoice is written off.")))
        return problems

    def work(self) -> Callable[[], Any]:
        ws, ids = self.workspace, self.invoices.checked_ids()
        on_date, reason = from_qdate(self.on_date.date()), self.reason.currentText().strip()
        return lambda: cases.write_off(ws, ids, on_date, reason)  # all the invoices or none

"""The invoice and credit-note form: number, client, dates, amounts excl./incl. tax, original PDF attached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.kinds import InvoiceKind
from app.domain.penalties import latest_allowed_due_date, terms_exceed_cap
from app.formatting import format_date
from app.i18n import _
from app.services import entries, invoices
from app.services.dto import InvoiceInput, Problem
from app.services.entries import InvoiceDetail
from app.services.workspace import Workspace
from app.ui.dialogs.form import EntryDialog, cents_text, date_edit, from_qdate, money_edit, read_cents, to_qdate
from app.ui.dialogs.pickers import ClientCombo
from app.ui.tasks import Runner

VAT_RATE_TENTHS = 200  # 20 %, in tenths of a percent
DEFAULT_TERMS_DAYS = 30


def with_vat(excl_cents: int) -> int:
    """Amount incl. 20 % VAT, rounded half up to the cent."""
    return (excl_cents * (1000 + VAT_RATE_TENTHS) + 500) // 1000


def edit_with_original(ws: Workspace, invoice_id: int, data: InvoiceInput, original: Path | None) -> int:
    """Runs on the worker: the edit, then the newly chosen original (each its own transaction)."""
    content = original.read_bytes() if original is not None else b""
    invoices.edit_invoice(ws, invoice_id, data)
    if original is not None:
        entries.attach_document(ws, original.name, content, invoice_id=invoice_id)
    return invoice_id


class InvoiceDialog(EntryDialog):
    """Enters a new invoice, or a credit note when ``kind`` says so.

    Attributes:
        choose_file: asks for the original PDF (replaced in tests).
    """

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, kind: InvoiceKind = InvoiceKind.INVOICE,
                 client_id: int | None = None, invoice_id: int | None = None, parent: QWidget | None = None) -> None:
        if invoice_id is not None:
            title = _("Edit invoice")
        else:
            title = _("New invoice") if kind is InvoiceKind.INVOICE else _("New credit note")
        super().__init__(title, workspace, runner, as_of, parent)
        self.kind = kind
        self.invoice_id = invoice_id
        self.terms_days = DEFAULT_TERMS_DAYS
        self.number = QLineEdit()
        self.client_combo = ClientCombo(workspace, runner)
        self.issue = date_edit(as_of)
        self.due = date_edit(as_of + timedelta(days=DEFAULT_TERMS_DAYS if kind is InvoiceKind.INVOICE else 0))
        self.excl, self.incl = money_edit(), money_edit()
        self.no_reminder = QCheckBox(_("Never remind this invoice"))
        self.notes = QLineEdit()
        self.original: Path | None = None
        self.original_label = QLabel(_("No file"))
        self.choose_file: Callable[[], Path | None] = self._ask_file
        self._build()
        if client_id is not None:
            self.client_combo.select(client_id)
        if invoice_id is not None:
            runner.submit(lambda: entries.invoice_detail(workspace, invoice_id), self._load, context=self)

    def _load(self, detail: InvoiceDetail) -> None:
        data = detail.data
        self.kind = data.kind
        if data.kind is InvoiceKind.CREDIT_NOTE:
            self.setWindowTitle(_("Edit credit note"))
        self.number.setText(data.number)
        self.client_combo.select(data.client_id)
        self._touched.add("due_date")  # keep the stored due date when the issue date is set
        self.issue.setDate(to_qdate(data.issue_date))
        self.due.setDate(to_qdate(data.due_date))
        self.excl.setText(cents_text(data.amount_excl_cents))
        self.incl.setText(cents_text(data.amount_incl_cents))
        self.no_reminder.setChecked(data.no_reminder)
        self.notes.setText(data.notes)
        if detail.original:
            self.original_label.setText(detail.original)
        self.revalidate()

    def _build(self) -> None:
        form = QFormLayout()
        self.number.setPlaceholderText("FA-2026-0001" if self.kind is InvoiceKind.INVOICE else "AV-2026-0001")
        self.number.textEdited.connect(self.touched("number"))
        self.add_field(form, _("Number"), "number", self.number)
        self.client_combo.client_changed.connect(self._client_changed)
        self.add_field(form, _("Client"), "client_id", self.client_combo)
        self.issue.dateChanged.connect(self._issue_changed)
        self.add_field(form, _("Issue date"), "issue_date", self.issue)
        self.due.dateChanged.connect(self.touched("due_date"))
        self.add_field(form, _("Due date"), "due_date", self.due)
        # A warning, not a refusal: the invoice was issued that way and must be recorded as it is.
        self.term_warning = QLabel()
        self.term_warning.setWordWrap(True)
        self.term_warning.setStyleSheet("color: #e65100;")
        self.term_warning.hide()
        form.addRow("", self.term_warning)
        for edit in (self.issue, self.due):
            edit.dateChanged.connect(lambda _date: self._check_term())
        self.excl.textEdited.connect(self.touched("amount_excl_cents"))
        vat = QPushButton(_("+ 20 % VAT"))
        vat.setToolTip(_("Fill the amount incl. tax from the amount excl. tax at 20 %"))
        vat.clicked.connect(self.fill_with_vat)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.excl)
        line.addWidget(vat)
        line.addStretch(1)
        self.add_field(form, _("Amount excl. tax (€)"), "amount_excl_cents", row)
        self.fields["amount_excl_cents"] = self.excl
        self.incl.textEdited.connect(self.touched("amount_incl_cents"))
        self.add_field(form, _("Amount incl. tax (€)"), "amount_incl_cents", self.incl)
        if self.kind is InvoiceKind.INVOICE:
            form.addRow("", self.no_reminder)
        self.add_field(form, _("Notes"), "notes", self.notes)
        attach = QPushButton(_("Attach the original…"))
        attach.clicked.connect(self.pick_original)
        file_row = QWidget()
        line = QHBoxLayout(file_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(attach)
        line.addWidget(self.original_label, 1)
        self.add_field(form, _("Original file"), "document", file_row)
        self.body.addLayout(form)
        self.finish_layout()
        self.resize(560, self.sizeHint().height())

    def _client_changed(self, client_id: int) -> None:
        self.touched("client_id")()
        if client_id and self.kind is InvoiceKind.INVOICE and self.invoice_id is None:
            ws = self.workspace
            self.runner.submit(lambda: entries.payment_terms_days(ws, client_id), self._set_terms, context=self)

    def _set_terms(self, days: int) -> None:
        self.terms_days = days
        self._issue_changed()

    def _issue_changed(self) -> None:
        # The due date follows the issue date and the client's terms until the user sets it.
        if "due_date" not in self._touched:
            terms = self.terms_days if self.kind is InvoiceKind.INVOICE else 0
            self.due.blockSignals(True)
            self.due.setDate(self.issue.date().addDays(terms))
            self.due.blockSignals(False)
        self.touched("issue_date")()

    def _check_term(self) -> None:
        issue, due = from_qdate(self.issue.date()), from_qdate(self.due.date())
        over = self.kind is InvoiceKind.INVOICE and terms_exceed_cap(issue, due)
        self.term_warning.setText(_(
            "This term is longer than the law allows between professionals (60 days, or 45 days end of month: "
            "{date} at the latest; C. com. L441-10).").format(date=format_date(latest_allowed_due_date(issue)))
            if over else "")
        self.term_warning.setVisible(over)

    def fill_with_vat(self) -> None:
        excl = read_cents(self.excl.text())
        if excl is not None:
            self.incl.setText(cents_text(with_vat(excl)))
            self.touched("amount_incl_cents")()

    def _ask_file(self) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Original of the invoice"), "",
                                                    _("PDF documents (*.pdf);;All files (*)"))
        return Path(name) if name else None

    def pick_original(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.original = path
            self.original_label.setText(path.name)
            self.touched("document")()

    def invoice(self) -> InvoiceInput:
        return InvoiceInput(
            number=self.number.text().strip(), client_id=self.client_combo.client_id(),
            issue_date=from_qdate(self.issue.date()), due_date=from_qdate(self.due.date()),
            amount_incl_cents=read_cents(self.incl.text()) or 0, amount_excl_cents=read_cents(self.excl.text()) or 0,
            kind=self.kind, no_reminder=self.no_reminder.isChecked(), notes=self.notes.text().strip())

    def problems(self) -> list[Problem]:
        data = self.invoice()
        problems = invoices.check_invoice(data)
        if not data.client_id:
            problems.append(Problem("client_id", _("Choose a client.")))
        for name, edit in (("amount_excl_cents", self.excl), ("amount_incl_cents", self.incl)):
            text = edit.text().strip()
            if text and read_cents(text) is None:
                problems = [p for p in problems if p.field != name]
                problems.append(Problem(name, _("{value} is not an amount.").format(value=text)))
        if self.original is not None and not self.original.is_file():
            problems.append(Problem("document", _("The file {name} cannot be found.").format(name=self.original)))
        return problems

    def work(self) -> Callable[[], Any]:
        workspace, data, original, invoice_id = self.workspace, self.invoice(), self.original, self.invoice_id
        if invoice_id is not None:
            return lambda: edit_with_original(workspace, invoice_id, data, original)
        if original is None:
            return lambda: invoices.add_invoice(workspace, data)
        return lambda: entries.add_invoice_with_original(workspace, data, original.name, original.read_bytes())

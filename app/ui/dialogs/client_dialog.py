"""The client form: identity, address, reminder settings, contacts (billing one marked) and notes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.kinds import Language
from app.i18n import N_, _
from app.services import entries
from app.services.clients import check_contact
from app.services.dto import ClientInput, ContactInput, Problem
from app.services.entries import ClientDetail, ContactEdit, LadderChoice, SegmentChoice
from app.services.workspace import Workspace
from app.ui.dialogs.form import EntryDialog, cents_text, error_label, read_cents, show_message
from app.ui.tasks import Runner

TEXT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("account_code", N_("Account code"), "411DURAND"),
    ("name", N_("Name"), ""),
    ("siren", N_("SIREN"), "123 456 789"),
    ("vat_number", N_("VAT number"), "FR 12 123456789"),
    ("address_line1", N_("Address"), ""),
    ("address_line2", N_("Address (continued)"), ""),
    ("postcode", N_("Postcode"), ""),
    ("city", N_("City"), ""),
    ("country", N_("Country"), "FR"),
)


LABEL_WIDTH = 150  # both left groups share it, so their fields line up


class ContactDialog(QDialog):
    """One contact: name, role, e-mail, phone, billing mark; refuses to close while invalid."""

    def __init__(self, contact: ContactEdit | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Contact"))
        self.contact_id = contact.id if contact else None
        self.name, self.role, self.email, self.phone = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.billing = QCheckBox(_("Billing contact (receives the reminders)"))
        self.error = error_label()
        form = QFormLayout()
        for label, edit in ((_("Name"), self.name), (_("Role"), self.role), (_("E-mail"), self.email),
                            (_("Phone"), self.phone)):
            edit.setMinimumWidth(260)
            form.addRow(label, edit)
        form.addRow("", self.billing)
        if contact:
            self.name.setText(contact.name)
            self.role.setText(contact.role)
            self.email.setText(contact.email)
            self.phone.setText(contact.phone)
            self.billing.setChecked(contact.is_billing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def value(self) -> ContactEdit:
        return ContactEdit(self.contact_id, self.name.text().strip(), self.role.text().strip(),
                           self.email.text().strip(), self.phone.text().strip(), self.billing.isChecked())

    def submit(self) -> None:
        contact = self.value()
        problems = check_contact(ContactInput(0, contact.name, contact.role, contact.email, contact.phone))
        show_message(self.error, "\n".join(problem.message for problem in problems))
        if not problems:
            self.accept()


class ClientDialog(EntryDialog):
    """Creates a client, or edits one when ``client_id`` is given (its fields load through the runner)."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("New client") if client_id is None else _("Edit client"), workspace, runner, as_of,
                         parent)
        self.client_id = client_id
        self.edits: dict[str, QLineEdit] = {}
        self.language = QComboBox()
        self.consumer = QCheckBox(_("Consumer (not a business)"))
        self.segment = QComboBox()
        self.ladder = QComboBox()
        self._ladder_id: int | None = None
        self._ladders_loaded = False
        self.credit_limit = QLineEdit()
        self.terms = QSpinBox()
        self.do_not_remind = QCheckBox(_("Do not remind this client"))
        self.reason = QLineEdit()
        self.notes = QPlainTextEdit()
        self.contacts: list[ContactEdit] = []
        self.contact_table = QTableWidget(0, 5)
        self.edit_contact_intent: Callable[[ContactEdit | None], ContactEdit | None] = self._ask_contact
        self._build()
        runner.submit(lambda: entries.segment_choices(workspace), self._fill_segments, context=self)
        runner.submit(lambda: entries.ladder_choices(workspace), self._fill_ladders, context=self)
        if client_id is not None:
            runner.submit(lambda: entries.client_detail(workspace, client_id), self._load, context=self)

    def _build(self) -> None:
        columns = QHBoxLayout()
        columns.setSpacing(16)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._text_group(_("Identity"), TEXT_FIELDS[:4]))
        left.addWidget(self._text_group(_("Address"), TEXT_FIELDS[4:]))
        left.addStretch(1)
        right.addWidget(self._reminders_group())
        right.addWidget(self._contacts_group(), 1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.body.addLayout(columns)
        notes_box = QGroupBox(_("Notes"))
        self.notes.setFixedHeight(60)
        QVBoxLayout(notes_box).addWidget(self.notes)
        self.body.addWidget(notes_box)
        self.finish_layout()
        self.resize(980, 640)

    def _text_group(self, title: str, fields: tuple[tuple[str, str, str], ...]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label, placeholder in fields:
            edit = QLineEdit("FR" if name == "country" else "")
            edit.setObjectName(name)
            edit.setPlaceholderText(placeholder)
            edit.textEdited.connect(self.touched(name))
            self.edits[name] = edit
            holder = self.add_field(form, _(label), name, edit)
            label_widget = form.labelForField(holder)
            if label_widget is not None:
                label_widget.setMinimumWidth(LABEL_WIDTH)
        return box

    def _reminders_group(self) -> QGroupBox:
        box = QGroupBox(_("Reminders"))
        form = QFormLayout(box)
        self.language.addItem(_("French"), Language.FR)
        self.language.addItem(_("English"), Language.EN)
        form.addRow(_("Language of letters"), self.language)
        form.addRow("", self.consumer)
        self.segment.addItem(_("(none)"), None)
        form.addRow(_("Segment"), self.segment)
        self.ladder.addItem(_("the segment's ladder"), None)
        self.ladder.setToolTip(_("A ladder for this client only; otherwise its segment's, else the dossier's "
                                 "default"))
        form.addRow(_("Reminder ladder"), self.ladder)
        self.credit_limit.setPlaceholderText(_("none"))
        self.credit_limit.setMaximumWidth(160)
        self.credit_limit.textEdited.connect(self.touched("credit_limit_cents"))
        self.add_field(form, _("Credit limit (€)"), "credit_limit_cents", self.credit_limit)
        self.terms.setRange(-1, 365)
        self.terms.setSpecialValueText(_("dossier default"))
        self.terms.setValue(-1)
        self.terms.setSuffix(_(" days"))
        self.add_field(form, _("Payment terms"), "payment_terms_days", self.terms)
        form.addRow("", self.do_not_remind)
        self.reason.setPlaceholderText(_("e.g. key account, handled by phone"))
        self.reason.textEdited.connect(self.touched("do_not_remind_reason"))
        self.do_not_remind.toggled.connect(self._remind_toggled)
        self.reason.setEnabled(False)
        self.add_field(form, _("Reason"), "do_not_remind_reason", self.reason)
        return box

    def _remind_toggled(self, on: bool) -> None:
        self.reason.setEnabled(on)
        self.touched("do_not_remind_reason")()

    def _contacts_group(self) -> QGroupBox:
        box = QGroupBox(_("Contacts"))
        column = QVBoxLayout(box)
        table = self.contact_table
        table.setHorizontalHeaderLabels([_("Name"), _("Role"), _("E-mail"), _("Phone"), _("Billing")])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for stretched in (0, 2):
            header.setSectionResizeMode(stretched, QHeaderView.ResizeMode.Stretch)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.doubleClicked.connect(lambda _index: self.edit_selected_contact())
        column.addWidget(table)
        self.errors["contacts"] = error_label()
        self.fields["contacts"] = table
        column.addWidget(self.errors["contacts"])
        row = QHBoxLayout()
        add, edit = QPushButton(_("Add a contact…")), QPushButton(_("Edit…"))
        add.clicked.connect(lambda: self.add_contact())
        edit.clicked.connect(lambda: self.edit_selected_contact())
        row.addWidget(add)
        row.addWidget(edit)
        row.addStretch(1)
        column.addLayout(row)
        return box

    def _ask_contact(self, contact: ContactEdit | None) -> ContactEdit | None:
        dialog = ContactDialog(contact, self)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def add_contact(self, contact: ContactEdit | None = None) -> None:
        """Add ``contact`` (or ask for one); a new billing contact unmarks the others."""
        chosen = contact or self.edit_contact_intent(None)
        if chosen is not None:
            self._put_contact(len(self.contacts), chosen)

    def edit_selected_contact(self) -> None:
        row = self.contact_table.currentRow()
        if 0 <= row < len(self.contacts):
            chosen = self.edit_contact_intent(self.contacts[row])
            if chosen is not None:
                self._put_contact(row, chosen)

    def _put_contact(self, row: int, contact: ContactEdit) -> None:
        if contact.is_billing:
            self.contacts = [replace(other, is_billing=False) for other in self.contacts]
        if row == len(self.contacts):
            self.contacts.append(contact)
        else:
            self.contacts[row] = contact
        self._show_contacts()
        self.touched("contacts")()

    def _show_contacts(self) -> None:
        self.contact_table.setRowCount(len(self.contacts))
        for row, contact in enumerate(self.contacts):
            values = (contact.name, contact.role, contact.email, contact.phone, "✓" if contact.is_billing else "")
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.contact_table.setItem(row, column, item)

    def _fill_segments(self, segments: list[SegmentChoice]) -> None:
        wanted = self.segment.currentData()
        for segment in segments:
            self.segment.addItem(segment.label, segment.code)
        if wanted is not None:
            self.segment.setCurrentIndex(max(0, self.segment.findData(wanted)))

    def _fill_ladders(self, ladders: list[LadderChoice]) -> None:
        for ladder in ladders:
            self.ladder.addItem(ladder.name, ladder.id)
        self._ladders_loaded = True
        self.ladder.setCurrentIndex(max(0, self.ladder.findData(self._ladder_id)))

    def _load(self, detail: ClientDetail) -> None:
        data = detail.data
        for name, edit in self.edits.items():
            edit.setText(str(getattr(data, name)))
        self.language.setCurrentIndex(max(0, self.language.findData(data.language)))
        self.consumer.setChecked(data.is_consumer)
        index = self.segment.findData(data.segment_code)
        if index < 0 and data.segment_code:
            self.segment.addItem(data.segment_code, data.segment_code)
            index = self.segment.count() - 1
        self.segment.setCurrentIndex(max(0, index))
        self._ladder_id = data.ladder_id
        self.ladder.setCurrentIndex(max(0, self.ladder.findData(data.ladder_id)))
        self.credit_limit.setText("" if data.credit_limit_cents is None else cents_text(data.credit_limit_cents))
        self.terms.setValue(-1 if data.payment_terms_days is None else data.payment_terms_days)
        self.do_not_remind.setChecked(data.do_not_remind)
        self.reason.setText(data.do_not_remind_reason)
        self.notes.setPlainText(data.notes)
        self.contacts = [ContactEdit(c.id, c.name, c.role, c.email, c.phone, c.is_billing) for c in detail.contacts]
        self._show_contacts()
        self.revalidate()

    def client(self) -> ClientInput:
        """What the form holds now (an unreadable credit limit counts as none; problems() reports it)."""
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        terms = self.terms.value()
        limit_text = self.credit_limit.text().strip()
        return ClientInput(
            **values, language=Language(self.language.currentData()), is_consumer=self.consumer.isChecked(),
            segment_code=self.segment.currentData(),
            # Until the ladder names arrive the combo cannot show the client's ladder: keep it meanwhile.
            ladder_id=self.ladder.currentData() if self._ladders_loaded else self._ladder_id,
            credit_limit_cents=read_cents(limit_text) if limit_text else None,
            payment_terms_days=None if terms < 0 else terms, do_not_remind=self.do_not_remind.isChecked(),
            do_not_remind_reason=self.reason.text().strip() if self.do_not_remind.isChecked() else "",
            notes=self.notes.toPlainText().strip())

    def problems(self) -> list[Problem]:
        problems = entries.check_client_form(self.client(), tuple(self.contacts))
        limit_text = self.credit_limit.text().strip()
        if limit_text and read_cents(limit_text) is None:
            problems.append(Problem("credit_limit_cents", _("{value} is not an amount.").format(value=limit_text)))
        return problems

    def work(self) -> Callable[[], Any]:
        workspace, client_id, data, contacts = self.workspace, self.client_id, self.client(), tuple(self.contacts)
        return lambda: entries.save_client(workspace, client_id, data, contacts)

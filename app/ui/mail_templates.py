"""Paramètres > Textes des e-mails…: edit the subject and body of each ladder step's e-mail in French and English,
with the placeholders and their meaning, a live preview written to a real client of the dossier, errors shown
with their line (and saving refused until fixed), and a way back to the shipped text."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.mail.templating import MailTemplateRefused
from app.services import mail, mail_drafts
from app.services.mail import MAIL_PLACEHOLDERS, TemplateSource
from app.services.mail_drafts import PreviewClient
from app.services.workspace import Workspace
from app.ui.tasks import Runner
from app.ui.template_editing import TemplateDialog, mark_line

SOURCE_TEXTS = {
    TemplateSource.DOSSIER: N_("Your text, saved in this dossier."),
    TemplateSource.STEP: N_("The text shipped for this step."),
    TemplateSource.DEFAULT: N_("The default text, used by every e-mail step without a text of its own."),
}
INVOICE_LOOP = ("{% for invoice in invoices %}\n  - {{ invoice.number }} — {{ invoice.date }} — {{ invoice.due_date }}"
                " — {{ invoice.open_amount }}\n{% endfor %}\n")


class MailTemplatesDialog(TemplateDialog):
    """One e-mail text at a time (step template × language); Save keeps it in the dossier after checking it."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(workspace, runner, MAIL_PLACEHOLDERS, _("Back to the shipped text"), read_only, parent)
        self.setWindowTitle(_("E-mail texts"))
        self.as_of = as_of
        self.client_box = QComboBox()
        self.client_box.setMinimumContentsLength(24)
        self.client_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.preview_subject = QLabel()
        self.preview_subject.setWordWrap(True)
        bold = QFont(self.preview_subject.font())
        bold.setBold(True)
        self.preview_subject.setFont(bold)
        self.preview_body = QPlainTextEdit()
        self.preview_body.setReadOnly(True)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color: palette(mid);")
        self._layout()
        self.watch(self.body, self.subject)
        self.client_box.currentIndexChanged.connect(lambda _index: self.refresh_preview())
        self.resize(1180, 680)  # fits a 1366×768 screen with its title bar and task bar
        ws, as_of = workspace, as_of
        self.runner.submit(lambda: (mail.mail_templates(ws), mail_drafts.preview_clients(ws, as_of)), self._choices,
                           context=self)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(_("Subject"), self.subject)
        form.addRow(_("Body"), self.body)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(self.chooser_row())
        left_layout.addWidget(self.source)
        left_layout.addLayout(form, 3)
        self.placeholder_panel(left_layout)
        left_layout.addWidget(self.status)
        left_layout.addLayout(self.button_row())
        right = QWidget()
        right_layout = QVBoxLayout(right)
        client_row = QFormLayout()
        client_row.addRow(_("Preview for"), self.client_box)
        right_layout.addLayout(client_row)
        right_layout.addWidget(self.preview_subject)
        right_layout.addWidget(self.preview_body, 1)
        self.split(left, right, (620, 580))

    def _choices(self, loaded: tuple[tuple[tuple[str, str], ...], tuple[PreviewClient, ...]]) -> None:
        templates, clients = loaded
        for box in (self.template_box, self.client_box):
            box.blockSignals(True)
        for template, label in templates:
            self.template_box.addItem(label, template)
        for client in clients:
            self.client_box.addItem(client.label, client.id)
        if not clients:
            self.client_box.addItem(_("No client with open invoices"), None)
            self.client_box.setEnabled(False)
        for box in (self.template_box, self.client_box):
            box.blockSignals(False)
        self.connect_common()
        self.load()

    def snippet(self, name: str) -> str:
        return INVOICE_LOOP if name == "invoices" else super().snippet(name)

    def template(self) -> str:
        return str(self.template_box.currentData() or mail.DEFAULT_TEMPLATE)

    def sections(self) -> dict[str, str]:
        return {"subject": self.subject.text(), "body": self.body.toPlainText()}

    def load(self) -> None:
        ws, template, language = self.workspace, self.template(), self.language()
        self.runner.submit(lambda: mail.mail_template_sections(ws, template, language), self._fill, context=self)

    def _fill(self, loaded: tuple[dict[str, str], TemplateSource]) -> None:
        sections, source = loaded
        self._loading = True
        self.subject.setText(sections["subject"])
        self.subject.setCursorPosition(0)  # show where the subject starts, not its end
        self.body.setPlainText(sections["body"])
        self._loading = False
        self.source.setText(_(SOURCE_TEXTS[source]))
        self.reset_button.setEnabled(not self.read_only and source is TemplateSource.DOSSIER)
        self.say("")
        self.refresh_preview()

    def refresh_preview(self) -> None:
        ws, template, language, sections, as_of = (self.workspace, self.template(), self.language(), self.sections(),
                                                   self.as_of)
        client_id = self.client_box.currentData()
        if client_id is None:
            self.runner.submit(lambda: mail.check_mail_template(sections), lambda _none: self._show(("", "")),
                               on_error=self.refused, context=self)
            return
        self.runner.submit(lambda: mail_drafts.preview_mail(ws, template, language, sections, client_id, as_of),
                           self._show, on_error=self.refused, context=self)

    def _show(self, rendered: tuple[str, str]) -> None:
        subject, body = rendered
        self.preview_subject.setText(subject)
        self.preview_body.setPlainText(body)
        self.preview_body.setEnabled(True)
        mark_line(self.body, None)
        if self.showing_error:
            self.say("")  # the error shown before is fixed
        self.allow_save()

    def refused(self, error: BaseException) -> None:
        super().refused(error)
        self.preview_body.setEnabled(False)  # greyed: it shows the last text that could be written
        on_body = isinstance(error, MailTemplateRefused) and error.section == "body"
        mark_line(self.body, error.line if on_body and isinstance(error, MailTemplateRefused) else None)

    def save(self) -> None:
        ws, template, language, sections = self.workspace, self.template(), self.language(), self.sections()
        self.runner.submit(lambda: mail.save_mail_template(ws, template, language, sections), self._saved,
                           on_error=self.refused, context=self)

    def _saved(self, _none: None) -> None:
        self.source.setText(_(SOURCE_TEXTS[TemplateSource.DOSSIER]))
        self.reset_button.setEnabled(not self.read_only)
        self.say(_("Saved: e-mails for this step now use this text."))

    def reset(self) -> None:
        ws, template, language = self.workspace, self.template(), self.language()
        self.runner.submit(lambda: mail.reset_mail_template(ws, template, language), lambda _none: self.load(),
                           context=self)

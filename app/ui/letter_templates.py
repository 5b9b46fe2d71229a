"""Paramètres > Textes des lettres…: edit the wording of each letter kind in French and English, with the list of
placeholders and a live preview of a sample letter; an unknown placeholder is refused with its name."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.letters.data import LetterKind
from app.letters.templating import PLACEHOLDERS
from app.services import letter_templates
from app.services.workspace import Workspace
from app.ui.letter_preview import KIND_LABELS, page_images
from app.ui.tasks import Runner
from app.ui.template_editing import TemplateDialog


class LetterTemplatesDialog(TemplateDialog):
    """One template at a time (kind × language); Save keeps it in the dossier, Reset goes back to the shipped one."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(workspace, runner, PLACEHOLDERS, _("Back to the default text"), read_only, parent)
        self.setWindowTitle(_("Letter texts"))
        self.as_of = as_of
        self.kind_box = self.template_box
        for kind, label in KIND_LABELS.items():
            self.kind_box.addItem(_(label), kind)
        self.subject = QLineEdit()
        self.salutation = QLineEdit()
        self.body = QPlainTextEdit()
        self.closing = QPlainTextEdit()
        self.closing.setMaximumHeight(70)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.deadline = QSpinBox()
        self.deadline.setRange(8, 15)
        self.deadline.setSuffix(_(" days"))
        self.deadline.setEnabled(not read_only)
        self.deadline.setToolTip(_("The payment deadline a formal notice gives when its ladder step names none"))
        self._layout()
        self.watch(self.body, self.subject, self.salutation, self.closing)
        self.connect_common()
        self.deadline.valueChanged.connect(self.save_deadline)
        self.resize(1200, 820)
        self.load()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(_("Subject"), self.subject)
        form.addRow(_("Salutation"), self.salutation)
        form.addRow(_("Body (blank line between paragraphs)"), self.body)
        form.addRow(_("Closing"), self.closing)
        form.addRow(_("Formal notice: days to pay"), self.deadline)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(self.chooser_row())
        left_layout.addLayout(form, 3)
        self.placeholder_panel(left_layout)
        left_layout.addWidget(self.status)
        left_layout.addLayout(self.button_row())
        scroller = QScrollArea()
        scroller.setWidget(self.preview)
        scroller.setWidgetResizable(True)
        self.split(left, scroller, (640, 560))

    def save_deadline(self, days: int) -> None:
        if self._loading:
            return
        ws = self.workspace
        self.runner.submit(lambda: letter_templates.save_notice_deadline(ws, days),
                           lambda _none: self.say(_("Formal notices now give {days} days.").format(days=days)),
                           on_error=self.refused, context=self)

    def kind(self) -> LetterKind:
        return LetterKind(self.kind_box.currentData())

    def sections(self) -> dict[str, str]:
        return {"subject": self.subject.text(), "salutation": self.salutation.text(),
                "body": self.body.toPlainText(), "closing": self.closing.toPlainText()}

    def load(self) -> None:
        ws, kind, language = self.workspace, self.kind(), self.language()
        self.runner.submit(lambda: letter_templates.notice_deadline(ws), self._show_deadline, context=self)
        self.runner.submit(lambda: letter_templates.template_sections(ws, kind, language), self._fill, context=self)

    def _show_deadline(self, days: int) -> None:
        self._loading = True
        self.deadline.setValue(days)
        self._loading = False

    def _fill(self, loaded: tuple[dict[str, str], bool]) -> None:
        sections, customised = loaded
        self._loading = True
        self.subject.setText(sections["subject"])
        self.salutation.setText(sections["salutation"])
        self.body.setPlainText(sections["body"])
        self.closing.setPlainText(sections["closing"])
        self._loading = False
        self.say(_("Your text (saved in the dossier).") if customised else _("The default text."))
        self.refresh_preview()

    def refresh_preview(self) -> None:
        ws, kind, language, sections, as_of = self.workspace, self.kind(), self.language(), self.sections(), self.as_of
        self.runner.submit(lambda: letter_templates.preview_template(ws, kind, language, sections, as_of),
                           self._show_preview, on_error=self.refused, context=self)

    def _show_preview(self, pdf: bytes) -> None:
        images = page_images(pdf, 70)
        if images:
            self.preview.setPixmap(QPixmap.fromImage(images[0]))
        self.allow_save()

    def save(self) -> None:
        ws, kind, language, sections = self.workspace, self.kind(), self.language(), self.sections()
        self.runner.submit(lambda: letter_templates.save_template(ws, kind, language, sections),
                           lambda _none: self.say(_("Saved: letters now use this text.")),
                           on_error=self.refused, context=self)

    def reset(self) -> None:
        ws, kind, language = self.workspace, self.kind(), self.language()
        self.runner.submit(lambda: letter_templates.reset_template(ws, kind, language), lambda _none: self.load(),
                           context=self)

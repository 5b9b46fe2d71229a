"""Paramètres > Textes des lettres…: edit the wording of each letter kind in French and English, with the list of
placeholders and a live preview of a sample letter; an unknown placeholder is refused with its name."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
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

PREVIEW_DELAY_MS = 400  # typing must not re-render the sample letter on every key


class LetterTemplatesDialog(QDialog):
    """One template at a time (kind × language); Save keeps it in the dossier, Reset goes back to the shipped one."""

    def __init__(self, workspace: Workspace, runner: Runner, as_of: date, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Letter texts"))
        self.workspace = workspace
        self.runner = runner
        self.as_of = as_of
        self.kind_box = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind_box.addItem(_(label), kind)
        self.language_box = QComboBox()
        self.language_box.addItem(_("French"), "fr")
        self.language_box.addItem(_("English"), "en")
        self.subject = QLineEdit()
        self.salutation = QLineEdit()
        self.body = QPlainTextEdit()
        self.closing = QPlainTextEdit()
        self.closing.setMaximumHeight(70)
        self.placeholders = QListWidget()
        for name, meaning in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{{ {name} }}}} — {_(meaning)}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.placeholders.addItem(item)
        self.placeholders.itemDoubleClicked.connect(self._insert)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.deadline = QSpinBox()
        self.deadline.setRange(8, 15)
        self.deadline.setSuffix(_(" days"))
        self.deadline.setEnabled(not read_only)
        self.deadline.setToolTip(_("The payment deadline a formal notice gives when its ladder step names none"))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setEnabled(not read_only)
        self.reset_button = QPushButton(_("Back to the default text"))
        self.reset_button.setEnabled(not read_only)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh_preview)
        self._loading = False
        self._layout()
        self._connect()
        self.resize(1200, 820)
        self.load()

    def _layout(self) -> None:
        choose = QHBoxLayout()
        choose.addWidget(self.kind_box, 1)
        choose.addWidget(self.language_box)
        form = QFormLayout()
        form.addRow(_("Subject"), self.subject)
        form.addRow(_("Salutation"), self.salutation)
        form.addRow(_("Body (blank line between paragraphs)"), self.body)
        form.addRow(_("Closing"), self.closing)
        form.addRow(_("Formal notice: days to pay"), self.deadline)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(choose)
        left_layout.addLayout(form, 3)
        left_layout.addWidget(QLabel(_("Placeholders (double-click to insert):")))
        left_layout.addWidget(self.placeholders, 1)
        left_layout.addWidget(self.status)
        left_layout.addLayout(buttons)
        scroller = QScrollArea()
        scroller.setWidget(self.preview)
        scroller.setWidgetResizable(True)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroller)
        splitter.setSizes([640, 560])
        QVBoxLayout(self).addWidget(splitter)

    def _connect(self) -> None:
        self.kind_box.currentIndexChanged.connect(lambda _index: self.load())
        self.language_box.currentIndexChanged.connect(lambda _index: self.load())
        for edit in (self.subject, self.salutation):
            edit.textChanged.connect(lambda _text: self._changed())
        for plain in (self.body, self.closing):
            plain.textChanged.connect(self._changed)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        self.deadline.valueChanged.connect(self.save_deadline)

    def save_deadline(self, days: int) -> None:
        if self._loading:
            return
        ws = self.workspace
        self.runner.submit(lambda: letter_templates.save_notice_deadline(ws, days),
                           lambda _none: self._say(_("Formal notices now give {days} days.").format(days=days)),
                           on_error=self._refused, context=self)

    def kind(self) -> LetterKind:
        return LetterKind(self.kind_box.currentData())

    def language(self) -> str:
        return str(self.language_box.currentData())

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
        self._say(_("Your text (saved in the dossier).") if customised else _("The default text."))
        self.refresh_preview()

    def _changed(self) -> None:
        if not self._loading:
            self.timer.start()

    def _insert(self, item: QListWidgetItem) -> None:
        self.body.insertPlainText(f"{{{{ {item.data(Qt.ItemDataRole.UserRole)} }}}}")
        self.body.setFocus()

    def refresh_preview(self) -> None:
        ws, kind, language, sections, as_of = self.workspace, self.kind(), self.language(), self.sections(), self.as_of
        self.runner.submit(lambda: letter_templates.preview_template(ws, kind, language, sections, as_of),
                           self._show_preview, on_error=self._refused, context=self)

    def _show_preview(self, pdf: bytes) -> None:
        images = page_images(pdf, 70)
        if images:
            self.preview.setPixmap(QPixmap.fromImage(images[0]))
        self.save_button.setEnabled(self.reset_button.isEnabled())

    def _refused(self, error: BaseException) -> None:
        self._say(str(error), error=True)
        self.save_button.setEnabled(False)

    def save(self) -> None:
        ws, kind, language, sections = self.workspace, self.kind(), self.language(), self.sections()
        self.runner.submit(lambda: letter_templates.save_template(ws, kind, language, sections),
                           lambda _none: self._say(_("Saved: letters now use this text.")),
                           on_error=self._refused, context=self)

    def reset(self) -> None:
        ws, kind, language = self.workspace, self.kind(), self.language()
        self.runner.submit(lambda: letter_templates.reset_template(ws, kind, language), lambda _none: self.load(),
                           context=self)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b71c1c;" if error else "")
        self.status.setText(text)

"""What the letter and e-mail text editors share: template and language choosers, the placeholder list that inserts
where the cursor was, a debounced live preview, the status line that shows refusals, Reset / Save / Close."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.services.workspace import Workspace
from app.ui.tasks import Runner

PREVIEW_DELAY_MS = 400  # typing must not re-render the preview on every key
ERROR_COLOUR = "#b71c1c"
TextField = QLineEdit | QPlainTextEdit


class TemplateDialog(QDialog):
    """One template at a time (template × language). Subclasses lay out their fields and implement load,
    refresh_preview, save and reset; Save is enabled only while the last preview was accepted."""

    def __init__(self, workspace: Workspace, runner: Runner, placeholders: Mapping[str, str], reset_label: str,
                 read_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.runner = runner
        self.read_only = read_only
        self.template_box = QComboBox()
        self.language_box = QComboBox()
        self.language_box.addItem(_("French"), "fr")
        self.language_box.addItem(_("English"), "en")
        self.placeholders = QListWidget()
        for name, meaning in placeholders.items():
            item = QListWidgetItem(f"{{{{ {name} }}}} — {_(meaning)}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(_(meaning))
            self.placeholders.addItem(item)
        self.placeholders.itemDoubleClicked.connect(self._insert)
        self.placeholders.setWordWrap(True)  # long meanings wrap instead of scrolling sideways
        self.placeholders.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.placeholders.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setEnabled(not read_only)
        self.reset_button = QPushButton(reset_label)
        self.reset_button.setEnabled(not read_only)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh_preview)
        self._loading = False
        self.showing_error = False
        self._fields: list[TextField] = []
        self._insert_target: TextField | None = None

    def connect_common(self) -> None:
        """Choosing another template or language reloads; Save and Reset do their work."""
        self.template_box.currentIndexChanged.connect(lambda _index: self.load())
        self.language_box.currentIndexChanged.connect(lambda _index: self.load())
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)

    def watch(self, *fields: TextField) -> None:
        """Edits in ``fields`` refresh the preview; a placeholder goes into the one last focused (the first
        by default)."""
        if not self._fields:
            application = QApplication.instance()
            if isinstance(application, QApplication):
                application.focusChanged.connect(self._focus_moved)
        for field in fields:
            self._fields.append(field)
            field.textChanged.connect(self._changed)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        for field in self._fields:
            if field is new:
                self._insert_target = field

    def chooser_row(self, *extra: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.template_box, 1)
        row.addWidget(self.language_box)
        for widget in extra:
            row.addWidget(widget)
        return row

    def button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.reset_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        row.addWidget(close)
        return row

    def placeholder_panel(self, layout: QVBoxLayout) -> None:
        layout.addWidget(QLabel(_("Placeholders (double-click to insert):")))
        layout.addWidget(self.placeholders, 1)

    def split(self, left: QWidget, right: QWidget, sizes: tuple[int, int]) -> QSplitter:
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes(list(sizes))
        QVBoxLayout(self).addWidget(splitter)
        return splitter

    def language(self) -> str:
        return str(self.language_box.currentData())

    def snippet(self, name: str) -> str:
        """What double-clicking placeholder ``name`` inserts."""
        return f"{{{{ {name} }}}}"

    def _insert(self, item: QListWidgetItem) -> None:
        target = self._insert_target or (self._fields[0] if self._fields else None)
        if target is None:
            return
        text = self.snippet(str(item.data(Qt.ItemDataRole.UserRole)))
        if isinstance(target, QLineEdit):
            target.insert(text)
        else:
            target.insertPlainText(text)
        target.setFocus()

    def _changed(self) -> None:
        if not self._loading:
            self.timer.start()

    def say(self, text: str, error: bool = False) -> None:
        self.showing_error = error
        self.status.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.status.setText(text)

    def refused(self, error: BaseException) -> None:
        """The preview or the save was refused: say why; nothing is saved until it is fixed."""
        self.say(str(error), error=True)
        self.save_button.setEnabled(False)

    def allow_save(self) -> None:
        """The last preview rendered: the text may be saved."""
        self.save_button.setEnabled(not self.read_only)

    def load(self) -> None:
        raise NotImplementedError

    def refresh_preview(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError


def mark_line(edit: QPlainTextEdit, line: int | None) -> None:
    """Tint line ``line`` (1-based) of ``edit`` where a template error is, or clear the mark (None)."""
    if line is None or line < 1:
        edit.setExtraSelections([])
        return
    block = edit.document().findBlockByLineNumber(line - 1)
    if not block.isValid():
        edit.setExtraSelections([])
        return
    selection = QTextEdit.ExtraSelection()
    selection.format.setBackground(QColor("#ffebee"))
    selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
    cursor = QTextCursor(block)
    selection.cursor = cursor
    edit.setExtraSelections([selection])

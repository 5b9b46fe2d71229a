"""The editor of the dossier's dispute reasons: add, rename, remove and reorder, saved in one go."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.services import dispute_reasons
from app.services.dispute_reasons import DEFAULT_LABELS, ReasonEdit, ReasonList, check_reasons, reason_label
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from app.ui.dialogs.form import error_label, show_message
from app.ui.tasks import Runner, show_error

WAS = Qt.ItemDataRole.UserRole  # the stored value the line came from (None: added here)
VALUE = Qt.ItemDataRole.UserRole + 1  # the value to store


def stored_value(text: str) -> str:
    """What to store for typed ``text``: a default reason's code when it reads like one ("Prix" → price)."""
    folded = " ".join(text.split()).casefold()
    return next((code for code in DEFAULT_LABELS if reason_label(code).casefold() == folded), " ".join(text.split()))


class ReasonListDialog(QDialog):
    """Edits the list of dispute reasons; a reason some dispute still has cannot be removed.

    Signals:
        saved(object): the stored list (tuple of values), after a successful save (the dialog then closes).
    """

    saved = Signal(object)

    def __init__(self, workspace: Workspace, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Dispute reasons"))
        self.workspace, self.runner = workspace, runner
        self.used: dict[str, int] = {}
        self.list = QListWidget()
        self.text = QLineEdit()
        self.text_error = error_label()
        self.form_error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button, self.rename_button = QPushButton(_("Add")), QPushButton(_("Rename"))
        self.remove_button = QPushButton(_("Remove"))
        self.up_button, self.down_button = QPushButton(_("Move up")), QPushButton(_("Move down"))
        self._build()
        runner.submit(lambda: dispute_reasons.reason_list(workspace), self._load, context=self)

    def _build(self) -> None:
        self.text.setPlaceholderText(_("A reason, e.g. Late delivery"))
        self.text.textEdited.connect(lambda _text: self._check_text())
        self.text.returnPressed.connect(self.add)
        self.list.currentRowChanged.connect(self._selected)
        for button, slot in ((self.add_button, self.add), (self.rename_button, self.rename),
                             (self.remove_button, self.remove), (self.up_button, lambda: self.move_row(-1)),
                             (self.down_button, lambda: self.move_row(1))):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        grid = QGridLayout()
        grid.addWidget(self.list, 0, 0, 4, 2)
        grid.addWidget(self.up_button, 0, 2)
        grid.addWidget(self.down_button, 1, 2)
        grid.addWidget(self.remove_button, 2, 2)
        grid.addWidget(QLabel(_("Reason")), 4, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.text)
        column.addWidget(self.text_error)
        grid.addLayout(column, 4, 1)
        row = QVBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.rename_button)
        grid.addLayout(row, 4, 2, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        hint = QLabel(_("The reasons offered when a dispute is opened. A reason some dispute still has cannot be "
                        "removed; renaming it renames it on those disputes."))
        hint.setWordWrap(True)
        body = QVBoxLayout(self)
        body.addWidget(hint)
        body.addLayout(grid, 1)
        body.addWidget(self.form_error)
        body.addWidget(self.buttons)
        self.resize(480, 420)

    def _load(self, loaded: ReasonList) -> None:
        self.used = dict(loaded.used)
        self.list.clear()
        for value in loaded.reasons:
            self._append(value, value)
        self.list.setCurrentRow(-1)
        self._enable()

    def _append(self, was: str | None, value: str) -> QListWidgetItem:
        item = QListWidgetItem(reason_label(value))
        item.setData(WAS, was)
        item.setData(VALUE, value)
        self.list.addItem(item)
        return item

    def values(self) -> list[str]:
        return [self.list.item(row).data(VALUE) for row in range(self.list.count())]

    def edits(self) -> tuple[ReasonEdit, ...]:
        return tuple(ReasonEdit(self.list.item(row).data(WAS), self.list.item(row).data(VALUE))
                     for row in range(self.list.count()))

    def _problem(self, text: str, replacing: int | None) -> str:
        """Why ``text`` cannot be added (``replacing`` None) or replace line ``replacing``; "" when it can."""
        values = self.values()
        if replacing is not None:
            values.pop(replacing)
        problems = check_reasons([ReasonEdit(None, value) for value in values] + [ReasonEdit(None, text)])
        return problems[0].message if problems else ""

    def _check_text(self) -> str:
        """Say at once when the typed reason is already another line of the list."""
        text = self.text.text()
        row = self.list.currentRow()
        problem = self._problem(text, row if row >= 0 else None) if text.strip() else ""
        show_message(self.text_error, problem)
        return problem

    def _selected(self, row: int) -> None:
        self.text.setText(self.list.item(row).text() if row >= 0 else "")
        show_message(self.text_error, "")
        self._enable()

    def _enable(self) -> None:
        row, count = self.list.currentRow(), self.list.count()
        for button in (self.rename_button, self.remove_button):
            button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    def add(self) -> None:
        problem = self._problem(self.text.text(), None)
        show_message(self.text_error, problem)
        if problem:
            self.text.setFocus()
            return
        item = self._append(None, stored_value(self.text.text()))
        self.list.setCurrentItem(item)

    def rename(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        problem = self._problem(self.text.text(), row)
        show_message(self.text_error, problem)
        if problem:
            self.text.setFocus()
            return
        item = self.list.item(row)
        value = stored_value(self.text.text())
        item.setData(VALUE, value)
        item.setText(reason_label(value))

    def remove(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        item = self.list.item(row)
        count = self.used.get(item.data(WAS), 0) if item.data(WAS) is not None else 0
        if count:
            show_message(self.text_error, ngettext(
                "“{reason}” is still the reason of {count} dispute; change its reason first.",
                "“{reason}” is still the reason of {count} disputes; change their reason first.", count).format(
                reason=item.text(), count=count))
            return
        self.list.takeItem(row)
        self.list.setCurrentRow(-1)
        self._selected(-1)

    def move_row(self, offset: int) -> None:
        row = self.list.currentRow()
        target = row + offset
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def submit(self) -> None:
        edits = self.edits()
        problems = check_reasons(edits)
        if not edits:
            show_message(self.form_error, _("Keep at least one reason."))
            return
        if problems:
            show_message(self.form_error, "\n".join(p.message for p in problems))
            return
        self.save_button.setEnabled(False)
        workspace = self.workspace
        self.runner.submit(lambda: dispute_reasons.save_dispute_reasons(workspace, edits), self._done,
                           on_error=self._failed, progress=_("Saving…"), context=self)

    def _done(self, values: tuple[str, ...]) -> None:
        self.saved.emit(values)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            show_message(self.form_error, "\n".join(p.message for p in error.problems))
        else:
            show_error(self, error)

    def renamed(self) -> dict[str, str]:
        """Old value → new value of the lines renamed here (the dispute form keeps its choice across a rename)."""
        return {edit.was: edit.text for edit in self.edits() if edit.was is not None and edit.was != edit.text}

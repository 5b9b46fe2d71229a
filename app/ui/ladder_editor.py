"""Paramètres > Scénarios de relance: the ladders and their steps edited in a table, and which ladder each
segment uses (a client's own ladder is chosen on the client)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
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
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.kinds import Channel, OffsetBase, Tone
from app.i18n import N_, _
from app.services import ladders
from app.services.ladders import LadderSpec, SegmentLadder, StepSpec
from app.services.validation import ValidationFailed
from app.ui.dialogs.form import ERROR_STYLE, cents_text, money_edit, read_cents
from app.ui.dialogs.pickers import enum_combo
from app.ui.tasks import Runner, show_error
from app.ui.todo_labels import BASE_LABELS, CHANNEL_LABELS, TONE_LABELS

if TYPE_CHECKING:
    from app.services.workspace import Workspace

STEP_HEADERS = (N_("Step"), N_("Days"), N_("Counted"), N_("Channel"), N_("Tone"), N_("Template"),
                N_("Min. amount"), N_("Review"), N_("Deadline"))
NAME, OFFSET, BASE, CHANNEL, TONE, TEMPLATE, MIN_AMOUNT, REVIEW, DEADLINE = range(len(STEP_HEADERS))
COLUMN_WIDTHS = (170, 70, 140, 190, 95, 110, 90, 70, 75)  # fits 1 260 px: no sideways scrolling at 1366×768
ID_ROLE = Qt.ItemDataRole.UserRole
NEW_STEP = StepSpec("", 0, Channel.EMAIL)


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


def _select(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


class StepsTable(QTableWidget):
    """A ladder's steps, one row each, every cell an inline editor; ``changed`` is called on any edit."""

    def __init__(self, changed: Callable[[], None]) -> None:
        super().__init__(0, len(STEP_HEADERS))
        self._changed = changed
        self.setHorizontalHeaderLabels([_(header) for header in STEP_HEADERS])
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.itemChanged.connect(lambda _item: self._changed())

    def set_steps(self, steps: tuple[StepSpec, ...]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for step in steps:
            self._append(step)
        self.blockSignals(False)

    def _append(self, step: StepSpec) -> None:
        row = self.rowCount()
        self.insertRow(row)
        name = QTableWidgetItem(step.name)
        name.setData(ID_ROLE, step.id)
        self.setItem(row, NAME, name)
        self.setCellWidget(row, OFFSET, _spin(-ladders.MAX_OFFSET_DAYS, ladders.MAX_OFFSET_DAYS, step.offset_days))
        self.setCellWidget(row, BASE, enum_combo(BASE_LABELS))
        self.setCellWidget(row, CHANNEL, enum_combo(CHANNEL_LABELS))
        self.setCellWidget(row, TONE, enum_combo(TONE_LABELS))
        template = QLineEdit(step.template)
        self.setCellWidget(row, TEMPLATE, template)
        amount = money_edit()
        amount.setText(cents_text(step.min_amount_cents) if step.min_amount_cents else "")
        self.setCellWidget(row, MIN_AMOUNT, amount)
        review = QCheckBox()
        review.setChecked(step.needs_review)
        review.setToolTip(_("Ask for a review before this step is taken"))
        self.setCellWidget(row, REVIEW, review)
        deadline = _spin(0, ladders.NOTICE_DEADLINE_MAX * 2, step.deadline_days or 0, _(" d"))
        deadline.setSpecialValueText("—")
        deadline.setToolTip(_("Days the mise en demeure gives the debtor to pay"))
        self.setCellWidget(row, DEADLINE, deadline)
        for combo, value in ((BASE, step.offset_base), (CHANNEL, step.channel), (TONE, step.tone)):
            _select(self._combo(row, combo), value)
        self._connect(row)

    def _connect(self, row: int) -> None:
        self._spin_at(row, OFFSET).valueChanged.connect(self._changed)
        self._spin_at(row, DEADLINE).valueChanged.connect(self._changed)
        for column in (BASE, CHANNEL, TONE):
            self._combo(row, column).currentIndexChanged.connect(self._changed)
        for column in (TEMPLATE, MIN_AMOUNT):
            self._line(row, column).textEdited.connect(self._changed)
        review = self.cellWidget(row, REVIEW)
        assert isinstance(review, QCheckBox)
        review.toggled.connect(self._changed)

    def _combo(self, row: int, column: int) -> QComboBox:
        widget = self.cellWidget(row, column)
        assert isinstance(widget, QComboBox)
        return widget

    def _spin_at(self, row: int, column: int) -> QSpinBox:
        widget = self.cellWidget(row, column)
        assert isinstance(widget, QSpinBox)
        return widget

    def _line(self, row: int, column: int) -> QLineEdit:
        widget = self.cellWidget(row, column)
        assert isinstance(widget, QLineEdit)
        return widget

    def offset_editor(self, row: int) -> QSpinBox:
        return self._spin_at(row, OFFSET)

    def step(self, row: int) -> StepSpec:
        name = self.item(row, NAME)
        review = self.cellWidget(row, REVIEW)
        channel = Channel(self._combo(row, CHANNEL).currentData())
        deadline = self._spin_at(row, DEADLINE).value()
        amount = self._line(row, MIN_AMOUNT).text().strip()
        return StepSpec(
            id=name.data(ID_ROLE) if name is not None else None, name=name.text() if name is not None else "",
            offset_days=self._spin_at(row, OFFSET).value(),
            offset_base=OffsetBase(self._combo(row, BASE).currentData()), channel=channel,
            tone=Tone(self._combo(row, TONE).currentData()), template=self._line(row, TEMPLATE).text(),
            min_amount_cents=(read_cents(amount) if amount else 0) or 0,
            needs_review=isinstance(review, QCheckBox) and review.isChecked(),
            deadline_days=deadline or None)

    def steps(self) -> tuple[StepSpec, ...]:
        return tuple(self.step(row) for row in range(self.rowCount()))

    def change_steps(self, change: Callable[[list[StepSpec], int], int]) -> None:
        """Apply ``change`` to the list of steps and the current row (it returns the row to select)."""
        steps, row = list(self.steps()), self.currentRow()
        selected = change(steps, row)
        self.set_steps(tuple(steps))
        if 0 <= selected < self.rowCount():
            self.selectRow(selected)
        self._changed()


def _add(steps: list[StepSpec], row: int) -> int:
    last = steps[-1].offset_days if steps else 0
    steps.append(replace(NEW_STEP, name=_("New step"), offset_days=last + 10))
    return len(steps) - 1


def _remove(steps: list[StepSpec], row: int) -> int:
    if 0 <= row < len(steps):
        del steps[row]
    return min(row, len(steps) - 1)


def _mover(delta: int) -> Callable[[list[StepSpec], int], int]:
    def move(steps: list[StepSpec], row: int) -> int:
        target = row + delta
        if 0 <= row < len(steps) and 0 <= target < len(steps):
            steps[row], steps[target] = steps[target], steps[row]
            return target
        return row
    return move


class LadderEditor(QDialog):
    """The dossier's ladders: pick one on the left, edit it on the right, save it as a whole.

    Attributes:
        confirm: asks a yes/no question (replaced in tests).
    """

    def __init__(self, workspace: Workspace, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Reminder ladders"))
        self.workspace, self.runner = workspace, runner
        self.confirm: Callable[[str], bool] = lambda text: QMessageBox.question(
            self, _("Reminder ladders"), text) == QMessageBox.StandardButton.Yes
        self.ladders: list[LadderSpec] = []
        self.current: LadderSpec | None = None
        self.dirty = False
        self._loading = False
        self.ladder_list = QListWidget()
        self.ladder_list.currentRowChanged.connect(self._ladder_chosen)
        self.steps = StepsTable(self._edited)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.segments_box = QGroupBox(_("Ladder of each segment"))
        self.segments_form = QFormLayout(self.segments_box)
        self.segments_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # the panel is narrow
        self.segment_combos: dict[str, QComboBox] = {}
        self._build_fields()
        self._layout()
        self.resize(1260, 680)
        self.reload()

    def _build_fields(self) -> None:
        self.name = QLineEdit()
        self.interval = _spin(0, ladders.MAX_INTERVAL_DAYS, 7, _(" days"))
        self.interval.setMaximumWidth(160)
        self.min_amount = money_edit()
        self.backlog = QCheckBox(_("A backlog taken over starts at the step matching its age"))
        self.default = QCheckBox(_("Dossier default (clients without segment or own ladder)"))
        self.name.textEdited.connect(self._edited)
        self.interval.valueChanged.connect(self._edited)
        self.min_amount.textEdited.connect(self._edited)
        self.backlog.toggled.connect(self._edited)
        self.default.toggled.connect(self._edited)
        self.new_button = QPushButton(_("New ladder"))
        self.new_button.clicked.connect(self.new_ladder)
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.clicked.connect(self.delete_ladder)
        self.save_button = QPushButton(_("Save the ladder"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(_("Undo changes"))
        # Back to the ladder picked in the list (a new ladder not yet saved is dropped).
        self.revert_button.clicked.connect(lambda: self._ladder_chosen(self.ladder_list.currentRow()))

    def _step_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for label, change in ((N_("Add a step"), _add), (N_("Remove the step"), _remove),
                              (N_("Move up"), _mover(-1)), (N_("Move down"), _mover(1))):
            button = QPushButton(_(label))
            button.clicked.connect(lambda _checked=False, c=change: self.steps.change_steps(c))
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.ladder_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)
        left.addWidget(self.segments_box)
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Minimum interval between two actions"), self.interval)
        form.addRow(_("No reminder under (€)"), self.min_amount)
        form.addRow("", self.backlog)
        form.addRow("", self.default)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QLabel(_("Steps (days counted from the due date, negative = before it):")))
        right.addWidget(self.steps, 1)
        right.addLayout(self._step_buttons())
        right.addWidget(self.message)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)
        right.addLayout(actions)
        left_panel = QWidget()
        left_panel.setLayout(left)
        left_panel.setMaximumWidth(250)
        left.setContentsMargins(0, 0, 0, 0)
        columns = QHBoxLayout()
        columns.addWidget(left_panel)
        columns.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(close)

    # --- loading ---------------------------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        ws = self.workspace

        def load() -> tuple[list[LadderSpec], list[SegmentLadder]]:
            return ladders.list_ladders(ws), ladders.list_segments(ws)
        wanted = select_id if select_id is not None else (self.current.id if self.current else None)
        self.runner.submit(load, lambda loaded: self._loaded(*loaded, wanted), context=self)

    def _loaded(self, specs: list[LadderSpec], segments: list[SegmentLadder], wanted: int | None) -> None:
        self.ladders = specs
        self._loading = True
        self.ladder_list.clear()
        for spec in specs:
            label = _("{name} (default)").format(name=spec.name) if spec.is_default else spec.name
            self.ladder_list.addItem(QListWidgetItem(label))
        self._loading = False
        self._fill_segments(segments)
        row = next((i for i, spec in enumerate(specs) if spec.id == wanted), 0)
        self.ladder_list.setCurrentRow(row if specs else -1)
        self._ladder_chosen(row if specs else -1)

    def _fill_segments(self, segments: list[SegmentLadder]) -> None:
        while self.segments_form.rowCount():
            self.segments_form.removeRow(0)
        self.segment_combos = {}
        for segment in segments:
            combo = QComboBox()
            combo.addItem(_("(dossier default)"), None)
            for spec in self.ladders:
                combo.addItem(spec.name, spec.id)
            _select(combo, segment.ladder_id)
            combo.currentIndexChanged.connect(lambda _i, code=segment.code, c=combo: self.assign(code, c.currentData()))
            self.segments_form.addRow(segment.label, combo)
            self.segment_combos[segment.code] = combo

    def _ladder_chosen(self, row: int) -> None:
        if self._loading:
            return
        self._show_ladder(self.ladders[row] if 0 <= row < len(self.ladders) else None)

    def _show_ladder(self, spec: LadderSpec | None) -> None:
        self.current = spec
        self._loading = True
        spec = spec or LadderSpec("", ())
        self.name.setText(spec.name)
        self.interval.setValue(spec.min_interval_days)
        self.min_amount.setText(cents_text(spec.min_amount_cents) if spec.min_amount_cents else "")
        self.backlog.setChecked(spec.backlog_by_age)
        self.default.setChecked(spec.is_default)
        self.steps.set_steps(spec.steps)
        self._loading = False
        self._set_dirty(False)
        self.message.clear()
        self.delete_button.setEnabled(self.current is not None and self.current.id is not None and
                                      not self.current.is_default and not self.current.used_by)
        self.delete_button.setToolTip("" if self.delete_button.isEnabled() else
                                      _("The default ladder, or one assigned to clients or segments, stays."))

    # --- editing ---------------------------------------------------------------------------------------------

    def edited_spec(self) -> LadderSpec:
        base = self.current or LadderSpec("", ())
        amount = self.min_amount.text().strip()
        return replace(base, name=self.name.text(), min_interval_days=self.interval.value(),
                       min_amount_cents=(read_cents(amount) if amount else 0) or 0,
                       backlog_by_age=self.backlog.isChecked(), is_default=self.default.isChecked(),
                       steps=self.steps.steps())

    def _edited(self) -> None:
        if self._loading:
            return
        self._set_dirty(True)
        problems = ladders.check_ladder(self.edited_spec(), self.ladders)
        self.message.setText("\n".join(problem.message for problem in problems))
        self.save_button.setEnabled(not problems)

    def _set_dirty(self, dirty: bool) -> None:
        """While a ladder has unsaved changes the others cannot be picked: save or undo first."""
        self.dirty = dirty
        for widget in (self.ladder_list, self.new_button, self.segments_box):
            widget.setEnabled(not dirty)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def new_ladder(self) -> None:
        step = replace(NEW_STEP, name=_("First reminder"), offset_days=5, template="reminder_1")
        self._show_ladder(LadderSpec(_("New ladder"), (step,)))
        self.current = None
        self._edited()
        self.name.setFocus()
        self.name.selectAll()

    def save(self) -> None:
        spec = self.edited_spec()
        problems = ladders.check_ladder(spec, self.ladders)
        if problems:
            self.message.setText("\n".join(problem.message for problem in problems))
            return
        self.save_button.setEnabled(False)
        ws = self.workspace
        self.runner.submit(lambda: ladders.save_ladder(ws, spec), self._saved, on_error=self._failed, context=self)

    def _saved(self, ladder_id: int) -> None:
        self.dirty = False
        self.reload(ladder_id)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ValidationFailed):
            self.message.setText(str(error))
            self.save_button.setEnabled(True)
        else:
            show_error(self, error)

    def delete_ladder(self) -> None:
        spec = self.current
        if spec is None or spec.id is None:
            return
        if not self.confirm(_("Delete the ladder “{name}”?").format(name=spec.name)):
            return
        ws, ladder_id = self.workspace, spec.id
        self.current = None
        self.runner.submit(lambda: ladders.delete_ladder(ws, ladder_id), lambda _none: self.reload(),
                           on_error=self._failed, context=self)

    def assign(self, segment_code: str, ladder_id: int | None) -> None:
        ws = self.workspace
        self.runner.submit(lambda: ladders.assign_segments(ws, {segment_code: ladder_id}),
                           lambda _none: self.reload(), on_error=self._failed, context=self)


def add_settings_menu(window: QMainWindow, workspace: Workspace, runner: Runner, read_only: bool,
                      closed: Callable[[], None]) -> QAction:
    """The "Paramètres" menu with its "Scénarios de relance…" entry; ``closed`` runs when the editor closes (the
    suggestions may have changed). Returns the action (tests trigger it)."""
    menu = window.menuBar().addMenu(_("&Settings"))
    action = QAction(_("Reminder &ladders…"), window)
    action.setObjectName("settings_ladders")
    action.setEnabled(not read_only)
    if read_only:
        action.setToolTip(_("The dossier is open read-only."))

    def open_editor() -> None:
        editor = LadderEditor(workspace, runner, window)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.finished.connect(lambda _code: closed())
        editor.open()
    action.triggered.connect(lambda _checked=False: open_editor())
    menu.addAction(action)
    return action

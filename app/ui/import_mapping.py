"""The column-mapping dialog of a CSV or XLSX import: what the file holds, which column feeds which field, the date
order, a live preview of the first rows, and presets saved in the dossier."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.services import import_presets
from app.services.import_presets import FIELD_LABELS, FIELDS, REQUIRED, TARGET_LABELS, TARGETS, TablePreview
from app.services.workspace import Workspace
from app.ui.tasks import Runner, show_error

DATE_ORDERS = (("dmy", N_("dd/mm/yyyy (French)")), ("mdy", N_("mm/dd/yyyy (American)")),
               ("ymd", N_("yyyy-mm-dd (ISO)")))
MAPPED_COLOUR = QColor(214, 234, 248)


class MappingDialog(QDialog):
    """Choose the columns; ``mapping()`` is the JSON mapping the tabular importer reads."""

    def __init__(self, workspace: Workspace, runner: Runner, table: TablePreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Columns of {file}").format(file=table.path.name))
        self.workspace, self.runner, self.table = workspace, runner, table
        self.target = QComboBox()
        for target in TARGETS:
            self.target.addItem(_(TARGET_LABELS[target]), target)
        self.date_order = QComboBox()
        for code, label in DATE_ORDERS:
            self.date_order.addItem(_(label), code)
        self.presets = QComboBox()
        self.fields_form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.sample = QTableWidget(0, len(table.header))
        self.sample.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.sample.verticalHeader().hide()
        self._build()
        self._load_presets()
        self.set_mapping(table.mapping)

    def _build(self) -> None:
        info = QLabel(_("{rows} rows · separator “{sep}” · {encoding}").format(
            rows=self.table.row_count, sep=self.table.delimiter or "—", encoding=self.table.encoding or "XLSX"))
        top = QFormLayout()
        top.addRow(_("The file holds"), self.target)
        top.addRow(_("Dates are written"), self.date_order)
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.presets, 1)
        save = QPushButton(_("Save as preset…"))
        save.clicked.connect(self.save_preset)
        preset_row.addWidget(save)
        top.addRow(_("Preset"), preset_row)
        self.target.currentIndexChanged.connect(self._target_changed)
        self.date_order.currentIndexChanged.connect(self._refresh)
        self.presets.activated.connect(self._preset_chosen)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Preview the import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        form_box = QWidget()
        form_box.setLayout(self.fields_form)
        form_box.setMinimumWidth(320)
        columns.addWidget(form_box)
        columns.addWidget(self.sample, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(top)
        layout.addLayout(columns, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(1100, 600)

    def _load_presets(self) -> None:
        self.presets.clear()
        self.presets.addItem(_("(guessed from the headers)"), None)
        for name, preset in sorted(import_presets.list_presets(self.workspace).items()):
            self.presets.addItem(name, preset)
        if self.table.preset:
            self.presets.setCurrentIndex(max(0, self.presets.findText(self.table.preset)))

    def _field_rows(self, target: str, columns: dict[str, str]) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.combos = {}
        for name in FIELDS[target]:
            combo = QComboBox()
            combo.addItem("—", "")
            for header in self.table.header:
                combo.addItem(header or _("(no name)"), header)
            combo.setCurrentIndex(max(0, combo.findData(columns.get(name, ""))))
            combo.currentIndexChanged.connect(self._refresh)
            label = _(FIELD_LABELS[name]) + (" *" if name in REQUIRED[target] else "")
            self.fields_form.addRow(label, combo)
            self.combos[name] = combo

    def set_mapping(self, mapping: dict[str, Any]) -> None:
        target = str(mapping.get("target", "invoices"))
        self.target.blockSignals(True)
        self.target.setCurrentIndex(max(0, self.target.findData(target)))
        self.target.blockSignals(False)
        self.date_order.blockSignals(True)
        self.date_order.setCurrentIndex(max(0, self.date_order.findData(mapping.get("date_order", "dmy"))))
        self.date_order.blockSignals(False)
        self._field_rows(target, dict(mapping.get("columns") or {}))
        self._refresh()

    def mapping(self) -> dict[str, Any]:
        columns = {name: combo.currentData() for name, combo in self.combos.items() if combo.currentData()}
        return {"target": self.target.currentData(), "columns": columns, "date_order": self.date_order.currentData()}

    def _target_changed(self) -> None:
        target = str(self.target.currentData())
        path = self.table.path
        self.runner.submit(lambda: import_presets.guess_for_target(self.workspace, path, target), self.set_mapping,
                           context=self)

    def _preset_chosen(self) -> None:
        preset = self.presets.currentData()
        if isinstance(preset, dict):
            self.set_mapping(preset)
        else:
            self.set_mapping(self.table.mapping)

    def _refresh(self) -> None:
        """Headers of the sample say which field each column feeds; required fields left unmapped are named."""
        mapping = self.mapping()
        fed = {header: name for name, header in mapping["columns"].items()}
        labels = [f"{header}\n→ {_(FIELD_LABELS[fed[header]])}" if header in fed else header
                  for header in self.table.header]
        self.sample.setHorizontalHeaderLabels(labels)
        self.sample.setRowCount(len(self.table.rows))
        for row_index, row in enumerate(self.table.rows):
            for column, text in enumerate(row):
                item = QTableWidgetItem(text)
                if self.table.header[column] in fed:
                    item.setBackground(QBrush(MAPPED_COLOUR))
                self.sample.setItem(row_index, column, item)
        self.sample.resizeColumnsToContents()
        missing = import_presets.mapping_problems(mapping)
        self.problem.setText(_("Choose the column of: {fields}").format(
            fields=", ".join(_(FIELD_LABELS[name]) for name in missing)) if missing else "")
        self.ok_button.setEnabled(not missing)

    def save_preset(self) -> None:
        name, ok = QInputDialog.getText(self, _("Save as preset"), _("Name of the preset:"),
                                        text=self.presets.currentText() if self.presets.currentIndex() > 0 else "")
        if not ok or not name.strip():
            return
        mapping, headers = self.mapping(), self.table.header
        self.runner.submit(lambda: import_presets.save_preset(self.workspace, name, mapping, headers),
                           lambda _none: self._saved(name.strip()), context=self)

    def _saved(self, name: str) -> None:
        self._load_presets()
        self.presets.setCurrentIndex(max(0, self.presets.findText(name)))


def ask_mapping(parent: QWidget, workspace: Workspace, runner: Runner, path: Path,
                on_chosen: Callable[[dict[str, Any]], object]) -> None:
    """Read the file's first rows on the worker, then show the mapping dialog; ``on_chosen`` gets the mapping."""
    def show(table: TablePreview) -> None:
        dialog = MappingDialog(workspace, runner, table, parent)
        dialog.accepted.connect(lambda: on_chosen(dialog.mapping()))
        dialog.open()

    runner.submit(lambda: import_presets.table_preview(workspace, path), show,
                  on_error=lambda error: show_error(parent, error), context=parent)

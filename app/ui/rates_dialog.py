"""Paramètres > Taux légaux…: the half-years of the legal rate table, and a form to add or correct one (a new ECB
or legal rate is published twice a year; the penalties need the half-years they run through)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.services import rates
from app.services.rates import RateRow
from app.services.workspace import Workspace
from app.ui.tasks import Runner

HEADERS = (N_("Half-year"), N_("ECB rate"), N_("Penalty rate (ECB + 10)"), N_("Legal rate (business creditor)"),
           N_("Legal rate (private creditor)"), N_("Source"))


def percent_text(bp: int | None) -> str:
    return "—" if bp is None else f"{Decimal(bp).scaleb(-2):.2f}".replace(".", ",") + "\u00a0%"


def parse_percent(text: str, required: bool = False) -> int | None:
    """``2,15`` or ``2.15 %`` → 215 basis points; empty → None (or ValueError when ``required``)."""
    cleaned = text.replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        if required:
            raise ValueError(_("Enter the ECB rate."))
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(_("“{text}” is not a rate in percent (e.g. 2,15).").format(text=text)) from error
    return int((value * 100).to_integral_value())


def half_label(start: date) -> str:
    return (_("H1 {year}") if start.month == 1 else _("H2 {year}")).format(year=start.year)


class RatesDialog(QDialog):
    """The table, newest half-year first; selecting a row fills the form to correct it."""

    def __init__(self, workspace: Workspace, runner: Runner, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Legal rates"))
        self.workspace = workspace
        self.runner = runner
        self.rows: list[RateRow] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([_(text) for text in HEADERS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.half = QComboBox()
        self.half.addItem(_("1 January (H1)"), 1)
        self.half.addItem(_("1 July (H2)"), 7)
        self.ecb = QLineEdit()
        self.legal_pro = QLineEdit()
        self.legal_individual = QLineEdit()
        self.source = QLineEdit()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton(_("Add or correct this half-year"))
        self.save_button.setEnabled(not read_only)
        self.save_button.clicked.connect(self.save)
        self._layout()
        self.resize(860, 560)
        self.reload()

    def _layout(self) -> None:
        when = QHBoxLayout()
        when.addWidget(self.year)
        when.addWidget(self.half)
        form = QFormLayout()
        form.addRow(_("Half-year starting"), when)
        form.addRow(_("ECB main refinancing rate (%)"), self.ecb)
        form.addRow(_("Legal rate, business creditor (%)"), self.legal_pro)
        form.addRow(_("Legal rate, private creditor (%)"), self.legal_individual)
        form.addRow(_("Source"), self.source)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(_("The late-payment penalty of a half-year is the ECB rate on 1 January or 1 July plus "
                         "10 points (C. com. L441-10); consumers owe the legal rate."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addWidget(close)

    def reload(self) -> None:
        workspace = self.workspace
        self.runner.submit(lambda: rates.list_rates(workspace), self.show_rows, context=self)

    def show_rows(self, rows: list[RateRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (half_label(row.semester_start), percent_text(row.ecb_mro_bp), percent_text(row.ecb_mro_bp + 1000),
                     percent_text(row.legal_pro_bp), percent_text(row.legal_individual_bp), row.source)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 0 < column < 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        if rows and not self.ecb.text():
            self._suggest_next(rows[0].semester_start)

    def _suggest_next(self, latest: date) -> None:
        """The form starts on the half-year after the newest one: the one a user usually adds."""
        following = date(latest.year, 7, 1) if latest.month == 1 else date(latest.year + 1, 1, 1)
        self.year.setValue(following.year)
        self.half.setCurrentIndex(0 if following.month == 1 else 1)

    def _selected(self) -> None:
        index = self.table.currentRow()
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        self.year.setValue(row.semester_start.year)
        self.half.setCurrentIndex(0 if row.semester_start.month == 1 else 1)
        self.ecb.setText(percent_text(row.ecb_mro_bp).replace("\u00a0%", ""))
        self.legal_pro.setText("" if row.legal_pro_bp is None else percent_text(row.legal_pro_bp)[:-2])
        self.legal_individual.setText("" if row.legal_individual_bp is None
                                      else percent_text(row.legal_individual_bp)[:-2])
        self.source.setText(row.source)

    def form_row(self) -> RateRow:
        """The form as a row; ValueError with a message when a rate cannot be read."""
        ecb = parse_percent(self.ecb.text(), required=True)
        assert ecb is not None
        return RateRow(date(self.year.value(), int(self.half.currentData()), 1), ecb,
                       parse_percent(self.legal_pro.text()), parse_percent(self.legal_individual.text()),
                       self.source.text().strip())

    def save(self) -> None:
        try:
            row = self.form_row()
        except ValueError as error:
            self._say(str(error), error=True)
            return
        workspace = self.workspace
        self.runner.submit(lambda: rates.save_rate(workspace, row), lambda added: self._saved(row, added),
                           on_error=lambda error: self._say(str(error), error=True), context=self)

    def _saved(self, row: RateRow, added: bool) -> None:
        text = _("{half} added.") if added else _("{half} corrected.")
        self._say(text.format(half=half_label(row.semester_start)))
        self.reload()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b71c1c;" if error else "color: #1b5e20;")
        self.message.setText(text)

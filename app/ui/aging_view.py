"""The aged balance (balance âgée): one line per client in days-past-due buckets, totals pinned below."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QVBoxLayout

from app.formatting import bucket_label, format_cents, format_count, format_date
from app.i18n import N_, _, ngettext
from app.services import reports
from app.services.dto import AgingLine, AgingReport
from app.ui.columns import MUTED_COLOUR, OVERDUE_COLOUR, RIGHT, Column
from app.ui.row_model import RowTableModel
from app.ui.view_base import DossierView, ViewContext
from app.ui.widgets import DataTable, filtered_table, page_layout


def money_column(key: str, header: str, value: Callable[[AgingLine], int], *, blank_zero: bool = False,
                 colour: QColor | None = None) -> Column[AgingLine]:
    """A right-aligned amount column sorted on cents; zero left blank where it would be noise."""
    return Column(
        key, header,
        lambda r: "" if blank_zero and not value(r) else format_cents(value(r)),
        value, align=RIGHT, searchable=False,
        foreground=(lambda r: colour if value(r) else None) if colour is not None else None,
    )


def _bucket_column(index: int, bounds: tuple[int | None, int | None]) -> Column[AgingLine]:
    colour = OVERDUE_COLOUR if bounds[0] is not None else None
    # The header is built at run time from the report's bounds, so it is already translated.
    return money_column(f"bucket{index}", bucket_label(bounds), lambda r: r.buckets[index], blank_zero=True,
                        colour=colour)


def aging_columns(bucket_bounds: tuple[tuple[int | None, int | None], ...]) -> tuple[Column[AgingLine], ...]:
    """Columns of the aged balance for the report's buckets."""
    return (
        Column("code", N_("Code"), lambda r: r.account_code, width=110),
        Column("client", N_("Client"), lambda r: r.client_name or _("Total"), width=320),
        *(_bucket_column(i, b) for i, b in enumerate(bucket_bounds)),
        money_column("total", N_("Total"), lambda r: r.total_cents),
        money_column("disputed", N_("Of which disputed"), lambda r: r.disputed_cents, blank_zero=True,
                     colour=QColor("#8e24aa")),
        money_column("credits", N_("Unallocated credits"), lambda r: r.unallocated_cents, blank_zero=True,
                     colour=MUTED_COLOUR),
        money_column("net", N_("Net balance"), lambda r: r.net_cents),
    )


class AgingView(DossierView):
    """The aged balance as of the toolbar date, recomputed when the date changes."""

    def __init__(self, context: ViewContext) -> None:
        super().__init__(context)
        self.report: AgingReport | None = None
        self.model: RowTableModel[AgingLine] = RowTableModel(())
        self.totals_model: RowTableModel[AgingLine] = RowTableModel(())
        self.proxy, self.filter_box, self.count_label, self.table = filtered_table(
            self.model, _("Filter clients (code, name…)"), self._apply_filter)
        self.footer = self._make_footer()
        self._layout()

    def _make_footer(self) -> DataTable:
        """A one-row table under the lines, columns kept as wide as theirs and scrolled with them."""
        footer = DataTable()
        footer.setModel(self.totals_model)
        footer.horizontalHeader().hide()
        footer.setAlternatingRowColors(False)
        footer.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        footer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        footer.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        footer.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = footer.font()
        font.setBold(True)
        footer.setFont(font)
        footer.setFixedHeight(footer.verticalHeader().defaultSectionSize() + 2 * footer.frameWidth())
        footer.setStyleSheet("QTableView { background: palette(alternate-base); }")
        self.table.horizontalHeader().sectionResized.connect(
            lambda section, _old, new: footer.setColumnWidth(section, new))
        self.table.horizontalScrollBar().valueChanged.connect(footer.horizontalScrollBar().setValue)
        return footer

    def _layout(self) -> None:
        tables = QVBoxLayout()
        tables.setSpacing(0)
        tables.addWidget(self.table, 1)
        tables.addWidget(self.footer)
        page_layout(self, self.filter_box, self.count_label, tables)
    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def reload(self) -> None:
        workspace, as_of = self.context.workspace, self.context.as_of
        self.context.runner.submit(lambda: reports.aged_balance(workspace, as_of), self._show, context=self,
                                   progress=_("Computing the aged balance…"))

    def _show(self, report: AgingReport) -> None:
        first = self.report is None or self.report.bucket_bounds != report.bucket_bounds
        self.report = report
        columns = aging_columns(report.bucket_bounds)
        self.model.set_rows(report.lines, columns if first else None)
        self.totals_model.set_rows((report.totals,), columns if first else None)
        if first:
            self.table.fit_columns(columns, stretch_key="client", also=self.footer)
            self.table.sortByColumn(self.model.column_index("net"), Qt.SortOrder.DescendingOrder)
            for section in range(len(columns)):
                self.footer.setColumnWidth(section, self.table.columnWidth(section))
        self._update_counts()
        self.loaded.emit()

    def _apply_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_counts()

    def _update_counts(self) -> None:
        if self.report is None:
            return
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        text = ngettext("{count} client with a balance", "{count} clients with a balance", total).format(
            count=format_count(total))
        if shown != total:
            text = _("{shown} of {text} (totals: all clients)").format(shown=format_count(shown), text=text)
        self.count_label.setText(text)
        self._set_status(_("Aged balance at {date} · {count} · net {amount}").format(
            date=format_date(self.report.as_of), count=text, amount=format_cents(self.report.totals.net_cents)))

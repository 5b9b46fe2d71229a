"""The invoice list: paged from the database, filtered and sorted by the service, statuses coloured."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QCheckBox, QPushButton, QStyle

from app.domain.records import InvoiceStatus
from app.formatting import bucket_label, format_cents, format_count, format_date
from app.i18n import N_, _, ngettext
from app.services import invoices
from app.services.dto import InvoiceQuery, InvoiceRow
from app.ui.columns import CENTER, OVERDUE_COLOUR, RIGHT, Column
from app.ui.icons import icon
from app.ui.invoice_model import InvoicePageModel
from app.ui.invoice_status import status_colour, status_label
from app.ui.view_base import DossierView, ViewContext
from app.ui.widgets import DataTable, FilterBox, caption, page_layout


def _is_late(row: InvoiceRow) -> bool:
    return row.status == InvoiceStatus.OVERDUE or (row.open_cents > 0 and row.days_past_due > 0)


def _marker(row: InvoiceRow) -> QIcon | None:
    return icon("overdue.svg") if _is_late(row) else None


def _late_colour(row: InvoiceRow) -> QColor | None:
    return OVERDUE_COLOUR if _is_late(row) else None


def _days(row: InvoiceRow) -> str:
    return str(row.days_past_due) if row.open_cents > 0 and row.days_past_due > 0 else ""


INVOICE_COLUMNS: tuple[Column[InvoiceRow], ...] = (
    Column("number", N_("Number"), lambda r: r.number, width=160, decoration=_marker, sort_key="number"),
    Column("client", N_("Client"), lambda r: r.client_name, width=320, sort_key="client"),
    Column("issue_date", N_("Issued"), lambda r: format_date(r.issue_date), lambda r: r.issue_date,
           align=CENTER, sort_key="issue_date"),
    Column("due_date", N_("Due"), lambda r: format_date(r.due_date), lambda r: r.due_date,
           align=CENTER, sort_key="due_date"),
    Column("amount", N_("Amount incl. tax"), lambda r: format_cents(r.amount_incl_cents),
           lambda r: r.amount_incl_cents, align=RIGHT, sort_key="amount"),
    Column("open", N_("Open"), lambda r: format_cents(r.open_cents) if r.open_cents else "",
           lambda r: r.open_cents, align=RIGHT, foreground=_late_colour, sort_key="open"),
    Column("status", N_("Status"), lambda r: status_label(r.status), lambda r: r.status.value,
           width=160, foreground=lambda r: status_colour(r.status)),
    Column("days", N_("Days late"), _days, lambda r: r.days_past_due, align=CENTER,
           foreground=_late_colour, sort_key="days_past_due"),
)


class InvoicesView(DossierView):
    """All invoices issued by the as-of date; only visible pages are loaded (200,000 rows stay fast)."""

    def __init__(self, context: ViewContext) -> None:
        super().__init__(context)
        workspace = context.workspace
        self.model = InvoicePageModel(INVOICE_COLUMNS, lambda q: invoices.query_invoices(workspace, q),
                                      context.runner)
        self.model.total_changed.connect(self._show_total)
        self.model.page_loaded.connect(self._page_loaded)
        self.filter_box = FilterBox(_("Filter invoices (number, client…)"), delay_ms=150)
        self.filter_box.text_settled.connect(lambda _text: self.reload())
        self.only_open = QCheckBox(_("Open only"))
        self.only_open.toggled.connect(lambda _checked: self.reload())
        # A bucket of the dashboard's aged-balance chart (and maybe one client): shown, and removable.
        self.scope: tuple[tuple[int | None, int | None], int | None] | None = None
        self.scope_button = QPushButton()
        self.scope_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogCloseButton))
        self.scope_button.setToolTip(_("Show every invoice again"))
        self.scope_button.clicked.connect(self.clear_scope)
        self.scope_button.hide()
        self.count_label = caption("")
        self.table = DataTable()
        self.table.setModel(self.model)
        self.table.fit_columns(INVOICE_COLUMNS, stretch_key="client")
        self._fitted = False
        self._sort = ("due_date", True)
        self._setup_header()
        self._layout()

    def _setup_header(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self._section_of(self._sort[0]), Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)

    def _layout(self) -> None:
        page_layout(self, self.filter_box, self.count_label, self.table, self.only_open, self.scope_button)

    def show_bucket(self, bounds: tuple[int | None, int | None], client_id: int | None, client: str) -> None:
        """Only the invoices open in aging bucket ``bounds`` on the as-of date, of one client if given."""
        self.scope = (bounds, client_id)
        label = _("{bucket}: {client}").format(bucket=bucket_label(bounds), client=client) if client else \
            _("{bucket}: all clients").format(bucket=bucket_label(bounds))
        self.scope_button.setText(label)
        self.scope_button.show()
        self.filter_box.clear()
        self.reload()

    def clear_scope(self) -> None:
        self.scope = None
        self.scope_button.hide()
        self.reload()
    def _section_of(self, sort_key: str) -> int:
        return next(i for i, column in enumerate(INVOICE_COLUMNS) if column.sort_key == sort_key)

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        sort_key = INVOICE_COLUMNS[section].sort_key
        header = self.table.horizontalHeader()
        if sort_key is None:  # not sortable in the database: put the arrow back where it was
            previous = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
            header.blockSignals(True)
            header.setSortIndicator(self._section_of(self._sort[0]), previous)
            header.blockSignals(False)
            return
        self._sort = (sort_key, order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def current_query(self) -> InvoiceQuery:
        bounds, client_id = self.scope or (None, None)
        return InvoiceQuery(as_of=self.context.as_of, text=self.filter_box.text().strip(), sort=self._sort[0],
                            descending=self._sort[1], only_open=self.only_open.isChecked(), client_id=client_id,
                            days_past_due=bounds)

    def reload(self) -> None:
        self.model.set_query(self.current_query())

    def _show_total(self, total: int) -> None:
        self.count_label.setText(_invoice_count(total))
        self.table.scrollToTop()

    def _page_loaded(self) -> None:
        if not self._fitted and self.model.rowCount():
            self.table.fit_columns(INVOICE_COLUMNS, stretch_key="client")
            self._fitted = True
        total, loaded = self.model.total, self.model.rowCount()
        self._set_status(_("{invoices} · {loaded} loaded").format(
            invoices=_invoice_count(total), loaded=format_count(loaded)))
        self.loaded.emit()


def _invoice_count(total: int) -> str:
    """``200 000 factures``."""
    return ngettext("{count} invoice", "{count} invoices", total).format(count=format_count(total))

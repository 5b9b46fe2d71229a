"""The client list: balances as of the toolbar date, overdue clients marked, filter as you type."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon

from app.formatting import format_cents, format_count
from app.i18n import N_, _, ngettext
from app.services import clients
from app.services.dto import ClientRow
from app.ui.columns import CENTER, OVERDUE_COLOUR, RIGHT, Column
from app.ui.icons import icon
from app.ui.row_model import RowTableModel
from app.ui.view_base import DossierView, ViewContext
from app.ui.widgets import filtered_table, page_layout


def _overdue_colour(row: ClientRow) -> QColor | None:
    return OVERDUE_COLOUR if row.overdue_cents > 0 else None


def _marker(row: ClientRow) -> QIcon | None:
    if row.overdue_cents > 0:
        return icon("overdue.svg")
    return icon("blocked.svg") if row.do_not_remind else None


def _name_tooltip(row: ClientRow) -> str:
    notes = []
    if row.overdue_cents > 0:
        notes.append(_("Overdue: {amount}").format(amount=format_cents(row.overdue_cents)))
    if row.do_not_remind:
        notes.append(_("Do not remind"))
    return "\n".join(notes)


def _days(row: ClientRow) -> str:
    return str(row.max_days_past_due) if row.max_days_past_due > 0 else ""


def _limit(row: ClientRow) -> str:
    return format_cents(row.credit_limit_cents) if row.credit_limit_cents is not None else ""


CLIENT_COLUMNS: tuple[Column[ClientRow], ...] = (
    Column("code", N_("Code"), lambda r: r.account_code, width=120),
    Column("name", N_("Client"), lambda r: r.name, width=320, decoration=_marker, tooltip=_name_tooltip),
    Column("city", N_("City"), lambda r: r.city, width=170),
    Column("segment", N_("Segment"), lambda r: r.segment_label, width=190),
    Column("invoices", N_("Invoices"), lambda r: str(r.invoice_count), lambda r: r.invoice_count,
           align=RIGHT, searchable=False),
    Column("open", N_("Balance"), lambda r: format_cents(r.open_cents), lambda r: r.open_cents,
           align=RIGHT, searchable=False),
    Column("overdue", N_("Overdue amount"), lambda r: format_cents(r.overdue_cents) if r.overdue_cents else "",
           lambda r: r.overdue_cents, align=RIGHT, foreground=_overdue_colour, searchable=False),
    Column("days", N_("Days late"), _days, lambda r: r.max_days_past_due, align=CENTER,
           foreground=_overdue_colour, searchable=False),
    Column("limit", N_("Credit limit"), _limit, lambda r: r.credit_limit_cents or 0,
           align=RIGHT, searchable=False),
    Column("email", N_("E-mail"), lambda r: r.email, width=260),
    Column("phone", N_("Phone"), lambda r: r.phone, width=140),
)


class ClientsView(DossierView):
    """Every client with balance, overdue amount and oldest delay; sortable, filtered as you type."""

    def __init__(self, context: ViewContext) -> None:
        super().__init__(context)
        self.model: RowTableModel[ClientRow] = RowTableModel(CLIENT_COLUMNS)
        self.proxy, self.filter_box, self.count_label, self.table = filtered_table(
            self.model, _("Filter clients (code, name, city, e-mail…)"), self._apply_filter)
        self.table.sortByColumn(self.model.column_index("name"), Qt.SortOrder.AscendingOrder)
        self.table.fit_columns(CLIENT_COLUMNS, stretch_key="name")
        self._fitted = False
        self._layout()

    def _layout(self) -> None:
        page_layout(self, self.filter_box, self.count_label, self.table)
    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def show_filtered(self, text: str) -> None:
        """Show only the clients matching ``text`` at once (the dashboard opens a client's line this way)."""
        self.filter_box.setText(text)
        self._apply_filter(text)

    def reload(self) -> None:
        workspace, as_of = self.context.workspace, self.context.as_of
        self.context.runner.submit(lambda: clients.list_clients(workspace, as_of), self._show, context=self,
                                   progress=_("Loading clients…"))

    def _show(self, rows: list[ClientRow]) -> None:
        self.model.set_rows(rows)
        if not self._fitted:
            self.table.fit_columns(CLIENT_COLUMNS, stretch_key="name")
            self._fitted = True
        self._update_counts()
        self.loaded.emit()

    def _apply_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_counts()

    def _update_counts(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        late = sum(1 for row in self.model.rows if row.overdue_cents > 0)
        overdue = sum(row.overdue_cents for row in self.model.rows)
        text = ngettext("{count} client", "{count} clients", total).format(count=format_count(total))
        if shown != total:
            text = _("{shown} of {text}").format(shown=format_count(shown), text=text)
        self.count_label.setText(text)
        self._set_status(_("{clients} · {late} overdue · {amount} past due").format(
            clients=ngettext("{count} client", "{count} clients", total).format(count=format_count(total)),
            late=format_count(late), amount=format_cents(overdue)))

"""The dashboard (tableau de bord): key-figure tiles, the aged balance by bucket with the top clients, the DSO
trend and the 12-week cash-in forecast, all as of the toolbar date."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.formatting import format_date, format_figure
from app.i18n import _, ngettext
from app.services import dashboard as dashboard_service
from app.services.dashboard import AgingBar, Dashboard
from app.services.dto import Kpi
from app.ui.charts import AgingChart, DsoChart, ForecastChart
from app.ui.view_base import DossierView, ViewContext
from app.ui.widgets import caption

# The tiles shown, in reading order (two rows of five); the other figures are in the charts or the CLI.
TILE_KEYS = (
    "receivables", "overdue", "overdue_rate", "dso_accounting", "dso_countback",
    "cei", "average_days_late", "dispute_rate", "promise_kept_rate", dashboard_service.CASH_KPI,
)
# Amounts standing on the date rather than flows over the period: their tile says "on <date>".
STOCK_KEYS = frozenset({"receivables", "overdue", "overdue_rate"})
TILE_COLUMNS = 5
TREND_MONTHS = (12, 24, 36)
PERIOD_MONTHS = (1, 3, 6, 12)  # the period of the key figures (sales, collections, rates)
CARD_STYLE = ("QFrame#card { background: palette(base); border: 1px solid palette(midlight);"
              " border-radius: 8px; }")


class KpiTile(QFrame):
    """One key figure: its name, its value in large type and its period; the formula in the tooltip."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("card")
        self.setStyleSheet(CARD_STYLE)
        self.label = ""
        self.title = QLabel()
        self.title.setStyleSheet("color: palette(placeholder-text);")
        self.title.setMinimumWidth(40)  # a long name is elided rather than widening the tile
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.55)
        font.setBold(True)
        self.value.setFont(font)
        self.period = caption("")
        small = self.period.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.period.setFont(small)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        for label in (self.title, self.value, self.period):
            layout.addWidget(label)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_kpi(self, kpi: Kpi) -> None:
        self.label = kpi.label
        self._elide_title()
        self.value.setText(format_figure(kpi.value, kpi.unit))
        self.period.setText(self.period_text(kpi))
        self.setToolTip(f"{kpi.label}\n{kpi.formula}\n{self.period_text(kpi, full=True)}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_title()

    def _elide_title(self) -> None:
        width = self.contentsRect().width() - 24
        self.title.setText(self.title.fontMetrics().elidedText(self.label, Qt.TextElideMode.ElideRight, width))

    @staticmethod
    def period_text(kpi: Kpi, full: bool = False) -> str:
        """The tile's date line; ``full``: the figure's whole period, even for an amount standing on a date."""
        if kpi.period_start == kpi.period_end or (kpi.key in STOCK_KEYS and not full):
            return _("On {date}").format(date=format_date(kpi.period_end))
        return _("From {start} to {end}").format(start=format_date(kpi.period_start),
                                                 end=format_date(kpi.period_end))


class _Navigator(Protocol):
    """What the dashboard needs of the main window to open another page."""

    def show_view(self, key: str) -> object: ...


class DashboardView(DossierView):
    """Tiles and charts of the dashboard service, recomputed when the as-of date changes.

    Signals:
        open_requested(str, str): open page ``key`` filtered on ``text`` (a client's bar was clicked: the
            Clients page on its account code; the total bar: the aged balance). Handled by default by
            the window holding this page, when it can ``show_view``.
    """

    open_requested = Signal(str, str)

    def __init__(self, context: ViewContext) -> None:
        super().__init__(context)
        self.data: Dashboard | None = None
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.progress_label = caption(_("Computing the dashboard…"))
        self.months_box = QComboBox()
        for months in TREND_MONTHS:
            self.months_box.addItem(_("DSO over {count} months").format(count=months), months)
        self.months_box.setCurrentIndex(TREND_MONTHS.index(24))
        self.months_box.setToolTip(_("Length of the DSO trend"))
        self.months_box.currentIndexChanged.connect(lambda _index: self.invalidate())
        self.period_box = QComboBox()
        for months in PERIOD_MONTHS:
            self.period_box.addItem(ngettext("Period: {count} month", "Period: {count} months", months).format(
                count=months), months)
        self.period_box.setCurrentIndex(PERIOD_MONTHS.index(3))
        self.period_box.setToolTip(_("Period of the key figures: sales, collections and rates"))
        self.period_box.currentIndexChanged.connect(lambda _index: self.invalidate())
        self.tiles = {key: KpiTile(key) for key in TILE_KEYS}
        background = self.palette().color(QPalette.ColorRole.Base).name()
        self.aging_chart = AgingChart(background=background)
        self.dso_chart = DsoChart(background=background)
        self.forecast_chart = ForecastChart(background=background)
        self.aging_chart.client_clicked.connect(lambda code: self.open_requested.emit("clients", code))
        self.aging_chart.total_clicked.connect(lambda: self.open_requested.emit("aging", ""))
        self.aging_chart.segment_clicked.connect(self._open_bucket)
        self.open_requested.connect(self._open)
        self._layout()

    def _layout(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        bar = QHBoxLayout()
        bar.addWidget(self.heading)
        bar.addStretch(1)
        bar.addWidget(self.progress_label)
        bar.addSpacing(12)
        bar.addWidget(self.period_box)
        bar.addWidget(self.months_box)
        layout.addLayout(bar)
        grid = QGridLayout()
        grid.setSpacing(8)
        for index, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, index // TILE_COLUMNS, index % TILE_COLUMNS)
        layout.addLayout(grid)
        charts = QHBoxLayout()
        charts.setSpacing(8)
        charts.addWidget(_card(self.aging_chart), 11)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(_card(self.dso_chart), 1)
        right.addWidget(_card(self.forecast_chart), 1)
        charts.addLayout(right, 10)
        layout.addLayout(charts, 1)
        page.setMinimumHeight(560)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def showEvent(self, event: QShowEvent) -> None:
        # Being the first page, the dashboard is shown for an instant when the window opens on another
        # page: load only if still shown once events settle, so that page's data is not queued behind ours.
        QWidget.showEvent(self, event)
        QTimer.singleShot(0, self, self._load_if_shown)

    def _load_if_shown(self) -> None:
        if self.isVisible() and self._stale:
            self._refresh()

    def reload(self) -> None:
        workspace, as_of, months = self.context.workspace, self.context.as_of, self.trend_months()
        period = int(self.period_box.currentData())
        self.progress_label.setText(_("Computing the dashboard…"))
        self.progress_label.show()
        self.context.runner.submit(lambda: dashboard_service.dashboard(workspace, as_of, months, period), self._show,
                                   context=self, progress=_("Computing the dashboard…"))

    def trend_months(self) -> int:
        return int(self.months_box.currentData())

    def _show(self, data: Dashboard) -> None:
        self.data = data
        self.heading.setText(_("Dashboard as of {date}").format(date=format_date(data.as_of)))
        for kpi in data.kpis.kpis:
            if (tile := self.tiles.get(kpi.key)) is not None:
                tile.show_kpi(kpi)
        self.aging_chart.show_bars(data.bucket_bounds, data.total, data.top_clients)
        self.dso_chart.show_trend(data.dso)
        self.forecast_chart.show_weeks(data.forecast)
        self.progress_label.hide()
        receivables = data.kpis.get("receivables")
        self._set_status(_("Dashboard as of {date} · receivable {amount} · expected in 4 weeks {cash}").format(
            date=format_date(data.as_of), amount=format_figure(receivables.value, receivables.unit),
            cash=format_figure(data.cash_next_4_weeks, "cents")))
        self.loaded.emit()

    def _open(self, key: str, text: str) -> None:
        window = self.window()
        if not hasattr(window, "show_view"):
            return
        navigator: _Navigator = window
        view = navigator.show_view(key)
        show_filtered = getattr(view, "show_filtered", None)
        if text and callable(show_filtered):
            show_filtered(text)


    def _open_bucket(self, row: AgingBar, bucket: int) -> None:
        """A segment was clicked: the invoices of that bucket (of that client, or all), open on the as-of date."""
        window = self.window()
        if self.data is None or not hasattr(window, "show_view"):
            return
        navigator: _Navigator = window
        view = navigator.show_view("invoices")
        show_bucket = getattr(view, "show_bucket", None)
        if callable(show_bucket):
            client = f"{row.account_code} — {row.client_name}" if row.client_id is not None else ""
            show_bucket(self.data.bucket_bounds[bucket], row.client_id, client)


def _card(widget: QWidget) -> QFrame:
    """``widget`` on a white rounded card."""
    frame = QFrame()
    frame.setObjectName("card")
    frame.setStyleSheet(CARD_STYLE)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return frame

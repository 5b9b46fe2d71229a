"""The dashboard page: tiles formatted with their formula, charts with the expected bars, a client's bar
opening the filtered Clients page, and the screenshot mode on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from matplotlib.backend_bases import MouseButton, MouseEvent
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.formatting import bucket_label, format_date, format_figure
from app.i18n import _
from app.services.dashboard import CASH_KPI, dashboard
from app.services.workspace import Workspace
from app.ui.charts import AgingChart
from app.ui.clients_view import ClientsView
from app.ui.dashboard_view import TILE_KEYS, DashboardView
from app.ui.invoices_view import InvoicesView
from app.ui.main_window import MainWindow
from app.ui.tasks import SyncRunner
from app.ui.view_base import ViewContext
from tests.ui.conftest import AS_OF
from tests.ui.test_screenshot import _run


def _loaded(qtbot: QtBot, context: ViewContext) -> DashboardView:
    view = DashboardView(context)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.ensure_loaded()
    return view


def test_tiles_show_the_key_figures_with_formula_and_period(qtbot: QtBot, context: ViewContext,
                                                            demo_ws: Workspace) -> None:
    view = _loaded(qtbot, context)
    expected = dashboard(demo_ws, AS_OF)
    assert list(view.tiles) == list(TILE_KEYS)
    for key, tile in view.tiles.items():
        kpi = expected.kpis.get(key)
        assert tile.label == kpi.label and tile.title.text()
        assert tile.value.text() == format_figure(kpi.value, kpi.unit)
        assert kpi.formula in tile.toolTip()
        assert format_date(kpi.period_end) in tile.toolTip()
    cash = view.tiles[CASH_KPI]
    assert cash.value.text() == format_figure(expected.cash_next_4_weeks, "cents")
    assert "€" in view.tiles["receivables"].value.text()
    assert view.tiles["receivables"].period.text() == _("On {date}").format(date=format_date(AS_OF))
    assert format_date(expected.kpis.get("dso_accounting").period_start) in view.tiles["dso_accounting"].period.text()
    assert view.progress_label.isHidden()
    assert format_date(AS_OF) in view.status_text


def test_charts_have_the_expected_bars(qtbot: QtBot, context: ViewContext) -> None:
    view = _loaded(qtbot, context)
    data = view.data
    assert data is not None
    segments = sum(1 for bar in (data.total, *data.top_clients) for cents in bar.buckets if cents)
    assert len(data.top_clients) == 10
    assert view.aging_chart.bar_count() == segments
    assert len(view.aging_chart.axes.get_yticklabels()) == 10
    assert view.aging_chart.total_axes.get_yticklabels()[0].get_text() == _("All clients")
    assert len(view.forecast_chart.axes.patches) == 12
    assert view.dso_chart.line_count() == 3
    assert len(list(view.dso_chart.axes.get_lines()[0].get_xdata())) == 24  # type: ignore[arg-type]


def _click(chart: AgingChart, x_cents: float, row: float) -> None:
    chart.draw()  # type: ignore[no-untyped-call]  # lays the axes out
    x, y = chart.axes.transData.transform((x_cents, row))
    event = MouseEvent("button_press_event", chart, x, y, button=MouseButton.LEFT)
    chart.callbacks.process("button_press_event", event)


def test_clicking_a_client_bar_opens_the_clients_page_filtered(qtbot: QtBot, demo_ws: Workspace) -> None:
    window = MainWindow(demo_ws.info(), ViewContext(demo_ws, SyncRunner(), AS_OF))
    qtbot.addWidget(window)
    window.show()
    view = window.show_view("dashboard")
    assert isinstance(view, DashboardView)
    view.ensure_loaded()
    assert view.data is not None
    second = view.data.top_clients[1]
    requests: list[tuple[str, str]] = []
    view.open_requested.connect(lambda key, text: requests.append((key, text)))
    _click(view.aging_chart, second.total_cents * 1.03, 1)  # on its amount, beside the coloured segments
    assert requests == [("clients", second.account_code)]
    clients_view = window.current_view()
    assert isinstance(clients_view, ClientsView)
    assert clients_view.filter_box.text() == second.account_code
    qtbot.waitUntil(lambda: clients_view.proxy.rowCount() == 1, timeout=5_000)
    row = clients_view.model.rows[clients_view.proxy.mapToSource(clients_view.proxy.index(0, 0)).row()]
    assert row.account_code == second.account_code


def test_clicking_a_segment_lists_that_clients_invoices_of_that_bucket(qtbot: QtBot, demo_ws: Workspace) -> None:
    window = MainWindow(demo_ws.info(), ViewContext(demo_ws, SyncRunner(), AS_OF))
    qtbot.addWidget(window)
    window.show()
    view = window.show_view("dashboard")
    assert isinstance(view, DashboardView)
    view.ensure_loaded()
    assert view.data is not None
    index, client = next((i, bar) for i, bar in enumerate(view.data.top_clients, start=1)
                         if sum(1 for cents in bar.buckets if cents) >= 2)
    bucket = next(b for b, cents in enumerate(client.buckets) if cents and b > 0)  # an overdue segment
    _click(view.aging_chart, sum(client.buckets[:bucket]) + client.buckets[bucket] / 2, index - 1)
    invoices_view = window.current_view()
    assert isinstance(invoices_view, InvoicesView)
    low, high = view.data.bucket_bounds[bucket]
    assert client.client_name in invoices_view.scope_button.text()
    assert bucket_label((low, high)) in invoices_view.scope_button.text()
    qtbot.waitUntil(lambda: invoices_view.model.rowCount() > 0, timeout=5_000)
    rows = [invoices_view.model.row_at(row) for row in range(invoices_view.model.rowCount())]
    assert {row.client_id for row in rows} == {client.client_id}
    assert all((low or 1) <= row.days_past_due and (high is None or row.days_past_due <= high) for row in rows)
    assert sum(row.open_cents for row in rows) == client.buckets[bucket]  # the segment's amount, to the cent
    invoices_view.scope_button.click()
    qtbot.waitUntil(lambda: invoices_view.model.total > len(rows), timeout=5_000)
    assert invoices_view.scope_button.isHidden()


def test_clicking_beside_the_bars_does_nothing(qtbot: QtBot, context: ViewContext) -> None:
    view = _loaded(qtbot, context)
    requests: list[tuple[str, str]] = []
    view.open_requested.connect(lambda key, text: requests.append((key, text)))
    _click(view.aging_chart, 1, 1.5)  # between two rows
    assert requests == []


def test_screenshot_of_the_dashboard(tmp_path: Path, demo_path: Path) -> None:
    target = tmp_path / "dashboard.png"
    result = _run(tmp_path, demo_path, target, "dashboard")
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(200, 1280, 7) for y in range(120, 780, 7)}
    assert len(colours) > 40  # tiles, bars in bucket colours, lines


def test_changing_the_date_recomputes_tiles_and_charts(qtbot: QtBot, context: ViewContext) -> None:
    view = _loaded(qtbot, context)
    view.show()
    before = view.tiles["receivables"].value.text()
    earlier = date(2025, 9, 30)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_as_of(earlier)
    assert view.data is not None and view.data.as_of == earlier
    assert view.data.dso[-1].month_end == earlier
    assert view.data.forecast[0].start == earlier
    assert format_date(earlier) in view.heading.text()
    assert view.tiles["receivables"].value.text() != before


def test_the_trend_length_can_be_chosen(qtbot: QtBot, context: ViewContext) -> None:
    view = _loaded(qtbot, context)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.months_box.setCurrentIndex(0)
    assert view.trend_months() == 12
    assert view.data is not None and len(view.data.dso) == 12
    assert len(list(view.dso_chart.axes.get_lines()[0].get_xdata())) == 12  # type: ignore[arg-type]


def test_the_period_of_the_key_figures_can_be_chosen(qtbot: QtBot, context: ViewContext,
                                                     demo_ws: Workspace) -> None:
    view = _loaded(qtbot, context)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.period_box.setCurrentIndex(3)  # 12 months
    # 31/03/2026 minus 12 months, plus one day: the period starts on 01/04/2025.
    assert "01/04/2025" in view.tiles["dso_accounting"].period.text()
    expected = dashboard(demo_ws, AS_OF, period_months=12).kpis.get("average_days_late")
    assert view.tiles["average_days_late"].value.text() == format_figure(expected.value, expected.unit)
    assert expected.value != dashboard(demo_ws, AS_OF).kpis.get("average_days_late").value

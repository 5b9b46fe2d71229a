"""A refreshed dashboard chart moves the artists it already holds: it must look exactly like one drawn anew from
the same figures (same pixels), and a change of shape (fewer clients, another trend length) still shows right."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from app.services.dashboard import Dashboard, dashboard
from app.services.workspace import Workspace
from app.ui.charts import AgingChart, ChartCanvas, DsoChart, ForecastChart
from tests.ui.conftest import AS_OF

EARLIER = date(2025, 11, 17)


def _show(chart: ChartCanvas, board: Dashboard, clients: int = 10) -> np.ndarray:
    if isinstance(chart, AgingChart):
        chart.show_bars(board.bucket_bounds, board.total, board.top_clients[:clients])
    elif isinstance(chart, DsoChart):
        chart.show_trend(board.dso)
    else:
        assert isinstance(chart, ForecastChart)
        chart.show_weeks(board.forecast)
    chart.draw()  # type: ignore[no-untyped-call]
    return np.asarray(chart.buffer_rgba()).copy()  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("kind", [AgingChart, DsoChart, ForecastChart])
def test_a_refreshed_chart_looks_like_a_new_one(qtbot: QtBot, demo_ws: Workspace, kind: type[ChartCanvas]) -> None:
    before, after = dashboard(demo_ws, EARLIER), dashboard(demo_ws, AS_OF)
    refreshed, new = kind(), kind()
    for chart in (refreshed, new):
        qtbot.addWidget(chart)
        chart.resize(520, 320)
    first = _show(refreshed, before)
    again = _show(refreshed, after)
    assert (first != again).any(), "the two dates should give different pictures"
    assert np.array_equal(again, _show(new, after))


def test_a_chart_of_another_shape_is_built_anew(qtbot: QtBot, demo_ws: Workspace) -> None:
    board, short = dashboard(demo_ws, AS_OF), dashboard(demo_ws, AS_OF, months=12)
    aging, trend = AgingChart(), DsoChart()
    qtbot.addWidget(aging)
    qtbot.addWidget(trend)
    _show(aging, board)
    _show(aging, board, clients=3)
    assert [label.get_text() for label in aging.axes.get_yticklabels()] == [
        bar.client_name[:26] if len(bar.client_name) <= 26 else bar.client_name[:25] + "…"
        for bar in board.top_clients[:3]]
    shown = (board.total, *board.top_clients[:3])
    assert aging.bar_count() == sum(1 for bar in shown for cents in bar.buckets if cents)
    _show(trend, board)
    _show(trend, short)
    assert len(list(trend.axes.get_lines()[0].get_xdata())) == 12  # type: ignore[arg-type]

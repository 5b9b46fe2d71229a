"""The dashboard's charts: matplotlib figures on QtAgg canvases, drawn from service data (never pyplot).

Each chart owns its ``Figure``; ``show(...)`` redraws it from a DTO. Labels are French through ``_()``
and amounts are shown compactly (``12 k€``, ``1,5 M€``) in the current language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from babel.core import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import NumberPattern, parse_pattern
from matplotlib.axes import Axes
from matplotlib.backend_bases import Event, MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import offset_copy
from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.forecast import ForecastWeek
from app.formatting import bucket_label, format_cents, format_date, format_days, locale
from app.i18n import _
from app.services.dashboard import AgingBar, DsoTrendPoint
from app.ui.text_cache import remember_texts

# Not due, then from the first to the oldest overdue bucket: green to dark red.
BUCKET_COLOURS = ("#66bb6a", "#ffd54f", "#ffa726", "#ef6c00", "#c62828", "#8e0000", "#4a0000")
TEXT_COLOUR = "#37474f"
GRID_COLOUR = "#e0e0e0"
ACCOUNTING_COLOUR = "#1e88e5"
COUNTBACK_COLOUR = "#8e24aa"
BEST_COLOUR = "#43a047"
FORECAST_COLOUR = "#1e88e5"
NAME_CHARS = 26  # client names are cut beyond this on the chart (the tooltip has them in full)
FONT_SIZE = 8.5
DPI = 96
TEXT_PATH = TextToPath()
LINE = FONT_SIZE * 1.6 * DPI / 72  # one line of chart text, in pixels


def compact_cents(cents: float) -> str:
    """An axis label: ``1 250 000`` cents → ``12,5 k€``; ``150 000 000`` → ``1,5 M€``."""
    euros = cents / 100
    for divisor, unit in ((1_000_000, "M€"), (1_000, "k€")):
        if abs(euros) >= divisor:
            return _number(euros / divisor, "#,##0.#") + f"\u00a0{unit}"
    return _number(euros, "#,##0") + "\u00a0€"


def _number(value: float, pattern: str) -> str:
    """Babel's ``format_decimal`` with the locale and pattern parsed once (a refresh formats a hundred
    amounts and tick labels)."""
    return str(_pattern(pattern).apply(value, _locale(locale())))


@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def _visible_bars(axes_list: Sequence[Axes]) -> int:
    """Bars drawn with a visible size (stacked segments of zero cents are not counted)."""
    return sum(1 for axes in axes_list for patch in axes.patches
               if isinstance(patch, Rectangle) and patch.get_width() != 0 and patch.get_height() != 0)


def month_label(day: date) -> str:
    """``juin 26``: a month on the DSO axis."""
    return babel_format_date(day, format="MMM yy", locale=locale())


@lru_cache(maxsize=1024)
def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Width in pixels (at DPI) of ``text`` in the charts' font, measured without drawing anything (and once:
    the same client names come back at each refresh)."""
    properties = FontProperties(size=size, weight="bold" if bold else "normal")
    width, _height, _descent = TEXT_PATH.get_text_width_height_descent(text, properties, ismath=False)
    return float(width) * DPI / 72


@dataclass(frozen=True, slots=True)
class Margins:
    """Space around the plotting area, in pixels, for titles, tick labels and legends."""

    left: float
    right: float
    top: float
    bottom: float
    gap: float = 0  # between two stacked axes


class ChartCanvas(FigureCanvasQTAgg):
    """A canvas with its own figure, styled like the window around it.

    Margins are measured from the labels each chart shows and kept in pixels across resizes: matplotlib's
    constrained layout would measure every text at every draw, half of a dashboard's drawing time.
    """

    def __init__(self, parent: QWidget | None = None, background: str = "#ffffff") -> None:
        self.figure = Figure(figsize=(5, 3), dpi=DPI, facecolor=background)
        super().__init__(self.figure)  # type: ignore[no-untyped-call]
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 180)
        self.axes: Axes = self.figure.add_subplot()
        self.margins = Margins(40, 12, 30, 30)
        self._shape: object = None
        self._renderer: object = None

    def get_renderer(self) -> Any:
        """matplotlib's renderer, made to paint again the texts it has already drawn (app.ui.text_cache)."""
        renderer = super().get_renderer()  # type: ignore[no-untyped-call]
        if renderer is not self._renderer:
            remember_texts(renderer)
            self._renderer = renderer
        return renderer

    def _same_shape(self, shape: object) -> bool:
        """Whether the figure already holds the artists for ``shape`` (the same bars, lines and labels, other
        values): a refresh then only moves them, which costs a fraction of building them again (the axes'
        ticks above all). The first show, or one of another shape, builds the figure anew."""
        same = shape == self._shape
        self._shape = shape
        return same

    def _start(self, title: str) -> Axes:
        self.figure.clear()
        axes = self.figure.add_subplot()
        self.axes = axes
        # At the top of the axes, where matplotlib would place it after measuring the ticks of every axes
        # (nothing stands above them here), at each draw.
        axes.set_title(title, loc="left", fontsize=FONT_SIZE + 1.5, fontweight="bold", color=TEXT_COLOUR,
                       pad=8, y=1.0)
        return self._style(axes)

    def set_margins(self, margins: Margins) -> None:
        self.margins = margins
        self._apply_margins()

    def _apply_margins(self) -> None:
        width, height = self.figure.get_size_inches() * self.figure.dpi
        margins = self.margins
        left, right = min(margins.left / width, 0.45), max(1 - margins.right / width, 0.55)
        bottom, top = min(margins.bottom / height, 0.45), max(1 - margins.top / height, 0.55)
        plotted = max(2.0, height - margins.top - margins.bottom - margins.gap)
        self.figure.subplots_adjust(left=left, right=right, bottom=bottom, top=top,
                                    hspace=margins.gap / (plotted / 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)  # type: ignore[no-untyped-call]
        self._apply_margins()

    @staticmethod
    def _style(axes: Axes) -> Axes:
        axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOUR, length=0)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.spines["bottom"].set_color(GRID_COLOUR)
        axes.set_axisbelow(True)
        # The axes have no axis labels: placed once, matplotlib no longer measures every tick label at each
        # draw to move them clear of the ticks.
        axes.xaxis.set_label_coords(0.5, 0.0)
        axes.yaxis.set_label_coords(0.0, 0.5)
        return axes

    def bar_count(self) -> int:
        """Visible bars drawn (segments of zero size are not counted)."""
        return _visible_bars([self.axes])


class AgingChart(ChartCanvas):
    """The aged balance as horizontal stacked bars: the total first, then the top clients, by bucket.

    Signals:
        client_clicked(str): a client's bar was clicked beside its coloured segments; its account code.
        total_clicked(): the total bar was clicked beside its segments.
        segment_clicked(object, int): a coloured segment was clicked: the bar (AgingBar, the total's
            client_id is None) and the bucket's index.
    """

    client_clicked = Signal(str)
    total_clicked = Signal()
    segment_clicked = Signal(object, int)

    def __init__(self, parent: QWidget | None = None, background: str = "#ffffff") -> None:
        super().__init__(parent, background)
        self.rows: list[AgingBar] = []
        self.bounds: list[tuple[int | None, int | None]] = []
        self.total_axes: Axes = self.axes
        self._segments: dict[Axes, list[list[Rectangle]]] = {}  # per axes, per bucket, per row
        self._amounts: dict[Axes, list[Text]] = {}
        self.mpl_connect("button_press_event", self._clicked)
        self.mpl_connect("motion_notify_event", self._hovered)

    def show_bars(self, bounds: Sequence[tuple[int | None, int | None]], total: AgingBar,
                  clients: Sequence[AgingBar]) -> None:
        """The total on its own scale in a thin band on top, the clients below on theirs."""
        self.rows, self.bounds = [total, *clients], list(bounds)
        labels = tuple(bucket_label(bucket) for bucket in bounds)
        title = _("Aged balance: total and top {count} clients").format(count=len(clients))
        if self._same_shape((title, labels, not total.total_cents)):
            for axes, rows in ((self.total_axes, [total]), (self.axes, list(clients))):
                self._fill(axes, rows)
        else:
            self._build(bounds, total, clients, title)
        names = [(self._name(row), row.client_id is None) for row in self.rows]
        self.set_margins(Margins(left=max(text_width(name, bold=bold) for name, bold in names) + 14, right=10,
                                 top=LINE * 1.4 + 12, bottom=LINE * 2.4 + 10, gap=LINE + 10))
        self.draw_idle()  # type: ignore[no-untyped-call]

    def _build(self, bounds: Sequence[tuple[int | None, int | None]], total: AgingBar,
               clients: Sequence[AgingBar], title: str) -> None:
        self.figure.clear()
        self._segments, self._amounts = {}, {}
        total_axes, axes = self.figure.subplots(2, 1, height_ratios=[1.6, max(1, len(clients))])
        self.total_axes, self.axes = total_axes, axes
        # Placed in pixels from the top left corner, so that it stays there when the canvas is resized.
        corner = offset_copy(self.figure.transFigure, fig=self.figure, x=8, y=-6, units="dots")
        self.figure.text(0, 1, title, transform=corner, ha="left", va="top", fontsize=FONT_SIZE + 1.5,
                         fontweight="bold", color=TEXT_COLOUR)
        self._stack(total_axes, bounds, [total])
        self._stack(axes, bounds, list(clients))
        # Below everything, where it can never cover a bar or its amount.
        self.figure.legend(*axes.get_legend_handles_labels(), loc="lower center", bbox_to_anchor=(0.5, 0.0),
                           fontsize=FONT_SIZE, frameon=False, ncols=len(bounds), handlelength=1.2,
                           columnspacing=1.2)
        if not total.total_cents:
            axes.text(0.5, 0.5, _("Nothing receivable on this date"), transform=axes.transAxes, ha="center",
                      color=TEXT_COLOUR)

    def _stack(self, axes: Axes, bounds: Sequence[tuple[int | None, int | None]], rows: list[AgingBar]) -> None:
        """The bars of ``rows``, one segment per bucket, with their amounts beside them (placed by _fill)."""
        self._style(axes)
        positions = list(range(len(rows)))
        self._segments[axes] = [
            list(axes.barh(positions, [0] * len(rows), height=0.66, color=BUCKET_COLOURS[index % len(BUCKET_COLOURS)],
                           label=bucket_label(bucket), edgecolor="white", linewidth=0.6).patches)
            for index, bucket in enumerate(bounds)]
        self._amounts[axes] = [axes.text(0, position, "", va="center", fontsize=FONT_SIZE, color=TEXT_COLOUR)
                               for position in positions]
        axes.set_ylim(len(rows) - 0.5, -0.5)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: compact_cents(value)))
        axes.grid(axis="x", color=GRID_COLOUR, linewidth=0.8)
        self._fill(axes, rows)

    def _fill(self, axes: Axes, rows: list[AgingBar]) -> None:
        """Segments, amounts, names and scale of the bars of ``axes`` for ``rows`` (as many as it holds)."""
        left = [0] * len(rows)
        for index, segments in enumerate(self._segments[axes]):
            for position, (segment, row) in enumerate(zip(segments, rows, strict=True)):
                segment.set_x(left[position])
                segment.set_width(row.buckets[index])
                left[position] += row.buckets[index]
        largest = max(left, default=0) or 1
        for position, (amount, row) in enumerate(zip(self._amounts[axes], rows, strict=True)):
            amount.set_position((row.total_cents + largest * 0.01, position))
            amount.set_text(compact_cents(row.total_cents))
        axes.set_yticks(list(range(len(rows))), [self._name(row) for row in rows])
        if rows and rows[0].client_id is None:
            axes.get_yticklabels()[0].set_fontweight("bold")
        axes.set_xlim(0, largest * 1.14)

    def bar_count(self) -> int:
        return _visible_bars([self.total_axes, self.axes])

    @staticmethod
    def _name(row: AgingBar) -> str:
        if row.client_id is None:
            return _("All clients")
        name = row.client_name if len(row.client_name) <= NAME_CHARS else row.client_name[:NAME_CHARS - 1] + "…"
        return name

    def row_at(self, event: MouseEvent) -> AgingBar | None:
        """The bar under the mouse (anywhere on its row), or None."""
        if event.ydata is None:
            return None
        if event.inaxes is self.total_axes:
            rows, offset = self.rows[:1], 0
        elif event.inaxes is self.axes:
            rows, offset = self.rows[1:], 1
        else:
            return None
        index = round(event.ydata)
        if not 0 <= index < len(rows) or abs(event.ydata - index) > 0.4:
            return None
        return self.rows[index + offset]

    @staticmethod
    def bucket_at(row: AgingBar, cents: float | None) -> int | None:
        """The bucket whose segment of ``row`` spans ``cents`` along the axis, or None (beside the bar)."""
        if cents is None or cents < 0:
            return None
        start = 0
        for index, width in enumerate(row.buckets):
            if width and start <= cents < start + width:
                return index
            start += width
        return None

    def click_row(self, index: int, bucket: int | None = None) -> None:
        """Act as if bar ``index`` (0 = total) was clicked, on segment ``bucket`` or beside the segments."""
        row = self.rows[index]
        if bucket is not None:
            self.segment_clicked.emit(row, bucket)
        elif row.client_id is None:
            self.total_clicked.emit()
        else:
            self.client_clicked.emit(row.account_code)

    def _clicked(self, event: Event) -> None:
        if isinstance(event, MouseEvent) and event.button == 1 and (row := self.row_at(event)) is not None:
            self.click_row(self.rows.index(row), self.bucket_at(row, event.xdata))

    def _hovered(self, event: Event) -> None:
        row = self.row_at(event) if isinstance(event, MouseEvent) else None
        if row is None:
            self.setToolTip("")
            return
        title = (row.client_name and f"{row.account_code} — {row.client_name}") or _("All clients")
        assert isinstance(event, MouseEvent)
        bucket = self.bucket_at(row, event.xdata)
        if bucket is not None:
            label = bucket_label(self.bounds[bucket])
            amount = f"{label} : {format_cents(row.buckets[bucket])}"
            hint = _("Click to list these invoices")
        else:
            amount = f"{_('Total')} : {format_cents(row.total_cents)}"
            hint = (_("Click to open this client") if row.client_id is not None
                    else _("Click to open the aged balance"))
        self.setToolTip(f"{title}\n{amount}\n{hint}")


class DsoChart(ChartCanvas):
    """DSO month by month: accounting and countback methods, and the best possible DSO."""

    def show_trend(self, points: Sequence[DsoTrendPoint]) -> None:
        series = [[p.accounting for p in points], [p.countback for p in points], [p.best_possible for p in points]]
        title = _("DSO over {count} months (days)").format(count=len(points))
        labels = (_("Accounting method"), _("Countback method"), _("Best possible DSO"))
        if self._same_shape((title, labels)):
            axes = self.axes
            for line, values in zip(axes.get_lines(), series, strict=True):
                line.set_ydata(_values(values))
            # The scale a new plot would take: autoscaled to the data, from 0.
            axes.relim()
            axes.set_autoscaley_on(True)
            axes.autoscale_view()
        else:
            axes = self._start(title)
            for values, colour, label, style in zip(series, (ACCOUNTING_COLOUR, COUNTBACK_COLOUR, BEST_COLOUR),
                                                    labels, ("-", "-", "--"), strict=True):
                axes.plot(list(range(len(points))), _values(values), style, color=colour, label=label,
                          linewidth=1.8, marker="o", markersize=2.5)
            axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}"))
            axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
            self.figure.legend(*axes.get_legend_handles_labels(), loc="lower center", bbox_to_anchor=(0.5, 0.0),
                               fontsize=FONT_SIZE, frameon=False, ncols=3)
        step = max(1, len(points) // 8)
        ticks = list(range(len(points)))[::-1][::step][::-1]
        axes.set_xticks(ticks, [month_label(points[i].month_end) for i in ticks])
        axes.set_ylim(bottom=0)
        highest = max((v for p in points for v in (p.accounting, p.countback, p.best_possible) if v is not None),
                      default=0.0)
        self.set_margins(Margins(left=text_width(f"{highest * 1.1:.0f}") + 14, right=12, top=LINE * 1.4 + 10,
                                 bottom=LINE * 2.4 + 8))
        if points:
            last = points[-1]
            self.setToolTip(_("{date}: accounting {accounting}, countback {countback}, best possible {best}").format(
                date=format_date(last.month_end), accounting=format_days(last.accounting),
                countback=format_days(last.countback), best=format_days(last.best_possible)))
        self.draw_idle()  # type: ignore[no-untyped-call]

    def line_count(self) -> int:
        return len(self.axes.get_lines())


class ForecastChart(ChartCanvas):
    """Cash expected week by week."""

    def show_weeks(self, weeks: Sequence[ForecastWeek]) -> None:
        heights = [week.cents for week in weeks]
        title = _("Cash-in forecast, next {count} weeks").format(count=len(weeks))
        if self._same_shape(title):
            axes = self.axes
            for bar, height in zip(axes.patches, heights, strict=True):
                assert isinstance(bar, Rectangle)
                bar.set_height(height)
            axes.relim()  # the scale a new plot would take
            axes.autoscale_view()
        else:
            axes = self._start(title)
            axes.bar(list(range(len(weeks))), heights, width=0.7, color=FORECAST_COLOUR)
            axes.tick_params(axis="x", labelsize=FONT_SIZE - 0.5)
            axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: compact_cents(value)))
            axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
        # Every other week is labelled: twelve dates side by side would run into each other at 1366 px.
        labelled = list(range(len(weeks)))[::2]
        axes.set_xticks(labelled, [babel_format_date(weeks[i].start, format="dd/MM", locale=locale())
                                   for i in labelled])
        highest = max(heights, default=0)
        self.set_margins(Margins(left=text_width(compact_cents(highest * 1.1)) + 14, right=12, top=LINE * 1.4 + 10,
                                 bottom=LINE + 10))
        self.setToolTip("\n".join(
            _("Week of {date}: {amount}").format(date=format_date(week.start), amount=format_cents(week.cents))
            for week in weeks))
        self.draw_idle()  # type: ignore[no-untyped-call]


def _values(values: Sequence[float | None]) -> list[float]:
    """A line's values, a gap (NaN) where there is none."""
    return [float("nan") if value is None else value for value in values]

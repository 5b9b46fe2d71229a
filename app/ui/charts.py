"""The dashboard's charts: matplotlib figures on QtAgg canvases, drawn from service data (never pyplot).

Each chart owns its ``Figure``; ``show(...)`` redraws it from a DTO. Labels are French through ``_()``
and amounts are shown compactly (``12 k€``, ``1,5 M€``) in the current language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from matplotlib.axes import Axes
from matplotlib.backend_bases import Event, MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.forecast import ForecastWeek
from app.formatting import bucket_label, format_cents, format_date, format_days, locale
from app.i18n import _
from app.services.dashboard import AgingBar, DsoTrendPoint

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


def compact_cents(cents: float) -> str:
    """An axis label: ``1 250 000`` cents → ``12,5 k€``; ``150 000 000`` → ``1,5 M€``."""
    euros = cents / 100
    for divisor, unit in ((1_000_000, "M€"), (1_000, "k€")):
        if abs(euros) >= divisor:
            return format_decimal(euros / divisor, format="#,##0.#", locale=locale()) + f"\u00a0{unit}"
    return format_decimal(euros, format="#,##0", locale=locale()) + "\u00a0€"


def _visible_bars(axes_list: Sequence[Axes]) -> int:
    """Bars drawn with a visible size (stacked segments of zero cents are not counted)."""
    return sum(1 for axes in axes_list for patch in axes.patches
               if isinstance(patch, Rectangle) and patch.get_width() != 0 and patch.get_height() != 0)


def month_label(day: date) -> str:
    """``juin 26``: a month on the DSO axis."""
    return babel_format_date(day, format="MMM yy", locale=locale())


class ChartCanvas(FigureCanvasQTAgg):
    """A canvas with its own figure, styled like the window around it."""

    def __init__(self, parent: QWidget | None = None, background: str = "#ffffff") -> None:
        self.figure = Figure(figsize=(5, 3), dpi=96, facecolor=background, layout="constrained")
        super().__init__(self.figure)  # type: ignore[no-untyped-call]
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 180)
        self.axes: Axes = self.figure.add_subplot()

    def _start(self, title: str) -> Axes:
        self.figure.clear()
        axes = self.figure.add_subplot()
        self.axes = axes
        axes.set_title(title, loc="left", fontsize=FONT_SIZE + 1.5, fontweight="bold", color=TEXT_COLOUR)
        return self._style(axes)

    @staticmethod
    def _style(axes: Axes) -> Axes:
        axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOUR, length=0)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.spines["bottom"].set_color(GRID_COLOUR)
        axes.set_axisbelow(True)
        return axes

    def bar_count(self) -> int:
        """Visible bars drawn (segments of zero size are not counted)."""
        return _visible_bars([self.axes])


class AgingChart(ChartCanvas):
    """The aged balance as horizontal stacked bars: the total first, then the top clients, by bucket.

    Signals:
        client_clicked(str): a client's bar was clicked; its account code.
        total_clicked(): the total bar was clicked.
    """

    client_clicked = Signal(str)
    total_clicked = Signal()

    def __init__(self, parent: QWidget | None = None, background: str = "#ffffff") -> None:
        super().__init__(parent, background)
        self.rows: list[AgingBar] = []
        self.total_axes: Axes = self.axes
        self.mpl_connect("button_press_event", self._clicked)
        self.mpl_connect("motion_notify_event", self._hovered)

    def show_bars(self, bounds: Sequence[tuple[int | None, int | None]], total: AgingBar,
                  clients: Sequence[AgingBar]) -> None:
        """The total on its own scale in a thin band on top, the clients below on theirs."""
        self.figure.clear()
        self.rows = [total, *clients]
        total_axes, axes = self.figure.subplots(2, 1, height_ratios=[1.6, max(1, len(clients))])
        self.total_axes, self.axes = total_axes, axes
        self.figure.suptitle(_("Aged balance: total and top {count} clients").format(count=len(clients)),
                             x=0.01, ha="left", fontsize=FONT_SIZE + 1.5, fontweight="bold", color=TEXT_COLOUR)
        self._stack(total_axes, bounds, [total], legend=False)
        self._stack(axes, bounds, list(clients), legend=True)
        if not total.total_cents:
            axes.text(0.5, 0.5, _("Nothing receivable on this date"), transform=axes.transAxes, ha="center",
                      color=TEXT_COLOUR)
        self.draw_idle()  # type: ignore[no-untyped-call]

    def _stack(self, axes: Axes, bounds: Sequence[tuple[int | None, int | None]], rows: list[AgingBar],
               legend: bool) -> None:
        self._style(axes)
        positions = list(range(len(rows)))
        left = [0] * len(rows)
        for index, bucket in enumerate(bounds):
            widths = [row.buckets[index] for row in rows]
            axes.barh(positions, widths, left=left, height=0.66, color=BUCKET_COLOURS[index % len(BUCKET_COLOURS)],
                      label=bucket_label(bucket), edgecolor="white", linewidth=0.6)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        largest = max(left, default=0) or 1
        for position, row in zip(positions, rows, strict=True):
            axes.text(row.total_cents + largest * 0.01, position, compact_cents(row.total_cents), va="center",
                      fontsize=FONT_SIZE, color=TEXT_COLOUR)
        axes.set_yticks(positions, [self._name(row) for row in rows])
        if rows and rows[0].client_id is None:
            axes.get_yticklabels()[0].set_fontweight("bold")
        axes.set_ylim(len(rows) - 0.5, -0.5)
        axes.set_xlim(0, largest * 1.14)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: compact_cents(value)))
        axes.grid(axis="x", color=GRID_COLOUR, linewidth=0.8)
        if legend:  # below the axis, where it can never cover a bar or its amount
            axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), fontsize=FONT_SIZE, frameon=False,
                        ncols=len(bounds), handlelength=1.2, columnspacing=1.2)

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

    def click_row(self, index: int) -> None:
        """Act as if bar ``index`` (0 = total) was clicked."""
        row = self.rows[index]
        if row.client_id is None:
            self.total_clicked.emit()
        else:
            self.client_clicked.emit(row.account_code)

    def _clicked(self, event: Event) -> None:
        if isinstance(event, MouseEvent) and event.button == 1 and (row := self.row_at(event)) is not None:
            self.click_row(self.rows.index(row))

    def _hovered(self, event: Event) -> None:
        row = self.row_at(event) if isinstance(event, MouseEvent) else None
        if row is None:
            self.setToolTip("")
            return
        title = (row.client_name and f"{row.account_code} — {row.client_name}") or _("All clients")
        hint = _("Click to open this client") if row.client_id is not None else _("Click to open the aged balance")
        self.setToolTip(f"{title}\n{_('Total')} : {format_cents(row.total_cents)}\n{hint}")


class DsoChart(ChartCanvas):
    """DSO month by month: accounting and countback methods, and the best possible DSO."""

    def show_trend(self, points: Sequence[DsoTrendPoint]) -> None:
        axes = self._start(_("DSO over {count} months (days)").format(count=len(points)))
        positions = list(range(len(points)))
        for values, colour, label, style in (
            ([p.accounting for p in points], ACCOUNTING_COLOUR, _("Accounting method"), "-"),
            ([p.countback for p in points], COUNTBACK_COLOUR, _("Countback method"), "-"),
            ([p.best_possible for p in points], BEST_COLOUR, _("Best possible DSO"), "--"),
        ):
            axes.plot(positions, [float("nan") if v is None else v for v in values], style, color=colour,
                      label=label, linewidth=1.8, marker="o", markersize=2.5)
        step = max(1, len(points) // 8)
        ticks = positions[::-1][::step][::-1]
        axes.set_xticks(ticks, [month_label(points[i].month_end) for i in ticks])
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}"))
        axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=FONT_SIZE, frameon=False, ncols=3)
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
        axes = self._start(_("Cash-in forecast, next {count} weeks").format(count=len(weeks)))
        positions = list(range(len(weeks)))
        axes.bar(positions, [week.cents for week in weeks], width=0.7, color=FORECAST_COLOUR)
        axes.set_xticks(positions, [babel_format_date(week.start, format="dd/MM", locale=locale())
                                    for week in weeks])
        axes.tick_params(axis="x", labelsize=FONT_SIZE - 0.5)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: compact_cents(value)))
        axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
        self.setToolTip("\n".join(
            _("Week of {date}: {amount}").format(date=format_date(week.start), amount=format_cents(week.cents))
            for week in weeks))
        self.draw_idle()  # type: ignore[no-untyped-call]

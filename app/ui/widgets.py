"""Small shared widgets: the debounced filter box, a table view with product defaults, a caption, the brand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.ui.columns import Column
from app.ui.filtering import WordFilterProxy
from app.ui.icons import icon

SAMPLE_ROWS = 300  # rows measured when sizing columns: enough to see typical widths, cheap on 5,000
HEADER_PADDING = 28  # room for the sort arrow
CELL_PADDING = 8
ICON_WIDTH = 24
STRETCH_MIN = 145


class FilterBox(QLineEdit):
    """A search field that reports its text once typing pauses for ``delay_ms``.

    Signals:
        text_settled(str): the text after the pause (or at once on Enter/clear).
    """

    text_settled = Signal(str)

    def __init__(self, placeholder: str, delay_ms: int = 150, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.addAction(icon("search.svg"), QLineEdit.ActionPosition.LeadingPosition)
        self.setMinimumWidth(280)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._settle)
        self.textChanged.connect(self._on_text_changed)
        self.returnPressed.connect(self._settle)

    def _on_text_changed(self, text: str) -> None:
        if text:
            self._timer.start()
        else:
            self._settle()  # clearing is instant: there is nothing to wait for

    def _settle(self) -> None:
        self._timer.stop()
        self.text_settled.emit(self.text())


class DataTable(QTableView):
    """A read-only table view with alternating rows, row selection and sized declared columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setMinimumSectionSize(40)
        self._stretch: int | None = None
        self._tight: list[int] = []
        self._roomy: list[int] = []
        self._fitting = False
        self.horizontalHeader().sectionResized.connect(self._user_resized)

    def fit_columns(self, columns: Sequence[Column[Any]], stretch_key: str | None = None,
                    also: QTableView | None = None) -> None:
        """Size each column to its first rows (capped by Column.width) and its header.

        Headers get their full width when the viewport allows it, else they wrap on two lines. The
        ``stretch_key`` column takes whatever width is left; ``also`` is another table with the same
        columns whose rows are measured too, in its font (a totals row).
        """
        metrics = self.horizontalHeader().fontMetrics()
        self._tight, self._roomy = [], []
        for section, column in enumerate(columns):
            words = max(metrics.horizontalAdvance(word) for word in column.title().split() or [""])
            content = max(_content_width(view, section, column) for view in (self, also) if view is not None)
            tight = max(words + HEADER_PADDING, min(content, column.width or 10_000))
            self._tight.append(tight)
            self._roomy.append(max(tight, metrics.horizontalAdvance(column.title()) + HEADER_PADDING))
            self.horizontalHeader().setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
        self._stretch = next((i for i, c in enumerate(columns) if c.key == stretch_key), None)
        self._fill_width()

    def _fill_width(self) -> None:
        """Roomy or tight widths for the viewport, the rest to the stretching column."""
        if not self._tight:
            return
        self._fitting = True
        try:
            # The vertical scroll bar may appear only after rows arrive: always leave room for it.
            self._apply_widths(self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width())
        finally:
            self._fitting = False

    def _apply_widths(self, available: int) -> None:
        roomy = sum(self._roomy) - (self._roomy[self._stretch] - STRETCH_MIN if self._stretch is not None else 0)
        widths = self._roomy if roomy <= available else self._tight
        header = self.horizontalHeader()
        header.setFixedHeight((1 if widths is self._roomy else 2) * header.fontMetrics().lineSpacing() + 10)
        for section, width in enumerate(widths):
            self.setColumnWidth(section, width)
        if self._stretch is not None:
            # The stretching column (a name) gives way first when that makes the amounts fit; when
            # the table scrolls sideways anyway, squeezing the name would only hide it.
            spare = available - sum(widths) + widths[self._stretch]
            floor = min(widths[self._stretch], STRETCH_MIN) if spare >= STRETCH_MIN else widths[self._stretch]
            self.setColumnWidth(self._stretch, max(floor, spare))

    def _user_resized(self) -> None:
        if not self._fitting:
            self._tight, self._roomy = [], []  # the user's widths win over automatic fitting from now on

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fill_width()


def _content_width(view: QTableView, section: int, column: Column[Any]) -> int:
    """Width of the widest of the first rows' text in ``section``, as ``view`` draws it."""
    model, metrics = view.model(), view.fontMetrics()
    texts = (model.data(model.index(row, section)) for row in range(min(model.rowCount(), SAMPLE_ROWS)))
    widest = max((metrics.horizontalAdvance(str(text)) for text in texts if text), default=0)
    return widest + CELL_PADDING + (ICON_WIDTH if column.decoration is not None else 0)


def caption(text: str) -> QLabel:
    """A muted label for counts next to a filter box."""
    label = QLabel(text)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def page_layout(page: QWidget, filter_box: QWidget, count_label: QWidget, body: QWidget | QLayout,
                *options: QWidget) -> None:
    """The layout every list page shares: filter box and options on the left, the count on the right,
    the table (or tables) below taking the rest."""
    bar = QHBoxLayout()
    bar.addWidget(filter_box)
    for option in options:
        bar.addSpacing(12)
        bar.addWidget(option)
    bar.addStretch(1)
    bar.addWidget(count_label)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(10, 10, 10, 8)
    layout.setSpacing(8)
    layout.addLayout(bar)
    if isinstance(body, QLayout):
        layout.addLayout(body, 1)
    else:
        layout.addWidget(body, 1)


def filtered_table(model: QAbstractItemModel, placeholder: str,
                   on_filter: Callable[[str], None]) -> tuple[WordFilterProxy, FilterBox, QLabel, DataTable]:
    """A list page's parts: a word-filter proxy over ``model``, the filter box calling ``on_filter`` once the
    typing settles, an empty count label, and a sortable table showing the proxy."""
    proxy = WordFilterProxy()
    proxy.setSourceModel(model)
    filter_box = FilterBox(placeholder, delay_ms=60)
    filter_box.text_settled.connect(on_filter)
    table = DataTable()
    table.setModel(proxy)
    table.setSortingEnabled(True)
    return proxy, filter_box, caption(""), table


def brand(logo_size: int, name_scale: float) -> tuple[QLabel, QLabel, QLabel]:
    """The logo, the name in large bold and the tagline, as the start screen and the About dialog show them."""
    logo = QLabel()
    logo.setPixmap(icon("encaisse.svg").pixmap(logo_size, logo_size))
    logo.setAlignment(Qt.AlignmentFlag.AlignTop)
    name = QLabel("Encaisse")
    font = name.font()
    font.setPointSizeF(font.pointSizeF() * name_scale)
    font.setBold(True)
    name.setFont(font)
    tagline = QLabel(_("Get your invoices paid: aged balance, reminders and formal notices, offline."))
    tagline.setWordWrap(True)
    return logo, name, tagline

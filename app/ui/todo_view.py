"""The "À faire" page: today's suggested actions grouped by channel, why each is suggested, and what to do with
them (execute, postpone, skip, or a batch of e-mails and letters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.kinds import Channel
from app.formatting import format_cents, format_count, format_date
from app.i18n import _, ngettext
from app.services import entries, letters, mail, mail_outbox, next_steps, todo_actions
from app.services.entries import SegmentChoice
from app.services.letters import ExecutedLetters, LetterDocument
from app.services.todo_dto import Suggestion, TodoList
from app.ui.dialogs.form import EntryDialog, money_edit, read_cents
from app.ui.dialogs.todo_postpone import PostponeDialog, SkipDialog
from app.ui.letter_preview import LetterPreviewDialog, PdfFile
from app.ui.tasks import show_error
from app.ui.todo_execute import BatchProgress, batch_question, batch_refusal, confirmation, execution_dialog
from app.ui.todo_rows import GROUP_LABELS, TODO_COLUMNS, Group, TodoModel, TodoProxy, detail_html, group_of
from app.ui.view_base import DossierView, ViewContext
from app.ui.widgets import DataTable, FilterBox, caption

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

Loaded = tuple[TodoList, list[SegmentChoice]]
BANNER_STYLE = ("background: #fff3e0; color: #8a3b00; border: 1px solid #ffb74d; border-radius: 4px;"
                " padding: 6px 10px;")


def ask(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


class TodoView(DossierView):
    """Suggestions as of the toolbar date, highest priority first within each channel group.

    Attributes:
        confirm: asks a yes/no question (replaced in tests).
        inform: shows a message (replaced in tests).
        dialog: the execute / postpone / skip form last opened (tests fill it).

    Signals:
        client_requested(int): a row was double-clicked; the window opens that client's page.
        data_changed(): an action was recorded; other pages' figures may have changed.
    """

    client_requested = Signal(int)
    data_changed = Signal()

    def __init__(self, context: ViewContext) -> None:
        super().__init__(context)
        self.todo: TodoList | None = None
        self.confirm: Callable[[str, str], bool] = lambda title, text: ask(self, title, text)
        self.inform: Callable[[str, str], object] = lambda title, text: QMessageBox.information(self, title, text)
        self.dialog: EntryDialog | None = None
        self.preview: LetterPreviewDialog | None = None  # the last letter produced, open to print
        self._batch: BatchProgress | None = None
        self._keep_key: str | None = None
        self.last_batch_message = ""
        self.model = TodoModel()
        self.proxy = TodoProxy()
        self.proxy.setSourceModel(self.model)
        self.table = DataTable()
        self._build_table()
        self._build_filters()
        self._build_actions()
        self.banner = QLabel()
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self._fitted = False
        self._layout()
        self._selection_changed()

    def _build_table(self) -> None:
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by channel group, highest priority first
        self.table.doubleClicked.connect(self._open_client)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter executes; double-click opens the client
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.execute_current)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)

    def _build_filters(self) -> None:
        self.filter_box = FilterBox(_("Filter (client, step, reason…)"), delay_ms=60)
        self.filter_box.setMinimumWidth(220)
        self.filter_box.text_settled.connect(self._apply_filter)
        self.channel_combo = QComboBox()
        self.channel_combo.setToolTip(_("Channel"))
        self.segment_combo = QComboBox()
        self.segment_combo.setToolTip(_("Segment"))
        self.segment_combo.addItem(_("All segments"), None)
        self.min_amount = money_edit(_("min. amount"))
        self.min_amount.setMaximumWidth(120)
        self.min_amount.setToolTip(_("Only suggestions claiming at least this amount (€)"))
        self.channel_combo.currentIndexChanged.connect(self._apply_filters)
        self.segment_combo.currentIndexChanged.connect(self._apply_filters)
        self.min_amount.textChanged.connect(self._apply_filters)
        self.count_label = caption("")
        self._fill_channels()

    def _build_actions(self) -> None:
        self.execute_button = QPushButton(_("Execute…"))
        self.execute_button.setDefault(True)
        self.execute_button.clicked.connect(self.execute_current)
        self.postpone_button = QPushButton(_("Postpone…"))
        self.postpone_button.clicked.connect(lambda: self._open_form(PostponeDialog))
        self.skip_button = QPushButton(_("Skip…"))
        self.skip_button.clicked.connect(lambda: self._open_form(SkipDialog))
        self.batch_button = QPushButton(_("Execute the selection"))
        self.batch_button.clicked.connect(self.execute_selection)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.cancel_button = QPushButton(_("Stop"))
        self.cancel_button.clicked.connect(self._cancel_batch)
        self.cancel_button.hide()
        self._tips = {
            self.execute_button: _("Do the selected step: record it, or open its call sheet or form (Enter)"),
            self.batch_button: _("Record every selected e-mail and letter step at once"),
        }

    def _layout(self) -> None:
        bar = QHBoxLayout()
        filters: tuple[QWidget, ...] = (self.filter_box, self.channel_combo, self.segment_combo, self.min_amount)
        for widget in filters:
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        actions = QHBoxLayout()
        buttons: tuple[QWidget, ...] = (self.execute_button, self.postpone_button, self.skip_button)
        for widget in buttons:
            actions.addWidget(widget)
        actions.addSpacing(24)
        batch: tuple[QWidget, ...] = (self.batch_button, self.progress, self.cancel_button)
        for widget in batch:
            actions.addWidget(widget)
        actions.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([430, 150])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def reload(self) -> None:
        workspace, as_of = self.context.workspace, self.context.as_of

        def load() -> Loaded:
            return next_steps.build_todo(workspace, as_of), entries.segment_choices(workspace)
        self.context.runner.submit(load, self._show, context=self, progress=_("Computing the next steps…"))

    def _show(self, loaded: Loaded) -> None:
        todo, segments = loaded
        current = self.current()
        keep = self._keep_key or (current.key if current else None)
        self._keep_key = None
        self.todo = todo
        self.model.set_rows(todo.suggestions)
        self._fill_segments(segments)
        self._fill_channels()
        self._show_banner(todo)
        if not self._fitted and todo.suggestions:
            self.table.fit_columns(TODO_COLUMNS, stretch_key="reason")
            self._fitted = True
        self._update_counts()
        self._reselect(keep)
        self.loaded.emit()

    def _show_banner(self, todo: TodoList) -> None:
        if not todo.bank_stale:
            self.banner.hide()
            return
        if todo.last_bank_import is None:
            text = _("No bank statement has been imported: a client may already have paid. Import your statements "
                     "before sending reminders.")
        else:
            days = (todo.as_of - todo.last_bank_import).days
            text = _("The last bank statement was imported on {date} ({days} days ago): a client may already have "
                     "paid. Import your statements before sending reminders.").format(
                date=format_date(todo.last_bank_import), days=days)
        self.banner.setText("⚠ " + text)
        self.banner.show()

    def _fill_segments(self, segments: list[SegmentChoice]) -> None:
        wanted = self.segment_combo.currentData()
        self.segment_combo.blockSignals(True)
        self.segment_combo.clear()
        self.segment_combo.addItem(_("All segments"), None)
        for segment in segments:
            self.segment_combo.addItem(segment.label, segment.code)
        self.segment_combo.setCurrentIndex(max(0, self.segment_combo.findData(wanted)))
        self.segment_combo.blockSignals(False)

    def _fill_channels(self) -> None:
        """The channel filter, each group with its count of suggestions."""
        wanted = self.channel_combo.currentData()
        counts = {group: 0 for group in Group}
        for suggestion in self.model.rows:
            counts[group_of(suggestion)] += 1
        self.channel_combo.blockSignals(True)
        self.channel_combo.clear()
        self.channel_combo.addItem(_("All channels ({count})").format(count=len(self.model.rows)), None)
        for group in Group:
            self.channel_combo.addItem(f"{_(GROUP_LABELS[group])} ({counts[group]})", group)
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(wanted)))
        self.channel_combo.blockSignals(False)

    def set_channel(self, group: Group | None) -> None:
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(group)))

    def _apply_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_counts()

    def _apply_filters(self) -> None:
        group = self.channel_combo.currentData()
        cents = read_cents(self.min_amount.text()) if self.min_amount.text().strip() else 0
        self.proxy.set_filters(Group(group) if group is not None else None, self.segment_combo.currentData(),
                               max(cents or 0, 0))
        self._update_counts()

    def _update_counts(self) -> None:
        rows, shown = self.model.rows, self.proxy.rowCount()
        text = ngettext("{count} suggestion", "{count} suggestions", len(rows)).format(count=format_count(len(rows)))
        if shown != len(rows):
            text = _("{shown} of {text}").format(shown=format_count(shown), text=text)
        self.count_label.setText(text)
        claimed = sum(s.claimed_cents for s in rows)
        self._set_status(_("{suggestions} · {amount} to claim").format(
            suggestions=ngettext("{count} suggestion", "{count} suggestions", len(rows)).format(
                count=format_count(len(rows))), amount=format_cents(claimed)))
        self._selection_changed()

    # --- selection -------------------------------------------------------------------------------------------

    def visible(self) -> list[Suggestion]:
        """The suggestions shown, in the table's order."""
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                for row in range(self.proxy.rowCount())]

    def current(self) -> Suggestion | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def selected(self) -> list[Suggestion]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row()) for row in rows]

    def select_keys(self, keys: set[str]) -> None:
        """Select the rows of these suggestions (tests, and keeping the place after a reload)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = True
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.model.row_at(self.proxy.mapToSource(index).row()).key in keys:
                if first:
                    selection.setCurrentIndex(index, flags)
                    first = False
                else:
                    selection.select(index, flags)

    def _reselect(self, key: str | None) -> None:
        row = next((r for r, s in enumerate(self.visible()) if s.key == key), None) if key else None
        if row is None:
            row = 0 if self.proxy.rowCount() else None
        if row is not None:
            self.table.selectRow(row)
        self._show_detail()

    def _why_read_only(self) -> str:
        """Why nothing can be recorded now ("" when actions are possible)."""
        if self.context.workspace.read_only:
            return _("The dossier is open read-only.")
        if self.context.as_of > self.context.workspace.clock():
            return _("The list is shown for a future date: actions are recorded once done, as of today or "
                     "earlier.")
        return ""

    def _selection_changed(self) -> None:
        why = self._why_read_only()
        one = self.current() is not None
        buttons = (self.execute_button, self.postpone_button, self.skip_button, self.batch_button)
        for button in buttons[:3]:
            button.setEnabled(not why and one and self._batch is None)
        count = len(self.table.selectionModel().selectedRows())
        self.batch_button.setText(_("Execute the selection ({count})").format(count=count) if count > 1
                                  else _("Execute the selection"))
        self.batch_button.setEnabled(not why and count > 1 and self._batch is None)
        for button in buttons:
            button.setToolTip(why or self._tips.get(button, ""))

    def _show_detail(self) -> None:
        suggestion = self.current()
        if suggestion is not None:
            self.detail.setHtml(detail_html(suggestion))
        elif self.model.rows:
            self.detail.setPlainText(_("Select a suggestion to see why it is made."))
        else:
            self.detail.setPlainText(_("Nothing to do on {date}: no reminder is due.").format(
                date=format_date(self.context.as_of)))

    def _open_client(self, index: QModelIndex) -> None:
        self.client_requested.emit(self.model.row_at(self.proxy.mapToSource(index).row()).client_id)

    # --- actions ---------------------------------------------------------------------------------------------

    def execute_current(self) -> None:
        suggestion = self.current()
        if suggestion is None or not self.execute_button.isEnabled():
            return
        ws, runner, on = self.context.workspace, self.context.runner, self.context.as_of
        dialog = execution_dialog(ws, runner, on, suggestion, self)
        if dialog is not None:
            self._show_form(dialog, suggestion)
            return
        if suggestion.channel == Channel.EMAIL:  # the message is shown as it will go, then sent
            runner.submit(lambda: mail_outbox.preview_text(ws, suggestion, on),
                          lambda text: self._confirm_then_run(suggestion, text), context=self,
                          progress=_("Preparing the e-mail…"))
            return
        self._confirm_then_run(suggestion, "")

    def _confirm_then_run(self, suggestion: Suggestion, preview: str) -> None:
        ws, runner, on = self.context.workspace, self.context.runner, self.context.as_of
        title, question = confirmation(suggestion)
        if preview:
            question = preview + "\n\n" + _("Send this message now?")
        if not self.confirm(title, question):
            return
        self._next_after(suggestion)
        if suggestion.channel == Channel.LETTER:
            runner.submit(lambda: letters.execute_letter_step(ws, suggestion, on), self._letter_made,
                          context=self, progress=_("Producing the letter…"))
        elif suggestion.channel == Channel.EMAIL:
            runner.submit(lambda: mail_outbox.execute_email_step(ws, suggestion, on), self._mailed,
                          context=self, progress=_("Sending the e-mail…"))
        else:
            runner.submit(lambda: todo_actions.execute_suggestion(ws, suggestion, on), self._acted,
                          context=self, progress=_("Saving…"))

    def _mailed(self, result: object) -> None:
        self._acted()
        if isinstance(result, mail_outbox.SendReport) and (text := mail_outbox.report_text(result)):
            self.inform(_("E-mail"), text)

    def _letter_made(self, result: object) -> None:
        """A letter step was executed (here or through the notice dialog): the list reloads, the letter opens."""
        self._acted()
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], LetterDocument):
            self._preview(result[1], result[1].filename)

    def _preview(self, document: PdfFile, title: str) -> None:
        self.preview = LetterPreviewDialog(self.context.runner, title or _("Letter"), None, parent=self,
                                           document=document)
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.open()

    def _open_form(self, cls: Callable[..., EntryDialog]) -> None:
        suggestion = self.current()
        if suggestion is not None:
            self._show_form(cls(self.context.workspace, self.context.runner, self.context.as_of, suggestion, self),
                            suggestion)

    def _show_form(self, dialog: EntryDialog, suggestion: Suggestion) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _result: self._next_after(suggestion))
        dialog.saved.connect(self._letter_made)  # reloads; opens the letter when the form produced one
        dialog.open()

    def _next_after(self, suggestion: Suggestion) -> None:
        """After acting on a row, the list keeps its place: the row below is selected once it reloads."""
        keys = [s.key for s in self.visible()]
        if suggestion.key in keys:
            position = keys.index(suggestion.key)
            rest = keys[position + 1:] + keys[:position][::-1]
            self._keep_key = rest[0] if rest else None

    def _acted(self, _result: object = None) -> None:
        self._refresh()  # at once, even hidden behind a dialog: the row acted on must go
        self.data_changed.emit()

    def execute_selection(self) -> None:
        chosen = self.selected()
        refused = [message for s in chosen if (message := batch_refusal(s))]
        batch = [s for s in chosen if not batch_refusal(s)]
        if refused:
            self.inform(_("Execute the selection"), _(
                "These are left out of the batch; execute them one by one:\n{list}").format(
                list="\n".join(refused[:12]) + ("\n…" if len(refused) > 12 else "")))
        if not batch:
            return
        ws = self.context.workspace
        self.context.runner.submit(lambda: mail.mail_settings(ws).configured,
                                   lambda ready: self._confirm_batch(batch, ready), context=self)

    def _confirm_batch(self, batch: list[Suggestion], mail_ready: bool) -> None:
        if self.confirm(_("Execute the selection"), batch_question(batch, mail_ready)):
            self._start_batch(batch)

    def _start_batch(self, batch: list[Suggestion]) -> None:
        progress = self._batch = BatchProgress()
        progress.advanced.connect(self._advanced)
        self.progress.setRange(0, len(batch))
        self.progress.setValue(0)
        self.progress.setFormat(_("%v of %m"))
        self.progress.show()
        self.cancel_button.show()
        self._selection_changed()
        ws, on = self.context.workspace, self.context.as_of
        self.context.runner.submit(lambda: mail_outbox.execute_selection(ws, batch, on, progress=progress.report),
                                   self._batch_done, on_error=self._batch_failed, context=self)

    def _advanced(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _cancel_batch(self) -> None:
        if self._batch is not None:
            self._batch.cancelled = True

    def _end_batch(self) -> None:
        self._batch = None
        self.progress.hide()
        self.cancel_button.hide()
        self._acted()

    def _batch_done(self, executed: ExecutedLetters) -> None:
        self._end_batch()
        result = executed.result
        text = ngettext("{count} step recorded.", "{count} steps recorded.", len(result.action_ids)).format(
            count=format_count(len(result.action_ids)))
        if executed.document is not None:
            text += "\n" + ngettext("{count} letter to print opens now.", "{count} letters to print open now.",
                                     executed.document.count).format(count=format_count(executed.document.count))
        if isinstance(executed, mail_outbox.ExecutedBatch) and executed.mail_text:
            text += "\n" + executed.mail_text
        if result.cancelled:
            text += "\n" + _("Stopped before the end.")
        if result.refused:
            text += "\n\n" + _("Not executed:") + "\n" + "\n".join(message for _key, message in result.refused[:12])
        self.last_batch_message = text
        self.inform(_("Execute the selection"), text)
        if executed.document is not None:
            self._preview(executed.document, _("The day's letters"))

    def _batch_failed(self, error: BaseException) -> None:
        self._end_batch()
        show_error(self, error)


def wire_todo(window: MainWindow) -> None:
    """Double-clicking a suggestion opens its client's page; an action recorded reloads the other pages."""
    view = window.views.get("todo")
    if not isinstance(view, TodoView):
        return
    def reload_others() -> None:
        for other in window.views.values():
            if other is not view:
                other.invalidate()
    view.client_requested.connect(window.show_client)
    view.data_changed.connect(reload_others)

"""Fichier > Boîte d'envoi…: queued, sending, sent and refused messages with the server's answer; send now, send
again (an interrupted or refused message, on the user's word), mark an interrupted message as sent, save as .eml for
the user's own mail client; and the status-bar notice that messages were left interrupted when the dossier opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.kinds import OutboxState
from app.i18n import N_, _, ngettext
from app.services import mail_outbox
from app.services.mail_outbox import OutboxRow, SendReport
from app.services.workspace import Workspace
from app.ui.tasks import Runner

WARNING_COLOUR = "#b45309"
HEADERS = (N_("State"), N_("To"), N_("Subject"), N_("Attempts"), N_("Server's answer"))
STATE_LABELS = {OutboxState.QUEUED: N_("queued"), OutboxState.SENDING: N_("interrupted — to be checked"),
                OutboxState.SENT: N_("sent"), OutboxState.FAILED: N_("refused")}
INTERRUPTED_HELP = N_(
    "Encaisse was closed or cut off while sending this message to {to}: it may or may not have reached the server. "
    "Look for it in your mailbox's sent items (many providers keep a copy) or ask the recipient; its Message-ID is "
    "{message_id}.\nIf it did not arrive, choose “Send again”: the very same message goes, with the same Message-ID, "
    "so a mail program shows it only once. If it did, choose “Mark as sent”. It is never sent again on its own.")


class OutboxDialog(QDialog):
    """The outbox, newest last; every action runs on the worker and reloads the list."""

    def __init__(self, ws: Workspace, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Outbox"))
        self.ws, self.runner = ws, runner
        self.rows: tuple[OutboxRow, ...] = ()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.send_button = QPushButton(_("Send now"))
        self.send_button.clicked.connect(self.send_now)
        self.again_button = QPushButton(_("Send again"))
        self.again_button.clicked.connect(self.send_again)
        self.mark_button = QPushButton(_("Mark as sent"))
        self.mark_button.clicked.connect(self.mark_sent)
        self.save_button = QPushButton(_("Save as .eml…"))
        self.save_button.clicked.connect(self.save_eml)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy the Message-ID
        self.detail.setStyleSheet("QLabel { background: #fff8e1; border: 1px solid #ffcc80; border-radius: 4px;"
                                  " padding: 8px; }")
        self.detail.hide()
        buttons = QHBoxLayout()
        for button in (self.send_button, self.again_button, self.mark_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._selected_changed)
        self.resize(1180, 480)
        self.reload()

    def reload(self) -> None:
        self.runner.submit(lambda: mail_outbox.outbox(self.ws), self._show, context=self)

    def _show(self, rows: tuple[OutboxRow, ...]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            answer = row.server_answer if row.state is OutboxState.SENT else row.last_error
            for column, text in enumerate((_(STATE_LABELS[row.state]), row.recipient, row.subject,
                                           str(row.attempts), answer)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the cell is one line: the whole text on hover
                if row.state is OutboxState.SENDING:
                    item.setForeground(QColor(WARNING_COLOUR))
                self.table.setItem(index, column, item)
        for column in (0, 1, 3):
            self.table.resizeColumnToContents(column)
        self.table.setColumnWidth(2, 380)
        interrupted = [index for index, row in enumerate(rows) if row.state is OutboxState.SENDING]
        if interrupted:  # the user opened the outbox to check them: the first one is ready, with its explanation
            self.table.selectRow(interrupted[0])
        self._selected_changed()

    def _selected_changed(self) -> None:
        row = self.selected()
        state = row.state if row is not None else None
        writable = not self.ws.read_only  # a read-only dossier shows its outbox but sends nothing
        self.send_button.setEnabled(writable)
        self.again_button.setEnabled(writable and state in (OutboxState.SENDING, OutboxState.FAILED))
        self.mark_button.setEnabled(writable and state is OutboxState.SENDING)
        self.save_button.setEnabled(row is not None)
        self.detail.setVisible(state is OutboxState.SENDING)
        if row is not None and state is OutboxState.SENDING:
            self.detail.setText(_(INTERRUPTED_HELP).format(to=row.recipient, message_id=row.message_id))

    def selected(self) -> OutboxRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def send_now(self) -> None:
        self.runner.submit(lambda: mail_outbox.send_queued(self.ws), self._sent, context=self,
                           progress=_("Sending the e-mails…"))

    def _sent(self, report: SendReport) -> None:
        self.status.setText(mail_outbox.report_text(report) or _("{count} sent.").format(count=len(report.sent)))
        self.reload()

    def mark_sent(self) -> None:
        row = self.selected()
        if row is not None and row.state is OutboxState.SENDING:
            self.runner.submit(lambda: mail_outbox.mark_sent(self.ws, row.id), lambda _done: self._marked(),
                               context=self)

    def _marked(self) -> None:
        self.status.setText(_("Kept as sent; it will not be sent again."))
        self.reload()

    def send_again(self) -> None:
        row = self.selected()
        if row is not None and row.state in (OutboxState.SENDING, OutboxState.FAILED):
            self.runner.submit(lambda: mail_outbox.confirm_resend(self.ws, row.id), lambda _done: self.send_now(),
                               context=self)

    def save_eml(self, path: Path | None = None) -> None:
        row = self.selected()
        if row is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the message"), f"{row.id}.eml",
                                                          _("E-mail messages (*.eml)"))
            if not chosen:
                return
            path = Path(chosen)
        target = path
        self.runner.submit(lambda: mail_outbox.save_eml(self.ws, row.id, target), lambda _done: None, context=self)


class InterruptedNotice(QPushButton):
    """In the status bar while messages are left interrupted mid-send (found when the dossier opens); a click opens
    the outbox on them. Hidden when there are none."""

    def __init__(self, window: QMainWindow, ws: Workspace, runner: Runner) -> None:
        super().__init__(window)
        self.window_, self.ws, self.runner = window, ws, runner
        self.setObjectName("interrupted_mail")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(f"QPushButton {{ color: {WARNING_COLOUR}; font-weight: bold; border: none;"
                           " padding: 0 10px; }")
        self.setToolTip(_("It may or may not have reached the server: open the outbox to check, then send it "
                          "again or mark it as sent."))
        self.hide()
        self.clicked.connect(self.open_outbox)
        window.statusBar().addPermanentWidget(self)
        self.refresh()

    def refresh(self) -> None:
        self.runner.submit(lambda: mail_outbox.interrupted_count(self.ws), self._show_count, context=self)

    def _show_count(self, count: int) -> None:
        self.setText("⚠ " + ngettext("{count} e-mail interrupted while sending — to check",
                                     "{count} e-mails interrupted while sending — to check", count).format(count=count))
        self.setVisible(count > 0)

    def open_outbox(self) -> OutboxDialog:
        dialog = OutboxDialog(self.ws, self.runner, self.window_)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()
        return dialog

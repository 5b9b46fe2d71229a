"""Fichier > Boîte d'envoi…: queued, sending, sent and refused messages with the server's answer; send now, send
again (an interrupted or refused message, on the user's word), save as .eml for the user's own mail client."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.kinds import OutboxState
from app.i18n import N_, _
from app.services import mail_outbox
from app.services.mail_outbox import OutboxRow, SendReport
from app.services.workspace import Workspace
from app.ui.tasks import Runner

HEADERS = (N_("State"), N_("To"), N_("Subject"), N_("Attempts"), N_("Server's answer"))
STATE_LABELS = {OutboxState.QUEUED: N_("queued"), OutboxState.SENDING: N_("interrupted while sending"),
                OutboxState.SENT: N_("sent"), OutboxState.FAILED: N_("refused")}


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
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.send_button = QPushButton(_("Send now"))
        self.send_button.clicked.connect(self.send_now)
        self.again_button = QPushButton(_("Send again"))
        self.again_button.clicked.connect(self.send_again)
        self.save_button = QPushButton(_("Save as .eml…"))
        self.save_button.clicked.connect(self.save_eml)
        buttons = QHBoxLayout()
        for button in (self.send_button, self.again_button, self.save_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(900, 400)
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
                self.table.setItem(index, column, QTableWidgetItem(text))

    def selected(self) -> OutboxRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def send_now(self) -> None:
        self.runner.submit(lambda: mail_outbox.send_queued(self.ws), self._sent, context=self,
                           progress=_("Sending the e-mails…"))

    def _sent(self, report: SendReport) -> None:
        self.status.setText(mail_outbox.report_text(report) or _("{count} sent.").format(count=len(report.sent)))
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

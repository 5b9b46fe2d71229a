"""Paramètres > Messagerie…: the dossier's SMTP account and sender identity, the password kept in the OS keyring,
"Tester la connexion" naming the stage that failed, and the explicit acceptance of a self-signed certificate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.mail.secrets import keyring_available, no_keyring_message
from app.mail.smtp import Security, Stage
from app.services import mail
from app.services.mail import ConnectionReport, MailSettings
from app.services.workspace import Workspace
from app.ui.tasks import Runner

SECURITY_LABELS = ((Security.STARTTLS, "STARTTLS (587)"), (Security.TLS, "TLS (465)"), (Security.NONE, "—"))


class MailSettingsDialog(QDialog):
    """The form; the password is never shown back, only replaced."""

    def __init__(self, ws: Workspace, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("E-mail"))
        self.ws, self.runner = ws, runner
        self.fingerprint = ""
        self.host, self.user, self.password = QLineEdit(), QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for value, label in SECURITY_LABELS:
            self.security.addItem(label, value.value)
        self.sender_name, self.sender_address, self.reply_to = QLineEdit(), QLineEdit(), QLineEdit()
        self.signature = QPlainTextEdit()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.accept_button = QPushButton(_("Trust this certificate"))
        self.accept_button.hide()
        self.accept_button.clicked.connect(self.accept_certificate)
        self.test_button = QPushButton(_("Test the connection"))
        self.test_button.clicked.connect(self.test_connection)
        self._layout()
        runner.submit(lambda: mail.mail_settings(ws), self._fill, context=self)

    def _layout(self) -> None:
        form = QFormLayout()
        for label, widget in ((_("SMTP server"), self.host), (_("Port"), self.port), (_("Security"), self.security),
                              (_("User name"), self.user), (_("Password"), self.password),
                              (_("Sender name"), self.sender_name), (_("Sender address"), self.sender_address),
                              (_("Reply-to"), self.reply_to), (_("Signature"), self.signature)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not keyring_available():
            layout.addWidget(QLabel(no_keyring_message()))
        layout.addWidget(self.test_button)
        layout.addWidget(self.status)
        layout.addWidget(self.accept_button)
        layout.addWidget(buttons)

    def _fill(self, settings: MailSettings) -> None:
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.security.setCurrentIndex(max(0, self.security.findData(settings.security.value)))
        self.user.setText(settings.user)
        self.sender_name.setText(settings.sender_name)
        self.sender_address.setText(settings.sender_address)
        self.reply_to.setText(settings.reply_to)
        self.signature.setPlainText(settings.signature)

    def settings(self) -> MailSettings:
        return MailSettings(self.host.text().strip(), self.port.value(), Security(self.security.currentData()),
                            self.user.text().strip(), self.sender_name.text().strip(),
                            self.sender_address.text().strip(), self.reply_to.text().strip(),
                            self.signature.toPlainText().strip())

    def _typed_password(self) -> str | None:
        return self.password.text() or None  # empty: the one already stored

    def test_connection(self) -> None:
        settings, password = self.settings(), self._typed_password()
        self.status.setText(_("Connecting…"))
        self.runner.submit(lambda: mail.try_connection(self.ws, password, settings), self._tested, context=self,
                           progress=_("Testing the connection…"))

    def _tested(self, report: ConnectionReport) -> None:
        self.status.setText(report.message)
        self.fingerprint = report.outcome.fingerprint if report.outcome.stage is Stage.CERTIFICATE else ""
        self.accept_button.setVisible(bool(self.fingerprint))

    def accept_certificate(self) -> None:
        settings, fingerprint = self.settings(), self.fingerprint
        self.runner.submit(lambda: mail.accept_certificate(self.ws, fingerprint, settings),
                           lambda _done: self.test_connection(), context=self)

    def save(self) -> None:
        settings, password = self.settings(), self._typed_password()

        def work() -> None:
            mail.save_mail_settings(self.ws, settings)
            if password is not None:
                mail.store_password(self.ws, password)
        self.runner.submit(work, lambda _done: self.accept(), context=self)


def add_mail_menu(window: QMainWindow, ws: Workspace, runner: Runner, read_only: bool,
                  as_of: Callable[[], date] = date.today) -> QAction:
    """Paramètres > Messagerie… and Textes des e-mails…, Fichier > Boîte d'envoi…; returns the first (tests
    trigger it)."""
    settings = next((menu for menu in window.menuBar().findChildren(QMenu) if menu.title() == _("&Settings")),
                    None) or window.menuBar().addMenu(_("&Settings"))
    action = QAction(_("&E-mail…"), window)
    settings.addAction(action)
    action.setObjectName("settings_mail")
    action.setEnabled(not read_only)

    def open_dialog() -> None:
        dialog = MailSettingsDialog(ws, runner, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
    action.triggered.connect(lambda _checked=False: open_dialog())
    texts = QAction(_("E-mail &texts…"), window)
    texts.setObjectName("settings_mail_texts")
    settings.addAction(texts)

    def open_texts() -> None:
        from app.ui.mail_templates import MailTemplatesDialog  # the editor and its preview

        dialog = MailTemplatesDialog(ws, runner, as_of(), read_only, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
    texts.triggered.connect(lambda _checked=False: open_texts())
    file_menu = next((menu for menu in window.menuBar().findChildren(QMenu) if menu.title() == _("&File")), settings)
    outbox = QAction(_("Out&box…"), window)
    outbox.setObjectName("file_outbox")
    file_menu.addAction(outbox)
    from app.ui.mail_outbox import InterruptedNotice  # the outbox dialog, and the notice of interrupted sends

    notice = InterruptedNotice(window, ws, runner)  # counts on opening the dossier; refreshed when the outbox closes
    outbox.triggered.connect(lambda _checked=False: notice.open_outbox())
    todo = getattr(window, "views", {}).get("todo")
    if todo is not None and hasattr(todo, "data_changed"):  # a send cut off during an À faire step shows at once
        todo.data_changed.connect(notice.refresh)
    return action

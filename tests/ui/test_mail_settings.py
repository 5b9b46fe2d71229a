"""Paramètres > Messagerie…: the account saved with its password in the keyring (never in the dossier), the
connection test naming a refused self-signed certificate, trusted by an explicit click, then succeeding."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from pytestqt.qtbot import QtBot

from app.mail.smtp import Security
from app.services import mail
from app.services.workspace import Workspace
from app.ui.mail_settings import MailSettingsDialog
from app.ui.tasks import SyncRunner
from tests.mail.smtpd import PASSWORD, USER, MemoryKeyring, smtp_server


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _fill(dialog: MailSettingsDialog, port: int) -> None:
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(port)
    dialog.security.setCurrentIndex(dialog.security.findData(Security.STARTTLS.value))
    dialog.user.setText(USER)
    dialog.password.setText(PASSWORD)
    dialog.sender_name.setText("Atelier Test")
    dialog.sender_address.setText("relances@atelier-test.fr")


def test_a_self_signed_server_is_trusted_by_an_explicit_click(qtbot: QtBot, workspace: Workspace,
                                                               memory_keyring: MemoryKeyring) -> None:
    dialog = MailSettingsDialog(workspace, SyncRunner())
    qtbot.addWidget(dialog)
    with smtp_server(starttls=True, auth=True) as server:
        _fill(dialog, server.port)
        dialog.test_button.click()
        assert "certificat" in dialog.status.text() and not dialog.accept_button.isHidden()
        dialog.accept_button.click()
        assert dialog.status.text() == "Connexion à 127.0.0.1 réussie." and dialog.accept_button.isHidden()
    dialog.save()
    saved = mail.mail_settings(workspace)
    assert saved.host == "127.0.0.1" and saved.port == server.port and saved.user == USER
    assert list(memory_keyring.entries.values()) == [PASSWORD]
    assert PASSWORD.encode() not in workspace.path.read_bytes()

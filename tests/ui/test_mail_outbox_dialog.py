"""The outbox dialog: an offline message shown queued with the reason, sent on "Send now" once the server is
there, saved as .eml."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest
from pytestqt.qtbot import QtBot

from app.mail.smtp import Security
from app.services import clients, mail, mail_outbox, next_steps
from app.services.dto import ContactInput
from app.services.workspace import Workspace
from app.ui.mail_outbox import OutboxDialog
from app.ui.tasks import SyncRunner
from tests.conftest import TODAY
from tests.mail.smtpd import MemoryKeyring, free_port, smtp_server
from tests.services.ledger import Ledger


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def _settings(port: int) -> mail.MailSettings:
    return mail.MailSettings("127.0.0.1", port, Security.NONE, "", "Atelier Test", "relances@atelier-test.fr")


def test_offline_then_sent_then_saved(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    book = Ledger(workspace)
    client_id = book.client("ALPHA", "Alpha SARL", address_line1="1 rue A", postcode="69001", city="Lyon")
    book.invoice("ALPHA", "F-ALPHA", date(2026, 10, 10), date(2026, 11, 10), 100_000)
    clients.add_contact(workspace, ContactInput(client_id, "Paul Alpha", email="paul@alpha.fr", is_billing=True))
    mail.save_mail_settings(workspace, _settings(free_port()))
    (suggestion,) = next_steps.build_todo(workspace, TODAY).suggestions
    mail_outbox.execute_email_step(workspace, suggestion, TODAY)
    dialog = OutboxDialog(workspace, SyncRunner())
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "en attente"
    assert "refuse la connexion" in dialog.table.item(0, 4).text()
    with smtp_server() as server:
        mail.save_mail_settings(workspace, _settings(server.port))
        dialog.send_button.click()
    assert len(server.handler.received) == 1 and dialog.table.item(0, 0).text() == "envoyé"
    assert dialog.table.item(0, 4).text().startswith("250")
    dialog.table.selectRow(0)
    dialog.save_eml(tmp_path / "m.eml")
    assert (tmp_path / "m.eml").read_bytes() == mail_outbox.eml_bytes(workspace, dialog.rows[0].id)

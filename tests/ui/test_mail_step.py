"""Executing an e-mail step in "À faire" with an e-mail account set up: the message goes to the loopback SMTP
server with its letter, the outbox keeps it as sent; offline it stays queued and the user is told why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest
from pytestqt.qtbot import QtBot

from app.domain.kinds import Channel, OutboxState
from app.mail.smtp import Security
from app.services import clients, mail, mail_outbox
from app.services.clock import fixed_clock
from app.services.dto import ContactInput
from app.services.workspace import Workspace, create_workspace
from app.ui.tasks import SyncRunner
from app.ui.todo_view import TodoView
from app.ui.view_base import ViewContext
from tests.conftest import COMPANY, TODAY
from tests.mail.smtpd import MemoryKeyring, free_port, smtp_server
from tests.services.ledger import Ledger


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def dossier(tmp_path: Path) -> Iterator[Workspace]:
    ws = create_workspace(tmp_path / "mail.encaisse", COMPANY, clock=fixed_clock(TODAY))
    book = Ledger(ws)
    client_id = book.client("ALPHA", "Alpha SARL", address_line1="1 rue A", postcode="69001", city="Lyon")
    book.invoice("ALPHA", "F-ALPHA", date(2026, 10, 10), date(2026, 11, 10), 100_000)
    clients.add_contact(ws, ContactInput(client_id, "Paul Alpha", email="paul@alpha.fr", is_billing=True))
    yield ws
    ws.close()


def _view(qtbot: QtBot, ws: Workspace, told: list[str], asked: list[str] | None = None) -> TodoView:
    view = TodoView(ViewContext(ws, SyncRunner(), TODAY))
    qtbot.addWidget(view)
    view.confirm = lambda _title, text: (asked if asked is not None else []).append(text) or True
    view.inform = lambda _title, text: told.append(text)
    view.ensure_loaded()
    return view


def _settings(port: int) -> mail.MailSettings:
    return mail.MailSettings("127.0.0.1", port, Security.NONE, "", "Atelier Test", "relances@atelier-test.fr")


def test_an_email_step_is_sent_with_its_letter(qtbot: QtBot, dossier: Workspace) -> None:
    told: list[str] = []
    asked: list[str] = []
    with smtp_server() as server:
        mail.save_mail_settings(dossier, _settings(server.port))
        view = _view(qtbot, dossier, told, asked)
        view.table.selectRow(0)
        current = view.current()
        assert current is not None and current.channel is Channel.EMAIL
        view.execute_current()
    (got,) = server.handler.received
    assert got.recipients == ["paul@alpha.fr"] and "F-ALPHA" in got.message["Subject"]
    assert [part.get_content_type() for part in got.message.iter_attachments()] == ["application/pdf"]
    assert [row.state for row in mail_outbox.outbox(dossier)] == [OutboxState.SENT] and told == []
    assert view.current() is None
    (preview,) = asked  # the message was shown as it went: recipient, subject, attachment, body
    assert preview.startswith("À : paul@alpha.fr\nObjet : ") and ".pdf" in preview and "Paul Alpha" in preview


def test_offline_the_message_stays_queued_and_the_user_is_told(qtbot: QtBot, dossier: Workspace) -> None:
    told: list[str] = []
    mail.save_mail_settings(dossier, _settings(free_port()))
    view = _view(qtbot, dossier, told)
    view.table.selectRow(0)
    view.execute_current()
    assert [row.state for row in mail_outbox.outbox(dossier)] == [OutboxState.QUEUED]
    assert len(told) == 1 and "boîte d'envoi" in told[0]

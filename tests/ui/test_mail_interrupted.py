"""A dossier whose app was killed in the middle of an SMTP transaction: on opening, the status bar says how many
messages were interrupted; the outbox shows them "interrompu — à vérifier" with what to check (the Message-ID) and
the user chooses: send again (once, same Message-ID) or mark as sent (never sent). Nothing goes on its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.kinds import OutboxState
from app.mail.smtp import Security
from app.services import clients, mail, mail_outbox, next_steps
from app.services.clock import fixed_clock
from app.services.dto import ContactInput
from app.services.workspace import Workspace, create_workspace, open_workspace
from app.ui.mail_outbox import InterruptedNotice, OutboxDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import SyncRunner
from app.ui.view_base import ViewContext
from tests.conftest import COMPANY, TODAY
from tests.mail.smtpd import Server, keyring_in_memory, smtp_server
from tests.services.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
SEND = "import sys; from app.services import mail_outbox; from app.services.workspace import open_workspace; " \
       "from pathlib import Path; mail_outbox.send_queued(open_workspace(Path(sys.argv[1])))"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    with keyring_in_memory():
        yield


def _killed_mid_send(path: Path, server: Server) -> None:
    """Another Encaisse process sends the outbox; the server takes the data and holds its answer; the process is
    killed (SIGKILL: no clean-up of any kind) while it waits."""
    server.handler.hold = True
    process = subprocess.Popen([sys.executable, "-c", SEND, str(path)], cwd=ROOT, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while not server.handler.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.handler.received, "the message reached the server's DATA"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


@pytest.fixture
def interrupted(tmp_path: Path) -> Iterator[tuple[Path, Server]]:
    """A dossier on disk with one reminder e-mail left in "sending" by a killed process; the server still runs."""
    path = tmp_path / "coupure.encaisse"
    ws = create_workspace(path, COMPANY, clock=fixed_clock(TODAY))
    book = Ledger(ws)
    client_id = book.client("ALPHA", "Alpha SARL", address_line1="1 rue A", postcode="69001", city="Lyon")
    book.invoice("ALPHA", "F-ALPHA", date(2026, 10, 10), date(2026, 11, 10), 100_000)
    clients.add_contact(ws, ContactInput(client_id, "Paul Alpha", email="paul@alpha.fr", is_billing=True))
    with smtp_server() as server:
        mail.save_mail_settings(ws, mail.MailSettings("127.0.0.1", server.port, Security.NONE, "", "Atelier Test",
                                                      "relances@atelier-test.fr"))
        (step,) = next_steps.build_todo(ws, TODAY).suggestions
        mail_outbox.queue_reminder(ws, step, TODAY)
        ws.close()
        _killed_mid_send(path, server)
        server.handler.hold = False
        yield path, server


def _open(qtbot: QtBot, path: Path) -> tuple[Workspace, MainWindow]:
    ws = open_workspace(path, clock=fixed_clock(TODAY))
    window = MainWindow(ws.info(), ViewContext(ws, SyncRunner(), TODAY))
    qtbot.addWidget(window)
    return ws, window


def _outbox(qtbot: QtBot, window: MainWindow) -> tuple[InterruptedNotice, OutboxDialog]:
    notice = window.findChild(InterruptedNotice, "interrupted_mail")
    assert notice is not None and not notice.isHidden()
    assert notice.text() == "⚠ 1 e-mail interrompu pendant l'envoi — à vérifier"
    notice.click()
    (dialog,) = window.findChildren(OutboxDialog)
    return notice, dialog


def test_on_opening_the_interrupted_message_is_flagged_then_sent_again_once(qtbot: QtBot,
                                                                            interrupted: tuple[Path, Server]) -> None:
    path, server = interrupted
    first = server.handler.received[0].message["Message-ID"]
    ws, window = _open(qtbot, path)
    (row,) = mail_outbox.outbox(ws)
    assert row.state is OutboxState.SENDING and row.message_id == first
    assert len(server.handler.received) == 1  # opening the dossier sent nothing
    notice, dialog = _outbox(qtbot, window)
    assert dialog.table.item(0, 0).text() == "interrompu — à vérifier"
    assert dialog.detail.isVisibleTo(dialog) and first in dialog.detail.text()
    assert "peut-être" in dialog.detail.text() or "ou non" in dialog.detail.text()
    assert dialog.again_button.isEnabled() and dialog.mark_button.isEnabled()
    dialog.send_now()  # "send now" takes only the queued messages: not this one
    assert len(server.handler.received) == 1
    dialog.again_button.click()
    assert len(server.handler.received) == 2 and server.handler.received[1].message["Message-ID"] == first
    assert dialog.table.item(0, 0).text() == "envoyé" and not dialog.detail.isVisibleTo(dialog)
    dialog.close()
    assert notice.isHidden()
    ws.close()


def test_marked_as_sent_it_is_never_sent(qtbot: QtBot, interrupted: tuple[Path, Server]) -> None:
    path, server = interrupted
    ws, window = _open(qtbot, path)
    notice, dialog = _outbox(qtbot, window)
    dialog.mark_button.click()
    assert dialog.table.item(0, 0).text() == "envoyé" and "ne sera pas renvoyé" in dialog.status.text()
    assert "marqué comme envoyé" in dialog.table.item(0, 4).text()
    assert mail_outbox.send_queued(ws).sent == ()
    assert len(server.handler.received) == 1
    dialog.close()
    assert notice.isHidden()
    ws.close()


def test_a_read_only_dossier_shows_its_outbox_but_offers_no_sending(qtbot: QtBot,
                                                                    interrupted: tuple[Path, Server]) -> None:
    path, server = interrupted
    ws = open_workspace(path, read_only=True, clock=fixed_clock(TODAY))
    dialog = OutboxDialog(ws, SyncRunner())
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 0).text() == "interrompu — à vérifier"
    assert not dialog.send_button.isEnabled() and not dialog.again_button.isEnabled()
    assert not dialog.mark_button.isEnabled() and dialog.save_button.isEnabled()
    assert len(server.handler.received) == 1
    ws.close()

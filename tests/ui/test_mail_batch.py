"""À faire, executing a selection of e-mail and letter steps: the confirmation says what will happen (e-mails sent,
or only recorded without an account; letters to print), with proper plurals, and the e-mails do reach the server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from app.domain.kinds import Channel
from app.mail.smtp import Security
from app.services import clients, mail, next_steps
from app.services.dto import ContactInput
from app.services.workspace import Workspace
from app.ui.tasks import SyncRunner
from app.ui.todo_execute import batch_question
from app.ui.todo_view import TodoView
from app.ui.view_base import ViewContext
from tests.conftest import TODAY
from tests.mail.smtpd import keyring_in_memory, smtp_server
from tests.services.ledger import Ledger


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    with keyring_in_memory():
        yield


@pytest.fixture
def mixed(workspace: Workspace) -> Workspace:
    """Two clients due a first e-mail reminder (7 days late), one a second reminder by letter (20 days late)."""
    book = Ledger(workspace)
    for code, due in (("ALPHA", date(2026, 11, 16)), ("BRAVO", date(2026, 11, 16)), ("CHARLIE", date(2026, 11, 3))):
        client_id = book.client(code, f"{code.title()} SARL", address_line1="1 rue A", postcode="69001", city="Lyon")
        book.invoice(code, f"F-{code}", date(2026, 10, 1), due, 100_000)
        clients.add_contact(workspace, ContactInput(client_id, f"Compta {code}", email=f"compta@{code.lower()}.fr",
                                                    is_billing=True))
    return workspace


def _view(qtbot: QtBot, ws: Workspace, asked: list[str], told: list[str]) -> TodoView:
    view = TodoView(ViewContext(ws, SyncRunner(), TODAY))
    qtbot.addWidget(view)
    view.confirm = lambda _title, text: asked.append(text) is None
    view.inform = lambda _title, text: told.append(text)
    view.ensure_loaded()
    return view


def test_the_batch_question_says_what_will_be_sent_and_printed(qtbot: QtBot, mixed: Workspace) -> None:
    asked: list[str] = []
    told: list[str] = []
    view = _view(qtbot, mixed, asked, told)
    assert sorted(s.channel for s in view.visible()) == [Channel.EMAIL, Channel.EMAIL, Channel.LETTER]
    view.select_keys({s.key for s in view.visible()})
    with smtp_server() as server:
        mail.save_mail_settings(mixed, mail.MailSettings("127.0.0.1", server.port, Security.NONE, "", "Atelier Test",
                                                         "relances@atelier-test.fr"))
        view.execute_selection()
    assert asked[0].startswith("Envoyer 2 e-mails et produire 1 lettre à imprimer ?\n\n")
    assert "Chaque étape est enregistrée dans l'historique de son client." in asked[0]
    assert sorted(r for got in server.handler.received for r in got.recipients) == ["compta@alpha.fr",
                                                                                     "compta@bravo.fr"]
    assert view.visible() == []
    (done,) = told
    assert done.startswith("3 étapes enregistrées.") and "2 e-mails envoyés." in done


def test_offline_the_batch_says_the_emails_wait_in_the_outbox(qtbot: QtBot, mixed: Workspace) -> None:
    from tests.mail.smtpd import free_port

    told: list[str] = []
    view = _view(qtbot, mixed, [], told)
    view.select_keys({s.key for s in view.visible() if s.channel is Channel.EMAIL})
    mail.save_mail_settings(mixed, mail.MailSettings("127.0.0.1", free_port(), Security.NONE, "", "Atelier Test",
                                                     "relances@atelier-test.fr"))
    view.execute_selection()
    (done,) = told
    assert "0 e-mail envoyé." in done and "refuse la connexion" in done and "boîte d'envoi" in done


def test_without_an_account_the_question_says_the_emails_are_only_recorded(mixed: Workspace) -> None:
    steps = list(next_steps.build_todo(mixed, TODAY).suggestions)
    emails = [s for s in steps if s.channel is Channel.EMAIL]
    assert batch_question(steps, mail_ready=False).startswith(
        "Enregistrer 2 étapes d'e-mail sans les envoyer et produire 1 lettre à imprimer ?")
    assert "envoyez ces e-mails vous-même" in batch_question(steps, mail_ready=False)
    assert batch_question(emails[:1], mail_ready=True) == (
        "Envoyer 1 e-mail ?\n\nL'étape est enregistrée dans l'historique du client. Ce qui ne peut pas partir "
        "maintenant reste dans la boîte d'envoi (Fichier > Boîte d'envoi…).")
    letters = [replace(s, channel=Channel.LETTER) for s in emails]
    assert batch_question(letters, mail_ready=True).startswith("Produire 2 lettres à imprimer ?")

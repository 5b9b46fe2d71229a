"""The outbox against a real loopback SMTP server: a reminder step queued with its letter, sent once, refusals
and offline kept with the server's answer, an interrupted send resumed only on the user's word, .eml fallback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app.domain.kinds import Channel, OutboxState
from app.mail import secrets
from app.mail.smtp import Security, Stage
from app.models import Action, OutboxMessage
from app.services import clients, mail, mail_outbox, next_steps
from app.services.dto import ContactInput
from app.services.mail import MailSettings
from app.services.todo_dto import Suggestion
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from tests.mail.smtpd import PASSWORD, USER, MemoryKeyring, free_port, smtp_server
from tests.services.ledger import Ledger

AS_OF = date(2026, 11, 23)
TO = "compta@omega.fr"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Never the user's keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
    secrets._session.clear()


@pytest.fixture
def omega(workspace: Workspace) -> Ledger:
    """OMEGA owes R1, 1 200,00 € due 10/11/2026: the first e-mail reminder is due; its billing contact has an
    address."""
    book = Ledger(workspace)
    client_id = book.client("OMEGA", "Oméga SAS", address_line1="2 rue Neuve", postcode="69001", city="Lyon")
    book.invoice("OMEGA", "R1", date(2026, 10, 10), date(2026, 11, 10), 120_000)
    clients.add_contact(workspace, ContactInput(client_id, "Claire Martin", email=TO, is_billing=True))
    return book


def _settings(port: int, security: Security = Security.NONE, user: str = "") -> MailSettings:
    return MailSettings("127.0.0.1", port, security, user, "Atelier Test", "relances@atelier-test.fr",
                        "contact@atelier-test.fr", "Jeanne Durand\nAtelier Test")


def _email_step(ws: Workspace) -> Suggestion:
    suggestion = next(s for s in next_steps.build_todo(ws, AS_OF).suggestions if s.client_code == "OMEGA")
    assert suggestion.channel is Channel.EMAIL
    return suggestion


def test_a_queued_reminder_arrives_once_with_its_letter_and_is_recorded(workspace: Workspace, omega: Ledger) -> None:
    with smtp_server() as server:
        mail.save_mail_settings(workspace, _settings(server.port))
        outbox_id = mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)
        assert [r.state for r in mail_outbox.outbox(workspace)] == [OutboxState.QUEUED]
        seen: list[tuple[int, int]] = []
        report = mail_outbox.send_queued(workspace, progress=lambda done, total: seen.append((done, total)))
        again = mail_outbox.send_queued(workspace)  # nothing left: nothing sent twice
    assert report.sent == (outbox_id,) and seen == [(1, 1)] and again.sent == ()
    (got,) = server.handler.received
    assert got.recipients == [TO] and got.sender == "relances@atelier-test.fr"
    assert "R1" in got.message["Subject"] and got.message["Reply-To"] == "contact@atelier-test.fr"
    body = got.message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Claire Martin" in text and "200,00" in text and "Jeanne Durand" in text
    (pdf,) = list(got.message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF")
    (row,) = mail_outbox.outbox(workspace)
    assert row.state is OutboxState.SENT and row.server_answer.startswith("250") and row.sent_at is not None
    assert row.message_id == got.message["Message-ID"]
    with workspace.dossier.reading() as session:
        action = session.get(Action, row.action_id)
        assert action is not None and action.channel is Channel.EMAIL and action.document_id is not None
        assert json.loads(action.details)["email_to"] == TO
    assert next_steps.build_todo(workspace, AS_OF).suggestions == ()  # the step is done: not queued twice


def test_a_refusal_is_kept_with_the_servers_answer_and_offline_messages_stay_queued(workspace: Workspace,
                                                                                    omega: Ledger) -> None:
    closed = free_port()
    mail.save_mail_settings(workspace, _settings(closed))
    outbox_id = mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)
    offline = mail_outbox.send_queued(workspace)
    assert offline.connection is not None and offline.connection.stage is Stage.REFUSED
    assert offline.still_queued == (outbox_id,) and "refuse la connexion" in offline.message
    (row,) = mail_outbox.outbox(workspace)
    assert row.state is OutboxState.QUEUED and row.attempts == 1 and "refuse" in row.last_error
    with smtp_server() as server:
        server.handler.refuse.add(TO)
        mail.save_mail_settings(workspace, _settings(server.port))
        refused = mail_outbox.send_queued(workspace)
        assert refused.failed == (outbox_id,)
        (row,) = mail_outbox.outbox(workspace)
        assert row.state is OutboxState.FAILED and row.last_error.startswith("550")
        server.handler.refuse.clear()
        mail_outbox.retry(workspace, outbox_id)
        assert mail_outbox.send_queued(workspace).sent == (outbox_id,)
    assert len(server.handler.received) == 1


def test_an_interrupted_send_waits_for_the_user_then_goes_once_with_the_same_message_id(
        workspace: Workspace, omega: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server() as server:
        mail.save_mail_settings(workspace, _settings(server.port))
        outbox_id = mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)

        def crash(*_args: object) -> str:
            raise KeyboardInterrupt  # the program dies after "sending" was committed, before the SMTP transaction

        with monkeypatch.context() as patch:
            patch.setattr(mail_outbox.smtp, "send", crash)
            with pytest.raises(KeyboardInterrupt):
                mail_outbox.send_queued(workspace)
        (row,) = mail_outbox.outbox(workspace)
        assert row.state is OutboxState.SENDING
        assert mail_outbox.send_queued(workspace).sent == ()  # uncertain: never re-sent on its own
        assert server.handler.received == []
        mail_outbox.confirm_resend(workspace, outbox_id)
        assert mail_outbox.send_queued(workspace).sent == (outbox_id,)
    (got,) = server.handler.received
    assert got.message["Message-ID"] == row.message_id


def test_starttls_with_auth_needs_the_accepted_certificate_and_the_keyring_password(
        workspace: Workspace, omega: Ledger, memory_keyring: MemoryKeyring) -> None:
    with smtp_server(starttls=True, auth=True) as server:
        settings = _settings(server.port, Security.STARTTLS, USER)
        mail.save_mail_settings(workspace, settings)
        assert mail.store_password(workspace, PASSWORD) is True
        ((service, name), stored), = memory_keyring.entries.items()
        assert service == "Encaisse" and name == f"{mail.dossier_key(workspace)}/{USER}" and stored == PASSWORD
        report = mail.try_connection(workspace)
        assert report.outcome.stage is Stage.CERTIFICATE and report.outcome.fingerprint == server.fingerprint
        mail.accept_certificate(workspace, report.outcome.fingerprint)
        assert mail.try_connection(workspace).outcome.ok
        mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)
        assert len(mail_outbox.send_queued(workspace).sent) == 1
    assert len(server.handler.received) == 1
    raw = workspace.path.read_bytes()
    assert PASSWORD.encode() not in raw  # never in the dossier


def test_without_a_keyring_the_password_is_kept_for_the_session_only(workspace: Workspace) -> None:
    keyring.set_keyring(fail.Keyring())
    assert not secrets.keyring_available() and "trousseau" in secrets.no_keyring_message()
    mail.save_mail_settings(workspace, _settings(25, user=USER))
    assert mail.store_password(workspace, PASSWORD) is False
    assert mail.stored_password(workspace) == PASSWORD


def test_settings_are_checked_and_the_eml_can_be_saved(workspace: Workspace, omega: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed):
        mail.save_mail_settings(workspace, replace(_settings(25), sender_address="nobody"))
    with pytest.raises(mail_outbox.MailNotReady):
        mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)
    mail.save_mail_settings(workspace, _settings(25))
    outbox_id = mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)
    path = mail_outbox.save_eml(workspace, outbox_id, tmp_path / "relance.eml")
    with workspace.dossier.reading() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None and path.read_bytes() == row.eml and b"Message-ID: <encaisse." in row.eml


def test_a_connection_cut_after_the_data_leaves_the_message_uncertain_not_resent(workspace: Workspace,
                                                                                 omega: Ledger) -> None:
    with smtp_server() as server:
        mail.save_mail_settings(workspace, _settings(server.port))
        outbox_id = mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)
        server.handler.drop = True
        report = mail_outbox.send_queued(workspace)
        assert report.sent == () and report.failed == ()
        (row,) = mail_outbox.outbox(workspace)
        assert row.state is OutboxState.SENDING and row.last_error  # it may have gone: the user decides
        server.handler.drop = False
        assert mail_outbox.send_queued(workspace).sent == ()
        mail_outbox.confirm_resend(workspace, outbox_id)
        assert mail_outbox.send_queued(workspace).sent == (outbox_id,)
    first, second = server.handler.received
    assert first.message["Message-ID"] == second.message["Message-ID"]  # the recipient's client sees one message


def test_the_days_batch_sends_the_email_steps_through_the_outbox(workspace: Workspace, omega: Ledger) -> None:
    with smtp_server() as server:
        mail.save_mail_settings(workspace, _settings(server.port))
        seen: list[tuple[int, int]] = []
        made = mail_outbox.execute_selection(workspace, [_email_step(workspace)], AS_OF,
                                             progress=lambda done, total: seen.append((done, total)))
    assert len(made.result.action_ids) == 1 and made.result.refused == () and seen == [(1, 1)]
    assert len(server.handler.received) == 1
    (row,) = mail_outbox.outbox(workspace)
    assert row.state is OutboxState.SENT and row.action_id == made.result.action_ids[0]


def test_templates_follow_the_clients_language_and_the_users_wording(workspace: Workspace, omega: Ledger) -> None:
    from app.letters.templating import PLACEHOLDERS
    from app.mail.templating import MailTemplateRefused

    mail.save_mail_settings(workspace, _settings(25))
    allowed = (*PLACEHOLDERS, *mail.MAIL_EXTRAS)
    with pytest.raises(MailTemplateRefused, match="password"):
        mail.save_mail_template(workspace, "reminder_1", "fr", {"subject": "{{ password }}", "body": "x"}, allowed)
    mail.save_mail_template(workspace, "reminder_1", "fr", {"subject": "Relance {{ client_code }}",
                                                             "body": "Reste dû : {{ claimed_amount }}"}, allowed)
    draft, _pdf, _name = mail_outbox.draft_reminder(workspace, _email_step(workspace), AS_OF)
    assert draft.subject == "Relance OMEGA" and draft.body.startswith("Reste dû : 1")
    assert draft.recipient == TO and [a.mime_type for a in draft.attachments] == ["application/pdf"]
    english = mail.default_mail_sections("reminder_1", "en")
    assert "invoices awaiting payment" in english["subject"]
    assert "courtesy" not in mail.default_mail_sections("../courtesy", "fr")["subject"]  # never a path


def test_the_stored_invoice_original_is_attached_after_the_letter(workspace: Workspace, omega: Ledger) -> None:
    from sqlalchemy import select

    from app.models import Invoice
    from app.services.letters import store_document

    with workspace.dossier.transaction() as session:
        invoice = session.scalar(select(Invoice).where(Invoice.number == "R1"))
        assert invoice is not None
        invoice.original_document_id = store_document(session, "R1.pdf", b"%PDF-1.7 original R1")
    with smtp_server() as server:
        mail.save_mail_settings(workspace, _settings(server.port))
        mail_outbox.queue_reminder(workspace, _email_step(workspace), AS_OF)
        mail_outbox.send_queued(workspace)
    (got,) = server.handler.received
    letter, original = got.message.iter_attachments()
    assert letter.get_content().startswith(b"%PDF") and letter.get_filename().endswith("_OMEGA.pdf")
    assert original.get_filename() == "R1.pdf" and original.get_content() == b"%PDF-1.7 original R1"


def test_a_failure_while_queueing_leaves_no_step_no_letter_and_no_message(
        workspace: Workspace, omega: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    mail.save_mail_settings(workspace, _settings(25))
    step = _email_step(workspace)

    def full_disk(*_args: object) -> int:
        raise OSError("database or disk is full")

    monkeypatch.setattr(mail_outbox, "_insert", full_disk)
    with pytest.raises(OSError):
        mail_outbox.queue_reminder(workspace, step, AS_OF)
    with workspace.dossier.reading() as session:
        assert session.query(Action).count() == 0 and session.query(OutboxMessage).count() == 0
    monkeypatch.undo()
    assert _email_step(workspace).key == step.key  # still to do, and can be queued now
    mail_outbox.queue_reminder(workspace, step, AS_OF)
    assert len(mail_outbox.outbox(workspace)) == 1

"""SMTP against a real loopback server: each failure stage is told apart, a self-signed certificate needs its
fingerprint, messages arrive whole."""

from __future__ import annotations

import socket
from datetime import datetime

import pytest

from app.mail.message import Attachment, Envelope, build_message, message_id
from app.mail.smtp import MailFailed, Security, SmtpConfig, Stage, check_connection, close, open_connection, send
from tests.mail.smtpd import PASSWORD, USER, free_port, smtp_server


def _message() -> bytes:
    envelope = Envelope("Atelier Test", "relances@atelier-test.fr", "compta@omega.fr", "contact@atelier-test.fr")
    return build_message(envelope, "Factures en attente", "Bonjour,\n", (Attachment("lettre.pdf", b"%PDF-1.4 x"),),
                         msg_id=message_id(7, "abc123", "atelier-test.fr"), sent_at=datetime(2026, 11, 23, 9)
                         ).as_bytes()


def test_plain_server_receives_the_whole_message() -> None:
    with smtp_server() as server:
        config = SmtpConfig("127.0.0.1", server.port, Security.NONE)
        assert check_connection(config, None).ok
        client = open_connection(config, None)
        answer = send(client, _message(), "relances@atelier-test.fr", ["compta@omega.fr"])
        close(client)
    assert answer.startswith("250")
    (got,) = server.handler.received
    assert got.recipients == ["compta@omega.fr"]
    assert got.message["Message-ID"] == "<encaisse.abc123.7@atelier-test.fr>"
    assert got.message["Reply-To"] == "contact@atelier-test.fr" and "Atelier Test" in got.message["From"]
    (pdf,) = list(got.message.iter_attachments())
    assert pdf.get_filename() == "lettre.pdf" and pdf.get_content() == b"%PDF-1.4 x"


def test_a_self_signed_certificate_is_refused_until_its_fingerprint_is_accepted() -> None:
    with smtp_server(starttls=True, auth=True) as server:
        config = SmtpConfig("127.0.0.1", server.port, Security.STARTTLS, USER)
        refused = check_connection(config, PASSWORD)
        assert refused.stage is Stage.CERTIFICATE and refused.fingerprint == server.fingerprint
        assert "SHA-256" in refused.message(config) and "certificat" in refused.message(config)
        accepted = SmtpConfig("127.0.0.1", server.port, Security.STARTTLS, USER, server.fingerprint)
        assert check_connection(accepted, PASSWORD).ok
        wrong = SmtpConfig("127.0.0.1", server.port, Security.STARTTLS, USER, "00" * 32)
        assert check_connection(wrong, PASSWORD).stage is Stage.CERTIFICATE


def test_a_wrong_password_is_an_authentication_failure() -> None:
    with smtp_server(starttls=True, auth=True) as server:
        config = SmtpConfig("127.0.0.1", server.port, Security.STARTTLS, USER, server.fingerprint)
        outcome = check_connection(config, "wrong")
    assert outcome.stage is Stage.AUTH and outcome.detail.startswith("535")
    assert "mot de passe" in outcome.message(config)


def test_a_550_refusal_is_permanent_with_the_servers_answer() -> None:
    with smtp_server() as server:
        server.handler.refuse.add("compta@omega.fr")
        client = open_connection(SmtpConfig("127.0.0.1", server.port, Security.NONE), None)
        with pytest.raises(MailFailed) as caught:
            send(client, _message(), "relances@atelier-test.fr", ["compta@omega.fr"])
        close(client)
    assert caught.value.outcome.permanent and caught.value.outcome.detail.startswith("550")
    assert server.handler.received == []


def test_a_closed_port_is_a_refused_connection() -> None:
    outcome = check_connection(SmtpConfig("127.0.0.1", free_port(), Security.STARTTLS), None)
    assert outcome.stage is Stage.REFUSED


def test_a_server_that_never_answers_is_a_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the TCP connection, never says a word
        config = SmtpConfig("127.0.0.1", silent.getsockname()[1], Security.NONE, timeout=0.5)
        outcome = check_connection(config, None)
    assert outcome.stage is Stage.TIMEOUT
    assert "délai" in outcome.message(config) or "timeout" in outcome.message(config)


def test_an_unknown_host_is_a_dns_failure() -> None:
    outcome = check_connection(SmtpConfig("no-such-host.invalid", 587, Security.STARTTLS, timeout=5), None)
    assert outcome.stage is Stage.DNS


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd ignores implicit TLS
def test_implicit_tls_is_verified_too() -> None:
    with smtp_server(implicit_tls=True, auth=True) as server:
        config = SmtpConfig("127.0.0.1", server.port, Security.TLS, USER)
        refused = check_connection(config, PASSWORD)
        assert refused.stage is Stage.CERTIFICATE and refused.fingerprint == server.fingerprint
        accepted = SmtpConfig("127.0.0.1", server.port, Security.TLS, USER, server.fingerprint)
        client = open_connection(accepted, PASSWORD)
        send(client, _message(), "relances@atelier-test.fr", ["compta@omega.fr"])
        close(client)
    assert len(server.handler.received) == 1

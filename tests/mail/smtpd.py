"""A real SMTP server on loopback for the tests (aiosmtpd), with optional STARTTLS, AUTH and refusals."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import keyring
import keyring.backend
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "relances@atelier-test.fr", "s3cret"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    drop: bool = False  # take the message, then cut the connection before answering
    hold: bool = False  # take the message, then never answer (the sender is killed meanwhile)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        if self.drop:
            server.transport.abort()
        if self.hold:
            await asyncio.sleep(60)
        return "250 2.0.0 Ok: queued as 4F2A"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER and \
        auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    handler: Handler
    fingerprint: str = ""  # SHA-256 hex of the server's certificate when it speaks TLS


@contextmanager
def smtp_server(*, starttls: bool = False, auth: bool = False, implicit_tls: bool = False) -> Iterator[Server]:
    handler = Handler()
    port = free_port()
    kwargs: dict[str, Any] = {}
    fingerprint = ""
    if starttls or implicit_tls:
        ca = trustme.CA()  # not in the system's trust store: to the client it is as good as self-signed
        cert = ca.issue_cert("127.0.0.1", "localhost")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        if implicit_tls:
            kwargs.update(ssl_context=context)
        else:
            kwargs.update(tls_context=context, require_starttls=True)
        der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
        fingerprint = hashlib.sha256(der).hexdigest()
    if auth:  # aiosmtpd counts only STARTTLS as TLS for AUTH: with implicit TLS the check is not needed
        kwargs.update(authenticator=_authenticate, auth_required=True, auth_require_tls=starttls)
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs)
    controller.start()
    try:
        yield Server(port, handler, fingerprint)
    finally:
        controller.stop()


@contextmanager
def keyring_in_memory() -> Iterator[MemoryKeyring]:
    """The OS keyring replaced by a MemoryKeyring while the block runs."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Stands in for the OS keyring: tests never touch the user's."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def send_the_days_step(ws: Any, on: Any, port: int) -> None:
    """Set the dossier's account to the loopback server on ``port`` (plain, no login, sender "Jeanne Durand")
    and send its single suggested e-mail step through the outbox."""
    from app.mail.smtp import Security
    from app.services import mail, mail_outbox, next_steps

    mail.save_mail_settings(ws, mail.MailSettings("127.0.0.1", port, Security.NONE, "", "Jeanne Durand",
                                                  "relances@atelier-test.fr"))
    (step,) = next_steps.build_todo(ws, on).suggestions
    mail_outbox.execute_email_step(ws, step, on)


def body_text(message: EmailMessage) -> str:
    """The plain-text body with its line ends as the template wrote them."""
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")

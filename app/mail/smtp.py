"""SMTP sending (STARTTLS or implicit TLS, certificates verified) and a connection test naming the stage that failed.

A self-signed server is accepted only by its certificate's SHA-256 fingerprint, stored per host by the user's
explicit choice: verification is then replaced by comparing that exact fingerprint, never simply switched off.
"""

from __future__ import annotations

import enum
import hashlib
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from app.i18n import N_, _

DEFAULT_TIMEOUT = 20.0


class Security(enum.StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"  # implicit TLS (port 465)
    NONE = "none"  # plain: a local relay only


class Stage(enum.StrEnum):
    """Where a connection or a send failed."""

    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    CERTIFICATE = "certificate"
    TLS = "tls"
    AUTH = "auth"
    RECIPIENT = "recipient"  # the server refused the sender, a recipient or the message
    SERVER = "server"  # any other SMTP answer
    DISCONNECTED = "disconnected"  # the connection broke mid-transaction: the server may have taken the message
    OK = "ok"


_STAGE_TEXT = {
    Stage.DNS: N_("The server name {host} cannot be found (DNS): check the name and the Internet connection."),
    Stage.REFUSED: N_("{host} refuses the connection on port {port}: check the port and the security setting."),
    Stage.TIMEOUT: N_("{host} does not answer on port {port} (timeout): offline, or a firewall blocks the port."),
    Stage.CERTIFICATE: N_("The certificate of {host} cannot be verified ({detail}). If you trust this server, accept "
                          "its certificate, fingerprint SHA-256 {fingerprint}."),
    Stage.TLS: N_("The secure connection with {host} failed ({detail})."),
    Stage.AUTH: N_("{host} refuses the user name or password ({detail})."),
    Stage.RECIPIENT: N_("{host} refuses the message ({detail})."),
    Stage.SERVER: N_("{host} answers with an error ({detail})."),
    Stage.DISCONNECTED: N_("The connection with {host} broke while sending ({detail}): the message may have gone."),
    Stage.OK: N_("Connection to {host} succeeded."),
}


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: Security
    user: str = ""
    accepted_fingerprint: str = ""  # SHA-256 hex of a self-signed certificate the user accepted for this host
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a connection test or a send came to: the stage, the server's answer and the certificate if relevant."""

    stage: Stage
    detail: str = ""
    fingerprint: str = ""
    permanent: bool = False  # a 5xx answer: retrying the same message will not help

    @property
    def ok(self) -> bool:
        return self.stage is Stage.OK

    def message(self, config: SmtpConfig) -> str:
        """In the interface's language (French by default)."""
        return _(_STAGE_TEXT[self.stage]).format(host=config.host, port=config.port, detail=self.detail,
                                                 fingerprint=format_fingerprint(self.fingerprint))


class MailFailed(Exception):
    """Raised inside the SMTP exchange with the Outcome describing the failure."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.detail)
        self.outcome = outcome


def format_fingerprint(hex_digest: str) -> str:
    return ":".join(hex_digest[i:i + 2] for i in range(0, len(hex_digest), 2)).upper()


def _context(config: SmtpConfig) -> ssl.SSLContext:
    if config.accepted_fingerprint:
        # The user accepted this exact certificate: it is compared below instead of chained to a CA.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context()


def _peer_fingerprint(host: str, port: int, security: Security, timeout: float) -> str:
    """The SHA-256 of the certificate the server presents, read without verifying it (to show to the user)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        if security is Security.TLS:
            with smtplib.SMTP_SSL(host, port, timeout=timeout, context=context) as client:
                return _fingerprint_of(client)
        with smtplib.SMTP(host, port, timeout=timeout) as client:
            client.starttls(context=context)
            return _fingerprint_of(client)
    except (OSError, smtplib.SMTPException):
        return ""


def _fingerprint_of(client: smtplib.SMTP) -> str:
    der = client.sock.getpeercert(binary_form=True) if isinstance(client.sock, ssl.SSLSocket) else None
    return hashlib.sha256(der).hexdigest() if der else ""


def _check_pinned(client: smtplib.SMTP, config: SmtpConfig) -> None:
    if not config.accepted_fingerprint:
        return
    seen = _fingerprint_of(client)
    if seen != config.accepted_fingerprint.replace(":", "").lower():
        raise MailFailed(Outcome(Stage.CERTIFICATE, _("the certificate changed since it was accepted"), seen))


def _classify_os_error(error: OSError, config: SmtpConfig) -> Outcome:
    if isinstance(error, ssl.SSLCertVerificationError):
        fingerprint = _peer_fingerprint(config.host, config.port, config.security, config.timeout)
        return Outcome(Stage.CERTIFICATE, error.verify_message or str(error), fingerprint)
    if isinstance(error, ssl.SSLError):
        return Outcome(Stage.TLS, error.reason or str(error))
    if isinstance(error, socket.gaierror):
        return Outcome(Stage.DNS, str(error))
    if isinstance(error, ConnectionRefusedError):
        return Outcome(Stage.REFUSED, str(error))
    # smtplib turns a greeting that never comes into SMTPServerDisconnected("…: timed out").
    if isinstance(error, TimeoutError | socket.timeout) or "timed out" in str(error):
        return Outcome(Stage.TIMEOUT, str(error))
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Outcome(Stage.SERVER, str(error))
    return Outcome(Stage.REFUSED, str(error))


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()


def open_connection(config: SmtpConfig, password: str | None) -> smtplib.SMTP:
    """A connected, secured and authenticated client (MailFailed says at which stage it failed)."""
    try:
        client = _connect(config)
    except OSError as error:
        raise MailFailed(_classify_os_error(error, config)) from error
    except smtplib.SMTPException as error:
        raise MailFailed(Outcome(Stage.SERVER, str(error))) from error
    try:
        _check_pinned(client, config)
        if config.user:
            client.login(config.user, password or "")
    except smtplib.SMTPAuthenticationError as error:
        client.close()
        raise MailFailed(Outcome(Stage.AUTH, _answer(error.smtp_code, error.smtp_error), permanent=True)) from error
    except smtplib.SMTPNotSupportedError as error:
        client.close()
        raise MailFailed(Outcome(Stage.AUTH, str(error), permanent=True)) from error
    except BaseException:
        client.close()
        raise
    return client


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security is Security.TLS:
        return smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=_context(config))
    client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    if config.security is Security.STARTTLS:
        try:
            client.starttls(context=_context(config))
        except BaseException:
            client.close()
            raise
    return client


def check_connection(config: SmtpConfig, password: str | None) -> Outcome:
    """Connect, secure, authenticate, quit: Stage.OK or the stage that failed."""
    try:
        client = open_connection(config, password)
    except MailFailed as failed:
        return failed.outcome
    _quit(client)
    return Outcome(Stage.OK)


def send(client: smtplib.SMTP, message: EmailMessage | bytes, sender: str, recipients: list[str]) -> str:
    """One SMTP transaction; returns the server's answer to the data (MailFailed otherwise)."""
    raw = message if isinstance(message, bytes) else message.as_bytes()
    try:
        client.ehlo_or_helo_if_needed()
        code, text = client.mail(sender)
        if code != 250:
            raise _refused(code, text)
        for recipient in recipients:
            code, text = client.rcpt(recipient)
            if code not in (250, 251):
                client.rset()
                raise _refused(code, text)
        code, text = client.data(raw)
        if code != 250:
            raise _refused(code, text)
    except smtplib.SMTPResponseException as error:
        raise _refused(error.smtp_code, error.smtp_error) from error
    except OSError as error:  # SMTPServerDisconnected included
        raise MailFailed(Outcome(Stage.DISCONNECTED, str(error) or type(error).__name__)) from error
    return _answer(code, text)


def _refused(code: int, text: bytes | str) -> MailFailed:
    return MailFailed(Outcome(Stage.RECIPIENT if code >= 500 else Stage.SERVER, _answer(code, text),
                              permanent=code >= 500))


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def close(client: smtplib.SMTP) -> None:
    _quit(client)

"""An e-mail built from plain data: sender identity, recipient, subject and body, attachments, a stable Message-ID."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends to whom: the sender's name and address, the reply-to (may be empty), the recipient."""

    sender_name: str
    sender_address: str
    recipient: str
    reply_to: str = ""


def message_id(outbox_id: int, dossier_key: str, domain: str) -> str:
    """The same id for the same outbox row of the same dossier: a re-send is recognised as the same message."""
    safe = "".join(ch for ch in dossier_key if ch.isalnum())[-24:] or "dossier"
    return f"<encaisse.{safe}.{outbox_id}@{domain or 'localhost'}>"


def build_message(envelope: Envelope, subject: str, body: str, attachments: tuple[Attachment, ...], *,
                  msg_id: str, sent_at: datetime) -> EmailMessage:
    """A multipart message (text body, then the attachments) ready for SMTP."""
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((envelope.sender_name, envelope.sender_address))
    message["To"] = envelope.recipient
    if envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at.astimezone())
    message["Message-ID"] = msg_id
    message.set_content(body)
    for item in attachments:
        main, _slash, sub = item.mime_type.partition("/")
        message.add_attachment(item.content, maintype=main, subtype=sub or "octet-stream", filename=item.filename)
    return message


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip() or "localhost"

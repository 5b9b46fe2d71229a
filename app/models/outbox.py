"""The e-mail outbox: each message's exact bytes and Message-ID, its state before and after the SMTP transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.kinds import OutboxState
from app.models.base import Base, str_enum


class OutboxMessage(Base):
    """One e-mail to send; its bytes never change once queued, so a re-send is the very same message."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    suggestion_key: Mapped[str] = mapped_column(String(80), default="")
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    eml: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[OutboxState] = mapped_column(str_enum(OutboxState, "outbox_state"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    server_answer: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

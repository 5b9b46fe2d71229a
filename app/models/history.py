"""The append-only history: actions, the invoices they covered, stored documents, recovery costs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, LargeBinary, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.kinds import ActionKind, Channel, CostKind
from app.models.base import Base, Cents, str_enum

action_invoices = Table(
    "action_invoices",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id"), primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), primary_key=True, index=True),
)


class StoredDocument(Base):
    """A file kept inside the dossier (letter sent, invoice original, receipt) with its SHA-256 as evidence."""

    __tablename__ = "stored_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Action(Base):
    """One step taken or event recorded. Never updated: a mistake is corrected by a new entry."""

    __tablename__ = "actions"
    __table_args__ = (
        # Revision 0010: the "À faire" list reads the tasks, the recent contacts and the call-back answers.
        Index("ix_actions_kind_on", "kind", "occurred_on"),
        Index("ix_actions_follow_up_answers", "occurred_on", sqlite_where=text("details LIKE '%follow_up_id%'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    kind: Mapped[ActionKind] = mapped_column(str_enum(ActionKind, "action_kind"))
    occurred_on: Mapped[date]
    recorded_at: Mapped[datetime]
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel, "action_channel"))
    ladder_step_id: Mapped[int | None] = mapped_column(ForeignKey("ladder_steps.id"))
    summary: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON: outcome, LRAR number, dates…
    document_id: Mapped[int | None] = mapped_column(ForeignKey("stored_documents.id"))
    corrects_action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    recorded_by: Mapped[str] = mapped_column(String(120), default="")


class RecoveryCost(Base):
    """A cost of recovering a claim (postage, LRAR, bailiff, agency fee, time)."""

    __tablename__ = "recovery_costs"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    on_date: Mapped[date]
    kind: Mapped[CostKind] = mapped_column(str_enum(CostKind, "cost_kind"))
    amount_cents: Mapped[int] = mapped_column(Cents)
    notes: Mapped[str] = mapped_column(Text, default="")
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))

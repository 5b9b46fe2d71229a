"""What pauses or stops reminders: disputes, promises to pay, payment plans and their instalments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.kinds import DisputeOutcome
from app.models.base import Base, Cents, str_enum


def _link_table(name: str, owner: str) -> Table:
    """A many-to-many link between ``owner`` rows and the invoices they concern."""
    return Table(
        name,
        Base.metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}s.id", ondelete="CASCADE"), primary_key=True),
        Column("invoice_id", ForeignKey("invoices.id"), primary_key=True, index=True),
    )


dispute_invoices = _link_table("dispute_invoices", "dispute")
promise_invoices = _link_table("promise_invoices", "promise")
plan_invoices = _link_table("plan_invoices", "plan")


class Dispute(Base):
    """A litige on one or several invoices; while open, they leave the ladder but stay in the aged balance."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("resolved_on IS NULL OR resolved_on >= opened_on", name="resolved_after_opened"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    opened_on: Mapped[date]
    # A code of DisputeReason (translated on display) or a reason the user added to the list.
    reason: Mapped[str] = mapped_column(String(80))
    notes: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[date | None]
    outcome: Mapped[DisputeOutcome | None] = mapped_column(str_enum(DisputeOutcome, "dispute_outcome"))



class Promise(Base):
    """A promise to pay an amount by a date; kept or broken is derived from payments."""

    __tablename__ = "promises"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("promised_on >= made_on", name="promised_after_made"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    made_on: Mapped[date]
    promised_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(Cents)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class PaymentPlan(Base):
    """An échéancier: instalments that replace the covered invoices' due dates for the ladder."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    agreed_on: Mapped[date]
    signed_document_id: Mapped[int | None] = mapped_column(ForeignKey("stored_documents.id"))
    cancelled_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    instalments: Mapped[list[Instalment]] = relationship(
        cascade="all, delete-orphan", order_by="Instalment.due_on"
    )


class Instalment(Base):
    """One dated amount of a payment plan."""

    __tablename__ = "instalments"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(Cents)

"""Clients (debtors), their contacts and the segments that choose their reminder ladder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.kinds import Language
from app.models.base import Base, Cents, str_enum


class Segment(Base):
    """A group of clients with the same habits and the same default ladder."""

    __tablename__ = "segments"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    ladder_id: Mapped[int | None] = mapped_column(ForeignKey("ladders.id"))


class Client(Base):
    """A debtor: a company or a consumer who owes this dossier's company."""

    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint("credit_limit_cents IS NULL OR credit_limit_cents >= 0", name="credit_limit"),
        CheckConstraint("payment_terms_days IS NULL OR payment_terms_days >= 0", name="terms"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_code: Mapped[str] = mapped_column(String(40), unique=True)  # CompAuxNum in the books
    name: Mapped[str] = mapped_column(String(200), index=True)
    siren: Mapped[str] = mapped_column(String(9), default="", index=True)
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(12), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    language: Mapped[Language] = mapped_column(str_enum(Language, "language"), default=Language.FR)
    is_consumer: Mapped[bool] = mapped_column(default=False)
    segment_code: Mapped[str | None] = mapped_column(ForeignKey("segments.code"))
    ladder_id: Mapped[int | None] = mapped_column(ForeignKey("ladders.id"))
    credit_limit_cents: Mapped[int | None] = mapped_column(Cents)
    payment_terms_days: Mapped[int | None] = mapped_column()
    do_not_remind: Mapped[bool] = mapped_column(default=False)
    do_not_remind_reason: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime | None] = mapped_column()

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Contact.id"
    )


class Contact(Base):
    """A person to reach at a client; one of them may be the billing contact."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    is_billing: Mapped[bool] = mapped_column(default=False)

    client: Mapped[Client] = relationship(back_populates="contacts")

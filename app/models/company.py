"""The dossier owner (one row) and the dossier's key/value settings."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Company(Base):
    """The creditor whose receivables this dossier holds; exactly one row, id 1."""

    __tablename__ = "company"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40), default="")
    siren: Mapped[str] = mapped_column(String(9), default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(12), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")
    bic: Mapped[str] = mapped_column(String(11), default="")
    signatory_name: Mapped[str] = mapped_column(String(120), default="")
    signatory_title: Mapped[str] = mapped_column(String(120), default="")
    logo_document_id: Mapped[int | None] = mapped_column(ForeignKey("stored_documents.id"))
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    # None means the statutory default: ECB main refinancing rate + 10 points (C. com. L441-10).
    penalty_rate_bp: Mapped[int | None] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="EUR")


class Setting(Base):
    """A dossier setting stored as JSON text, declared in app.services.settings."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

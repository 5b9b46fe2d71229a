"""Running sums of invoices and settlements per day kept by triggers (revision 0009), which the dashboard reads
instead of walking every invoice and allocation of a large dossier."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class InvoiceFlow(Base):
    """Cents of the invoices (or credit notes) issued on ``issue_date`` and due on ``due_date``.

    Kept by triggers on invoices, never written by the services; a pair may sum to 0 once its invoices are gone.
    """

    __tablename__ = "invoice_flows"
    __table_args__ = ({"sqlite_with_rowid": False},)

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    due_date: Mapped[date] = mapped_column(primary_key=True)
    issue_date: Mapped[date] = mapped_column(primary_key=True)
    cents: Mapped[int]


class SettlementFlow(Base):
    """Cents allocated on ``on_date`` to invoices due on ``due_date``, per kind of allocation (payment, credit
    note, write-off). Kept by triggers on allocations from their copy of the due date."""

    __tablename__ = "settlement_flows"
    __table_args__ = (
        # Settlements made by the due date, by date and by due date: a month end's not-yet-due amount
        # subtracts those made by then less those due before it.
        Index("ix_settlement_flows_early_on", "on_date", "due_date", "cents", sqlite_where=text("on_date <= due_date")),
        Index("ix_settlement_flows_early_due", "due_date", "on_date", "cents",
              sqlite_where=text("on_date <= due_date")),
        {"sqlite_with_rowid": False},
    )

    on_date: Mapped[date] = mapped_column(primary_key=True)
    due_date: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    cents: Mapped[int]


class PaymentHabit(Base):
    """A client's payments (or credit notes) applied during ``month`` (``YYYY-MM``): their cents, the cents
    weighted by days past the due date (negative: paid early) and by days late only (0 when paid by the due
    date), from which its average delay and days late are read. Kept by triggers on allocations."""

    __tablename__ = "payment_habits"
    __table_args__ = ({"sqlite_with_rowid": False},)

    client_id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    cents: Mapped[int]
    weighted_days: Mapped[int]
    late_weighted_days: Mapped[int]

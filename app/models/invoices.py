"""Invoices and credit notes, payments, and the allocations that settle one with the other."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.kinds import InvoiceKind, PaymentMethod, Source
from app.domain.records import SettlementKind
from app.models.base import Base, Cents, str_enum


class Invoice(Base):
    """An invoice or a credit note issued to a client. Its open amount and status are derived."""

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("amount_incl_cents > 0", name="amount_positive"),
        CheckConstraint("amount_excl_cents >= 0", name="excl_not_negative"),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        UniqueConstraint("source", "external_key", name="uq_invoices_source_external_key"),
        # Covering indexes for the as-of figures on 200,000 invoices (revision 0003): aging scans by issue
        # date, the invoice list and the not-yet-due total walk by due date, balances group by client.
        Index("ix_invoices_kind_issue_cover", "kind", "issue_date", "client_id", "due_date", "amount_incl_cents"),
        Index("ix_invoices_kind_due_cover", "kind", "due_date", "issue_date", "amount_incl_cents"),
        Index("ix_invoices_client_kind_cover", "client_id", "kind", "issue_date", "amount_incl_cents"),
        Index("ix_invoices_kind_issue_number", "kind", "issue_date", "number", "client_id"),  # list filter
        Index("ix_invoices_client_due", "client_id", "due_date"),
        # Revision 0005: the invoices open today, and those settled after a past as-of date (see queries);
        # revision 0006 makes the latter cover the share of invoices paid late (risk grades).
        Index("ix_invoices_open_now", "kind", "issue_date", "client_id", "due_date", "amount_incl_cents",
              "settled_cents", "settled_through", sqlite_where=text("settled_cents < amount_incl_cents")),
        Index("ix_invoices_settled_through_cover", "settled_through", "kind", "client_id", "due_date",
              "settled_cents", "amount_incl_cents", sqlite_where=text("settled_through IS NOT NULL")),
        # Revision 0007: credit notes not wholly applied, and those applied after a past as-of date.
        Index("ix_invoices_unapplied", "kind", "client_id", "issue_date", "amount_incl_cents", "applied_cents",
              "applied_through", sqlite_where=text("kind = 'credit_note' AND applied_cents < amount_incl_cents")),
        Index("ix_invoices_applied_through", "applied_through", sqlite_where=text("applied_through IS NOT NULL")),
        # Revision 0010: the share of invoices paid late of the few clients the "À faire" list grades.
        Index("ix_invoices_client_settled_cover", "client_id", "settled_through", "kind", "due_date",
              "settled_cents", "amount_incl_cents", sqlite_where=text("settled_through IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[InvoiceKind] = mapped_column(str_enum(InvoiceKind, "invoice_kind"), default=InvoiceKind.INVOICE)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    issue_date: Mapped[date]
    due_date: Mapped[date]
    amount_excl_cents: Mapped[int] = mapped_column(Cents)
    amount_incl_cents: Mapped[int] = mapped_column(Cents)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    source: Mapped[Source] = mapped_column(str_enum(Source, "invoice_source"), default=Source.MANUAL)
    external_key: Mapped[str | None] = mapped_column(String(120))
    original_document_id: Mapped[int | None] = mapped_column(ForeignKey("stored_documents.id"))
    no_reminder: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Kept by triggers on allocations (revision 0005), never written by the services: the sum of all the
    # invoice's allocations, and the date of the latest. Figures as of a date still sum the allocations.
    settled_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    settled_through: Mapped[date | None] = mapped_column()
    # The same for a credit note's allocations to invoices (revision 0007): what has been applied from it.
    applied_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    applied_through: Mapped[date | None] = mapped_column()


class Payment(Base):
    """Cash received from a client; what no allocation absorbs stays visible as unallocated."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        UniqueConstraint("source", "external_key", name="uq_payments_source_external_key"),
        Index("ix_payments_client_received_cover", "client_id", "received_on", "amount_cents"),
        # Revision 0007: payments not wholly allocated (a few hundred on a large dossier), and those with
        # allocations after a past as-of date.
        Index("ix_payments_unallocated", "client_id", "received_on", "amount_cents", "allocated_cents",
              "allocated_through", sqlite_where=text("allocated_cents < amount_cents")),
        Index("ix_payments_allocated_through", "allocated_through",
              sqlite_where=text("allocated_through IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    received_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(Cents)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    method: Mapped[PaymentMethod] = mapped_column(
        str_enum(PaymentMethod, "payment_method"), default=PaymentMethod.TRANSFER
    )
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[Source] = mapped_column(str_enum(Source, "payment_source"), default=Source.MANUAL)
    external_key: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str] = mapped_column(Text, default="")
    # Kept by triggers on allocations (revision 0007), never written by the services: all that has been
    # allocated from the payment, and the date of the latest allocation.
    allocated_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    allocated_through: Mapped[date | None] = mapped_column()


class Allocation(Base):
    """Settles part of an invoice from a payment, a credit note, or a write-off.

    The sums an allocation may reach are checked twice: by the service before writing (to say why)
    and by triggers created in the first migration (so that no path can store an over-allocation).
    """

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint(
            "(kind = 'payment' AND payment_id IS NOT NULL AND credit_note_id IS NULL)"
            " OR (kind = 'credit_note' AND credit_note_id IS NOT NULL AND payment_id IS NULL)"
            " OR (kind = 'write_off' AND payment_id IS NULL AND credit_note_id IS NULL)",
            name="one_source",
        ),
        # Covering index: open amounts as of a date sum allocations per invoice up to that date.
        Index("ix_allocations_invoice_on", "invoice_id", "on_date", "amount_cents"),
        # Revision 0006: sums by date, by (settled on, due) pair, by client and kind read no invoice. (Its index of
        # the settlements made by their due date went in revision 0011: settlement_flows sums those since 0009.)
        Index("ix_allocations_on_due_cover", "on_date", "due_date", "amount_cents", "kind"),
        Index("ix_allocations_kind_on_client", "kind", "on_date", "client_id", "due_date", "amount_cents",
              "invoice_id"),
        # Revision 0010: the days late of the few clients the "À faire" list grades.
        Index("ix_allocations_client_kind_on", "client_id", "kind", "on_date", "due_date", "amount_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    kind: Mapped[SettlementKind] = mapped_column(str_enum(SettlementKind, "settlement_kind"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Cents)
    on_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")
    # Copies of the invoice's client and due date kept by triggers (revision 0006), never written by the
    # services: delays and not-yet-due sums then read no invoice row. Nullable only because SQLite fills
    # them right after the row is inserted; no statement ever leaves them empty, hence the non-optional types.
    client_id: Mapped[int] = mapped_column(nullable=True)
    due_date: Mapped[date] = mapped_column(nullable=True)

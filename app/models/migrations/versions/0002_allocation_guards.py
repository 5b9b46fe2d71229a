"""Allocation guards: the database itself refuses to allocate more than an invoice, payment or credit note holds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (trigger name, the total that may not be exceeded, what it is compared to, message)
_GUARDS = (
    (
        "allocations_within_invoice",
        "SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE invoice_id = NEW.invoice_id",
        "SELECT amount_incl_cents FROM invoices WHERE id = NEW.invoice_id",
        "allocations exceed the invoice amount",
    ),
    (
        "allocations_within_payment",
        "SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE payment_id = NEW.payment_id",
        "SELECT amount_cents FROM payments WHERE id = NEW.payment_id",
        "allocations exceed the payment amount",
    ),
    (
        "allocations_within_credit_note",
        "SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE credit_note_id = NEW.credit_note_id",
        "SELECT amount_incl_cents FROM invoices WHERE id = NEW.credit_note_id",
        "allocations exceed the credit note amount",
    ),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # other databases get equivalent checks from the services; triggers are dialect-specific
    for name, total, limit, message in _GUARDS:
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON allocations "
                f"WHEN ({total}) > COALESCE(({limit}), 0) "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, *_rest in _GUARDS:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")

"""Each invoice carries what has been settled on it in all (and until when), kept by triggers, so that the
invoices open today are read from a small partial index instead of summing 200,000 invoices' allocations.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_RECOMPUTE = (
    "UPDATE invoices SET settled_cents = (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations "
    "WHERE invoice_id = invoices.id), settled_through = (SELECT MAX(on_date) FROM allocations "
    "WHERE invoice_id = invoices.id) WHERE id = {target}"
)
# Deleting or moving an allocation recomputes its invoice (the latest date cannot be derived otherwise);
# adding one, the common case on imports, only adds.
_TRIGGERS = {
    "settled_totals_insert": (
        "AFTER INSERT ON allocations BEGIN UPDATE invoices SET settled_cents = settled_cents + NEW.amount_cents, "
        "settled_through = MAX(COALESCE(settled_through, NEW.on_date), NEW.on_date) WHERE id = NEW.invoice_id; END"
    ),
    "settled_totals_delete": (
        f"AFTER DELETE ON allocations BEGIN {_RECOMPUTE.format(target='OLD.invoice_id')}; END"
    ),
    "settled_totals_update": (
        "AFTER UPDATE OF invoice_id, amount_cents, on_date ON allocations BEGIN "
        f"{_RECOMPUTE.format(target='OLD.invoice_id')}; {_RECOMPUTE.format(target='NEW.invoice_id')}; END"
    ),
}
_OPEN_COLUMNS = ["kind", "issue_date", "client_id", "due_date", "amount_incl_cents", "settled_cents",
                 "settled_through"]


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("settled_cents", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("settled_through", sa.Date(), nullable=True))
    op.execute(_RECOMPUTE.format(target="id"))
    op.create_index("ix_invoices_open_now", "invoices", _OPEN_COLUMNS,
                    sqlite_where=sa.text("settled_cents < amount_incl_cents"))
    op.create_index("ix_invoices_settled_through", "invoices", ["settled_through"],
                    sqlite_where=sa.text("settled_through IS NOT NULL"))
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("ANALYZE")


def downgrade() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_invoices_settled_through", table_name="invoices")
    op.drop_index("ix_invoices_open_now", table_name="invoices")
    with op.batch_alter_table("invoices", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("settled_through")
        batch_op.drop_column("settled_cents")

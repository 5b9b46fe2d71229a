"""Each payment carries what has been allocated from it, each credit note what has been applied from it (and
until when), kept by triggers, so that unallocated credits are read from two small partial indexes instead of
summing every invoice and payment of the dossier per client.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (table, source column on allocations, kept total, latest date, amount column)
_KEPT = (
    ("payments", "payment_id", "allocated_cents", "allocated_through", "amount_cents"),
    ("invoices", "credit_note_id", "applied_cents", "applied_through", "amount_incl_cents"),
)
_RECOMPUTE = (
    "UPDATE {table} SET {total} = (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations "
    "WHERE {source} = {table}.id), {through} = (SELECT MAX(on_date) FROM allocations "
    "WHERE {source} = {table}.id) WHERE id = {target}"
)
_INDEXES = (
    ("ix_payments_unallocated", "payments", ["client_id", "received_on", "amount_cents", "allocated_cents",
                                             "allocated_through"], "allocated_cents < amount_cents"),
    ("ix_payments_allocated_through", "payments", ["allocated_through"], "allocated_through IS NOT NULL"),
    ("ix_invoices_unapplied", "invoices", ["kind", "client_id", "issue_date", "amount_incl_cents", "applied_cents",
                                           "applied_through"], "kind = 'credit_note' AND applied_cents < amount_incl_cents"),
    ("ix_invoices_applied_through", "invoices", ["applied_through"], "applied_through IS NOT NULL"),
)


def _triggers() -> dict[str, str]:
    """Adding an allocation adds to its source; deleting or moving one recomputes the sources concerned (the
    latest date cannot be derived otherwise). A NULL source matches no row."""
    insert, delete, update = [], [], []
    for table, source, total, through, _amount in _KEPT:
        insert.append(f"UPDATE {table} SET {total} = {total} + NEW.amount_cents, "
                      f"{through} = MAX(COALESCE({through}, NEW.on_date), NEW.on_date) WHERE id = NEW.{source}")
        recompute = {"table": table, "source": source, "total": total, "through": through}
        delete.append(_RECOMPUTE.format(**recompute, target=f"OLD.{source}"))
        update += [_RECOMPUTE.format(**recompute, target=f"OLD.{source}"),
                   _RECOMPUTE.format(**recompute, target=f"NEW.{source}")]
    return {
        "allocated_totals_insert": f"AFTER INSERT ON allocations BEGIN {'; '.join(insert)}; END",
        "allocated_totals_delete": f"AFTER DELETE ON allocations BEGIN {'; '.join(delete)}; END",
        "allocated_totals_update": ("AFTER UPDATE OF payment_id, credit_note_id, amount_cents, on_date ON allocations "
                                    f"BEGIN {'; '.join(update)}; END"),
    }


def upgrade() -> None:
    for table, _source, total, through, _amount in _KEPT:
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.add_column(sa.Column(total, sa.Integer(), nullable=False, server_default="0"))
            batch_op.add_column(sa.Column(through, sa.Date(), nullable=True))
    for table, source, total, through, _amount in _KEPT:
        op.execute(_RECOMPUTE.format(table=table, source=source, total=total, through=through, target="id"))
    for name, table, columns, condition in _INDEXES:
        op.create_index(name, table, columns, sqlite_where=sa.text(condition))
    if op.get_bind().dialect.name == "sqlite":
        for name, body in _triggers().items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("ANALYZE")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name, table, _columns, _condition in _INDEXES:
        op.drop_index(name, table_name=table)
    for table, _source, total, through, _amount in _KEPT:
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column(through)
            batch_op.drop_column(total)

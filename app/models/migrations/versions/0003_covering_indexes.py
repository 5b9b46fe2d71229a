"""Covering indexes for figures as of a date on large dossiers (aging, DSO series, invoice list and filter,
balances).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_REPLACED = (
    ("invoices", "ix_invoices_kind_issue", ["kind", "issue_date"],
     "ix_invoices_kind_issue_cover", ["kind", "issue_date", "client_id", "due_date", "amount_incl_cents"]),
    ("payments", "ix_payments_client_received", ["client_id", "received_on"],
     "ix_payments_client_received_cover", ["client_id", "received_on", "amount_cents"]),
    ("allocations", "ix_allocations_on_date", ["on_date"],
     "ix_allocations_on_date_cover", ["on_date", "amount_cents", "kind"]),
)
_ADDED = (
    ("invoices", "ix_invoices_kind_due_cover", ["kind", "due_date", "issue_date", "amount_incl_cents"]),
    ("invoices", "ix_invoices_client_kind_cover", ["client_id", "kind", "issue_date", "amount_incl_cents"]),
    ("invoices", "ix_invoices_kind_issue_number", ["kind", "issue_date", "number", "client_id"]),
    ("allocations", "ix_allocations_kind_on_cover", ["kind", "on_date", "invoice_id", "amount_cents"]),
)


def upgrade() -> None:
    for table, old, _old_columns, new, columns in _REPLACED:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, columns)
    for table, name, columns in _ADDED:
        op.create_index(name, table, columns)
    op.execute("ANALYZE")  # lets SQLite's planner prefer the covering indexes


def downgrade() -> None:
    for table, name, _columns in _ADDED:
        op.drop_index(name, table_name=table)
    for table, old, old_columns, new, _columns in _REPLACED:
        op.drop_index(new, table_name=table)
        op.create_index(old, table, old_columns)

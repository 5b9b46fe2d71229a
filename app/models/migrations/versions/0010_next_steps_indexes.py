"""Indexes for the "À faire" list on large dossiers: the risk sums of the clients suggested something, read per
client (allocations by client, invoices settled by client), and the history's tasks, recent contacts and
call-back answers found without walking every entry.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# (table, name, columns, partial-index condition)
_ADDED = (
    ("allocations", "ix_allocations_client_kind_on", ["client_id", "kind", "on_date", "due_date", "amount_cents"],
     None),
    ("invoices", "ix_invoices_client_settled_cover",
     ["client_id", "settled_through", "kind", "due_date", "settled_cents", "amount_incl_cents"],
     "settled_through IS NOT NULL"),
    ("actions", "ix_actions_kind_on", ["kind", "occurred_on"], None),
    ("actions", "ix_actions_follow_up_answers", ["occurred_on"], "details LIKE '%follow_up_id%'"),
)


def upgrade() -> None:
    for table, name, columns, condition in _ADDED:
        where = {"sqlite_where": sa.text(condition)} if condition else {}
        op.create_index(name, table, columns, **where)
    op.execute("ANALYZE")  # lets SQLite's planner weigh the new indexes


def downgrade() -> None:
    for table, name, _columns, _condition in _ADDED:
        op.drop_index(name, table_name=table)

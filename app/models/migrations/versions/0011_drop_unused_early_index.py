"""Drop ix_allocations_before_due: since revision 0009 the settlements made by their due date are summed from
settlement_flows, and no query reads this partial index any more (checked with EXPLAIN QUERY PLAN over every
statement of the benchmarks and the main views on a 200,000-invoice dossier). Every settlement written, and a
large import's index rebuild, no longer maintains it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_NAME, _TABLE, _COLUMNS, _WHERE = "ix_allocations_before_due", "allocations", ["on_date", "due_date", "amount_cents"], \
    "on_date <= due_date"


def upgrade() -> None:
    op.drop_index(_NAME, table_name=_TABLE)


def downgrade() -> None:
    op.create_index(_NAME, _TABLE, _COLUMNS, sqlite_where=sa.text(_WHERE))

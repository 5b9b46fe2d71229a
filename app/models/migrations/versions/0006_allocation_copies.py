"""Each allocation carries its invoice's client and due date, kept by triggers, so that delays, settled-by-date
pairs and the DSO trend's not-yet-due amounts are summed from the allocations' covering indexes alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_COPY = (
    "UPDATE allocations SET client_id = (SELECT client_id FROM invoices WHERE id = allocations.invoice_id), "
    "due_date = (SELECT due_date FROM invoices WHERE id = allocations.invoice_id) WHERE {target}"
)
# The copies follow the allocation's invoice (on insert, when it moves, when someone writes the copies
# themselves) and the invoice (when its client or due date changes). SQLite does not fire a trigger from
# its own statement, and the update trigger only rewrites copies that differ from the invoice: no loop, and an
# insert costs one update.
_TRIGGERS = {
    "allocation_copies_insert": f"AFTER INSERT ON allocations BEGIN {_COPY.format(target='id = NEW.id')}; END",
    "allocation_copies_update": (
        "AFTER UPDATE OF invoice_id, client_id, due_date ON allocations "
        "WHEN NEW.client_id IS NOT (SELECT client_id FROM invoices WHERE id = NEW.invoice_id) "
        "OR NEW.due_date IS NOT (SELECT due_date FROM invoices WHERE id = NEW.invoice_id) "
        f"BEGIN {_COPY.format(target='id = NEW.id')}; END"
    ),
    "invoice_copies_update": (
        "AFTER UPDATE OF client_id, due_date ON invoices BEGIN UPDATE allocations SET client_id = NEW.client_id, "
        "due_date = NEW.due_date WHERE invoice_id = NEW.id; END"
    ),
}
# The 0002 guards fired on any update of an allocation; the copies' own update would run their three sums
# again on every insert. They now fire when a column they check changes.
_GUARDS = (
    ("allocations_within_invoice",
     "SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE invoice_id = NEW.invoice_id",
     "SELECT amount_incl_cents FROM invoices WHERE id = NEW.invoice_id", "allocations exceed the invoice amount"),
    ("allocations_within_payment",
     "SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE payment_id = NEW.payment_id",
     "SELECT amount_cents FROM payments WHERE id = NEW.payment_id", "allocations exceed the payment amount"),
    ("allocations_within_credit_note",
     "SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE credit_note_id = NEW.credit_note_id",
     "SELECT amount_incl_cents FROM invoices WHERE id = NEW.credit_note_id",
     "allocations exceed the credit note amount"),
)
_GUARDED_COLUMNS = "invoice_id, payment_id, credit_note_id, amount_cents"
# (table, old name, old columns, new name, new columns, partial-index condition)
_REPLACED = (
    ("allocations", "ix_allocations_kind_on_cover", ["kind", "on_date", "invoice_id", "amount_cents"],
     "ix_allocations_kind_on_client", ["kind", "on_date", "client_id", "due_date", "amount_cents", "invoice_id"], None),
    ("allocations", "ix_allocations_on_date_cover", ["on_date", "amount_cents", "kind"],
     "ix_allocations_on_due_cover", ["on_date", "due_date", "amount_cents", "kind"], None),
    ("invoices", "ix_invoices_settled_through", ["settled_through"],
     "ix_invoices_settled_through_cover",
     ["settled_through", "kind", "client_id", "due_date", "settled_cents", "amount_incl_cents"],
     "settled_through IS NOT NULL"),
)
_EARLY = ("ix_allocations_before_due", ["on_date", "due_date", "amount_cents"], "on_date <= due_date")


def _guards(columns: str | None) -> None:
    for name, total, limit, message in _GUARDS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}_update")
        on = f"UPDATE OF {columns}" if columns else "UPDATE"
        op.execute(f"CREATE TRIGGER {name}_update AFTER {on} ON allocations "
                   f"WHEN ({total}) > COALESCE(({limit}), 0) BEGIN SELECT RAISE(ABORT, '{message}'); END")


def _where(condition: str | None) -> dict[str, object]:
    return {"sqlite_where": sa.text(condition)} if condition else {}


def upgrade() -> None:
    with op.batch_alter_table("allocations", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
    op.execute(_COPY.format(target="1 = 1"))
    for table, old, _old_columns, new, columns, condition in _REPLACED:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, columns, **_where(condition))
    op.create_index(_EARLY[0], "allocations", _EARLY[1], **_where(_EARLY[2]))
    if op.get_bind().dialect.name == "sqlite":
        _guards(_GUARDED_COLUMNS)
        for name, body in _TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("ANALYZE")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _guards(None)
    op.drop_index(_EARLY[0], table_name="allocations")
    for table, old, old_columns, new, _columns, condition in reversed(_REPLACED):
        op.drop_index(new, table_name=table)
        op.create_index(old, table, old_columns, **_where(condition))
    with op.batch_alter_table("allocations", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("due_date")
        batch_op.drop_column("client_id")

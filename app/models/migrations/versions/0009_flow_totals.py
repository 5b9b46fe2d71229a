"""Running sums kept by triggers: invoices per (kind, due date, issue date), allocations per (date, due date,
kind), each client's payments and credit notes applied per month with their amount-weighted days late. The dashboard reads a few
thousand sums instead of 200,000 invoices and their allocations.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_DAYS_LATE = "CAST(ROUND(julianday({row}.on_date) - julianday({row}.due_date)) AS INTEGER)"
_INVOICE_ADD = (
    "INSERT INTO invoice_flows (kind, due_date, issue_date, cents) "
    "VALUES (NEW.kind, NEW.due_date, NEW.issue_date, NEW.amount_incl_cents) "
    "ON CONFLICT (kind, due_date, issue_date) DO UPDATE SET cents = cents + excluded.cents"
)
_INVOICE_SUBTRACT = (
    "UPDATE invoice_flows SET cents = cents - OLD.amount_incl_cents "
    "WHERE kind = OLD.kind AND due_date = OLD.due_date AND issue_date = OLD.issue_date"
)
# An allocation counts once its copies of the invoice's client and due date are there (revision 0006 fills
# them right after the insert, through an update: the update trigger then adds it; an insert that brings
# them is counted by the insert trigger, and the copies' update, changing nothing, adds nothing).
_SETTLEMENT_ADD = (
    "INSERT INTO settlement_flows (on_date, due_date, kind, cents) "
    "SELECT NEW.on_date, NEW.due_date, NEW.kind, NEW.amount_cents WHERE NEW.due_date IS NOT NULL "
    "ON CONFLICT (on_date, due_date, kind) DO UPDATE SET cents = cents + excluded.cents"
)
_SETTLEMENT_SUBTRACT = (
    "UPDATE settlement_flows SET cents = cents - OLD.amount_cents "
    "WHERE on_date = OLD.on_date AND due_date = OLD.due_date AND kind = OLD.kind"
)
_LATE = "MAX(0, {days})"
_HABIT_ADD = (
    "INSERT INTO payment_habits (client_id, month, kind, cents, weighted_days, late_weighted_days) "
    f"SELECT NEW.client_id, substr(NEW.on_date, 1, 7), NEW.kind, NEW.amount_cents, "
    f"NEW.amount_cents * {_DAYS_LATE.format(row='NEW')}, "
    f"NEW.amount_cents * {_LATE.format(days=_DAYS_LATE.format(row='NEW'))} "
    "WHERE NEW.kind IN ('payment', 'credit_note') AND NEW.client_id IS NOT NULL AND NEW.due_date IS NOT NULL "
    "ON CONFLICT (client_id, month, kind) DO UPDATE SET cents = cents + excluded.cents, "
    "weighted_days = weighted_days + excluded.weighted_days, "
    "late_weighted_days = late_weighted_days + excluded.late_weighted_days"
)
_HABIT_SUBTRACT = (
    "UPDATE payment_habits SET cents = cents - OLD.amount_cents, "
    f"weighted_days = weighted_days - OLD.amount_cents * {_DAYS_LATE.format(row='OLD')}, "
    f"late_weighted_days = late_weighted_days - OLD.amount_cents * {_LATE.format(days=_DAYS_LATE.format(row='OLD'))} "
    "WHERE OLD.due_date IS NOT NULL AND client_id = OLD.client_id AND month = substr(OLD.on_date, 1, 7) "
    "AND kind = OLD.kind"
)
_ALLOCATION_COLUMNS = ("on_date", "due_date", "client_id", "kind", "amount_cents")
_INVOICE_COLUMNS = ("kind", "due_date", "issue_date", "amount_incl_cents")


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)


_TRIGGERS = {
    "invoice_flows_insert": f"AFTER INSERT ON invoices BEGIN {_INVOICE_ADD}; END",
    "invoice_flows_delete": f"AFTER DELETE ON invoices BEGIN {_INVOICE_SUBTRACT}; END",
    "invoice_flows_update": (f"AFTER UPDATE OF {', '.join(_INVOICE_COLUMNS)} ON invoices "
                             f"WHEN {_changed(_INVOICE_COLUMNS)} BEGIN {_INVOICE_SUBTRACT}; {_INVOICE_ADD}; END"),
    "settlement_flows_insert": f"AFTER INSERT ON allocations BEGIN {_SETTLEMENT_ADD}; {_HABIT_ADD}; END",
    "settlement_flows_delete": f"AFTER DELETE ON allocations BEGIN {_SETTLEMENT_SUBTRACT}; {_HABIT_SUBTRACT}; END",
    "settlement_flows_update": (
        f"AFTER UPDATE OF {', '.join(_ALLOCATION_COLUMNS)} ON allocations WHEN {_changed(_ALLOCATION_COLUMNS)} "
        f"BEGIN {_SETTLEMENT_SUBTRACT}; {_HABIT_SUBTRACT}; {_SETTLEMENT_ADD}; {_HABIT_ADD}; END"
    ),
}
# Settlements made by the due date, by date and by due date: a month end's not-yet-due amount subtracts those
# made by then less those due before it.
_EARLY = {"ix_settlement_flows_early_on": ["on_date", "due_date", "cents"],
          "ix_settlement_flows_early_due": ["due_date", "on_date", "cents"]}
_FILL = (
    "INSERT INTO invoice_flows (kind, due_date, issue_date, cents) "
    "SELECT kind, due_date, issue_date, SUM(amount_incl_cents) FROM invoices GROUP BY kind, due_date, issue_date",
    "INSERT INTO settlement_flows (on_date, due_date, kind, cents) SELECT on_date, due_date, kind, SUM(amount_cents) "
    "FROM allocations WHERE due_date IS NOT NULL GROUP BY on_date, due_date, kind",
    "INSERT INTO payment_habits (client_id, month, kind, cents, weighted_days, late_weighted_days) "
    "SELECT client_id, substr(on_date, 1, 7), kind, SUM(amount_cents), "
    f"SUM(amount_cents * {_DAYS_LATE.format(row='allocations')}), "
    f"SUM(amount_cents * {_LATE.format(days=_DAYS_LATE.format(row='allocations'))}) FROM allocations "
    "WHERE kind IN ('payment', 'credit_note') AND client_id IS NOT NULL AND due_date IS NOT NULL "
    "GROUP BY client_id, substr(on_date, 1, 7), kind",
)


def upgrade() -> None:
    op.create_table(
        "invoice_flows",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "due_date", "issue_date", name=op.f("pk_invoice_flows")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "settlement_flows",
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("on_date", "due_date", "kind", name=op.f("pk_settlement_flows")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "payment_habits",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.Column("weighted_days", sa.Integer(), nullable=False),
        sa.Column("late_weighted_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "month", "kind", name=op.f("pk_payment_habits")),
        sqlite_with_rowid=False,
    )
    for name, columns in _EARLY.items():
        op.create_index(name, "settlement_flows", columns, sqlite_where=sa.text("on_date <= due_date"))
    for statement in _FILL:
        op.execute(statement)
    if op.get_bind().dialect.name == "sqlite":
        for name, body in _TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in _EARLY:
        op.drop_index(name, table_name="settlement_flows")
    for table in ("payment_habits", "settlement_flows", "invoice_flows"):
        op.drop_table(table)

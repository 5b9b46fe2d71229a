"""Dispute reasons become an editable list (plain text); the history gains follow-up tasks and LRAR delivery
records.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The tables are rebuilt from explicit DDL rather than with batch mode, whose constraint order is not stable
# from one run to the next (the same demo must give the same bytes).
_OLD_KINDS = ("'reminder', 'payment', 'credit_applied', 'letter', 'call', 'formal_notice', 'promise', "
              "'dispute_opened', 'dispute_resolved', 'plan', 'note', 'postponed', 'skipped', 'write_off', "
              "'agency', 'court', 'correction'")
_NEW_KINDS = _OLD_KINDS + ", 'follow_up', 'delivery'"
_OLD_REASON = ("VARCHAR(24) NOT NULL CONSTRAINT ck_disputes_dispute_reason CHECK (reason IN ('price', "
               "'quantity', 'quality', 'not_received', 'already_paid', 'other'))")
_NEW_REASON = "VARCHAR(80) NOT NULL"

_ACTIONS = """CREATE TABLE "{name}" (
    id INTEGER NOT NULL,
    client_id INTEGER NOT NULL,
    kind VARCHAR(24) NOT NULL CONSTRAINT ck_actions_action_kind CHECK (kind IN ({kinds})),
    occurred_on DATE NOT NULL,
    recorded_at DATETIME NOT NULL,
    channel VARCHAR(24) CONSTRAINT ck_actions_action_channel
        CHECK (channel IN ('email', 'letter', 'phone', 'registered_letter', 'judicial')),
    ladder_step_id INTEGER,
    summary VARCHAR(300) NOT NULL,
    details TEXT NOT NULL,
    document_id INTEGER,
    corrects_action_id INTEGER,
    recorded_by VARCHAR(120) NOT NULL,
    CONSTRAINT pk_actions PRIMARY KEY (id),
    CONSTRAINT fk_actions_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id),
    CONSTRAINT fk_actions_corrects_action_id_actions FOREIGN KEY(corrects_action_id) REFERENCES actions (id),
    CONSTRAINT fk_actions_document_id_stored_documents FOREIGN KEY(document_id) REFERENCES stored_documents (id),
    CONSTRAINT fk_actions_ladder_step_id_ladder_steps FOREIGN KEY(ladder_step_id) REFERENCES ladder_steps (id)
)"""
_ACTIONS_COLUMNS = ("id, client_id, kind, occurred_on, recorded_at, channel, ladder_step_id, summary, details, "
                    "document_id, corrects_action_id, recorded_by")
_ACTIONS_INDEXES = ("CREATE INDEX ix_actions_client_id ON actions (client_id)",)

_DISPUTES = """CREATE TABLE "{name}" (
    id INTEGER NOT NULL,
    client_id INTEGER NOT NULL,
    opened_on DATE NOT NULL,
    reason {reason},
    notes TEXT NOT NULL,
    resolved_on DATE,
    outcome VARCHAR(24) CONSTRAINT ck_disputes_dispute_outcome CHECK (outcome IN ('credit_note', 'paid', 'rejected')),
    CONSTRAINT pk_disputes PRIMARY KEY (id),
    CONSTRAINT fk_disputes_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id),
    CONSTRAINT ck_disputes_resolved_after_opened CHECK (resolved_on IS NULL OR resolved_on >= opened_on)
)"""
_DISPUTES_COLUMNS = "id, client_id, opened_on, reason, notes, resolved_on, outcome"
_DISPUTES_INDEXES = ("CREATE INDEX ix_disputes_client_id ON disputes (client_id)",)


def _rebuild(table: str, ddl: str, columns: str, indexes: tuple[str, ...]) -> None:
    """Copy ``table`` into a new one made by ``ddl``, then swap (app.models.dossier turns foreign keys off)."""
    op.execute(ddl.format(name=f"_new_{table}"))
    op.execute(f"INSERT INTO _new_{table} ({columns}) SELECT {columns} FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE _new_{table} RENAME TO {table}")
    for statement in indexes:
        op.execute(statement)


def upgrade() -> None:
    _rebuild("disputes", _DISPUTES.replace("{reason}", _NEW_REASON), _DISPUTES_COLUMNS, _DISPUTES_INDEXES)
    _rebuild("actions", _ACTIONS.replace("{kinds}", _NEW_KINDS), _ACTIONS_COLUMNS, _ACTIONS_INDEXES)


def downgrade() -> None:
    _rebuild("actions", _ACTIONS.replace("{kinds}", _OLD_KINDS), _ACTIONS_COLUMNS, _ACTIONS_INDEXES)
    _rebuild("disputes", _DISPUTES.replace("{reason}", _OLD_REASON), _DISPUTES_COLUMNS, _DISPUTES_INDEXES)

"""Alembic environment: runs on the connection handed over by app.models.dossier, in batch mode for SQLite."""

from __future__ import annotations

from alembic import context

from app.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table instead
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""Dossiers as an older Encaisse wrote them: a full demo taken back to a schema revision, to test upgrades."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from app.models.dossier import _alembic_config


def downgrade(path: Path, revision: str) -> Path:
    """Take the dossier at ``path`` back to ``revision`` (foreign keys off, as for upgrades)."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), revision)
    engine.dispose()
    return path

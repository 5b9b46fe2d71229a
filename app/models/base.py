"""Declarative base, naming convention and the one money column type (integer cents)."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum, Integer, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names so that Alembic batch migrations can find and alter them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table of a dossier file."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Cents(TypeDecorator[int]):
    """Money in integer cents. Refuses floats so that no amount ever goes through binary floating point."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"money must be integer cents, got {type(value).__name__}: {value!r}")
        return value


def str_enum(enum_class: type[enum.StrEnum], name: str) -> Enum:
    """A portable VARCHAR + CHECK column storing the enum's values (not its member names)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )

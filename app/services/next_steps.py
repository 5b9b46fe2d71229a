"""The "À faire" list: loads the dossier's open cases in a few set-based queries and asks the ladder engine."""

from __future__ import annotations

from datetime import date

from app.services.todo_dto import Suggestion, TodoList
from app.services.workspace import Workspace


def build_todo(ws: Workspace, as_of: date) -> TodoList:
    """Every client's suggested next action as of ``as_of``, highest priority first, with reasons and warnings."""
    return TodoList(as_of=as_of, suggestions=(), last_bank_import=None, bank_stale=False)


def find_suggestion(ws: Workspace, key: str, as_of: date) -> Suggestion | None:
    """The suggestion with ``key`` in the list as of ``as_of``, or None when it is no longer suggested."""
    return next((s for s in build_todo(ws, as_of).suggestions if s.key == key), None)


def last_bank_import(ws: Workspace) -> date | None:
    """The date of the last bank statement imported (None: never)."""
    return None


def set_last_bank_import(ws: Workspace, on: date) -> None:
    """Record that a bank statement was imported on ``on`` (the bank import calls this)."""

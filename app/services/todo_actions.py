"""What the user does with a suggestion: execute, postpone, skip, log a call, record an LRAR's delivery; one
transaction each, recorded in the history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from app.domain.kinds import CallOutcome
from app.services.todo_dto import BatchResult, Suggestion
from app.services.workspace import Workspace

# (done, total) after each suggestion of a batch; returning False stops the batch there.
Progress = Callable[[int, int], bool | None]


def execute_suggestion(ws: Workspace, suggestion: Suggestion, on: date, *, details: dict[str, Any] | None = None,
                       document: int | None = None) -> int:
    """Record the suggested step as done on ``on`` (reminder, letter, call, mise en demeure, judicial step);
    returns the action id. ``document`` is a stored document id (the letter produced)."""
    raise NotImplementedError


def postpone(ws: Workspace, suggestion: Suggestion, on: date, until: date, reason: str = "") -> int:
    """Nothing is suggested for the client before ``until``."""
    raise NotImplementedError


def skip(ws: Workspace, suggestion: Suggestion, on: date, reason: str) -> int:
    """The step counts as done for the covered invoices without being taken; the next step follows."""
    raise NotImplementedError


def record_call(ws: Workspace, suggestion: Suggestion, on: date, outcome: CallOutcome, *, notes: str = "",
                promise_on: date | None = None, promise_cents: int | None = None,
                dispute_reason: str | None = None, follow_up_on: date | None = None) -> int:
    """Log a call made for a suggestion with its outcome; a promise, a dispute or a follow-up task is created
    in the same transaction. Returns the call's action id."""
    raise NotImplementedError


def record_delivery(ws: Workspace, notice_action_id: int, presented_on: date | None,
                    received_on: date | None) -> int:
    """The presentation and/or receipt dates of a registered letter (mise en demeure)."""
    raise NotImplementedError


def execute_batch(ws: Workspace, suggestions: Sequence[Suggestion], on: date,
                  progress: Progress | None = None) -> BatchResult:
    """Execute several suggestions, each in its own transaction; a stale one is refused, the others done."""
    raise NotImplementedError

"""The "À faire" list: loads the dossier's open cases in a few set-based queries and asks the ladder engine."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from app.domain.ladder_engine import priority, suggest
from app.domain.ladder_engine_facts import ClientCase, EngineSettings, Proposal, Why
from app.services import next_steps_load as load
from app.services.gc_pause import collector_paused
from app.services.next_steps_risk import risk_grades, risk_sums
from app.services.settings import (
    BANK_LAST_IMPORT,
    BANK_MAX_AGE_DAYS,
    DELIVERY_WAIT_DAYS,
    PRESCRIPTION_WARNING_DAYS,
    PROMISE_GRACE_DAYS,
    read_setting,
    write_setting,
)
from app.services.todo_dto import Reason, ReasonCode, SuggestedInvoice, Suggestion, TodoList
from app.services.workspace import Workspace

T = TypeVar("T")


def build_todo(ws: Workspace, as_of: date) -> TodoList:
    """Every client's suggested next action as of ``as_of``, highest priority first, with reasons and warnings."""
    with collector_paused():
        return _build_todo(ws, as_of)


def _build_todo(ws: Workspace, as_of: date) -> TodoList:
    # The history is read beside the cases' other reads, on its own connection: SQLite serves readers at once and
    # releases Python's lock while it searches (as the dashboard does). The risk sums wait for the engine: only
    # the clients it suggests something for need a grade (a third of a large dossier's clients).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="todo") as pool:
        history = pool.submit(_reading, ws, lambda session: load.history_of(session, as_of))
        with ws.dossier.reading() as session:
            settings = engine_settings(session)
            cases = load.client_cases(session, as_of, settings.promise_grace_days, history.result)
            proposals = suggest(cases.values(), as_of, settings)
            suggested = {p.client_id for p in proposals}
            grades = risk_grades(risk_sums(session, as_of, suggested), as_of, suggested, cases)
    ranked = sorted(((_priority(p, grades.get(p.client_id, "C")), p) for p in proposals),
                    key=lambda pair: (-pair[0], pair[1].client_id, pair[1].key))
    suggestions = tuple(_suggestion(p, cases[p.client_id], rank) for rank, p in ranked)
    stale = settings.last_bank_import is None or (as_of - settings.last_bank_import).days > settings.bank_max_age_days
    return TodoList(as_of=as_of, suggestions=suggestions, last_bank_import=settings.last_bank_import,
                    bank_stale=stale)


def _reading(ws: Workspace, work: Callable[[Session], T]) -> T:
    with ws.dossier.reading() as session:
        return work(session)


def engine_settings(session: Session) -> EngineSettings:
    last = read_setting(session, BANK_LAST_IMPORT)
    return EngineSettings(
        promise_grace_days=int(read_setting(session, PROMISE_GRACE_DAYS)),
        bank_max_age_days=int(read_setting(session, BANK_MAX_AGE_DAYS)),
        last_bank_import=date.fromisoformat(last) if last else None,
        prescription_warning_days=int(read_setting(session, PRESCRIPTION_WARNING_DAYS)),
        delivery_wait_days=int(read_setting(session, DELIVERY_WAIT_DAYS)),
    )


def find_suggestion(ws: Workspace, key: str, as_of: date) -> Suggestion | None:
    """The suggestion with ``key`` in the list as of ``as_of``, or None when it is no longer suggested."""
    return next((s for s in build_todo(ws, as_of).suggestions if s.key == key), None)


def last_bank_import(ws: Workspace) -> date | None:
    """The date of the last bank statement imported (None: never)."""
    with ws.dossier.reading() as session:
        value = read_setting(session, BANK_LAST_IMPORT)
    return date.fromisoformat(value) if value else None


def set_last_bank_import(ws: Workspace, on: date) -> None:
    """Record that a bank statement was imported on ``on`` (the bank import calls this); never goes back."""
    with ws.dossier.transaction() as session:
        current = read_setting(session, BANK_LAST_IMPORT)
        if not current or date.fromisoformat(current) < on:
            write_setting(session, BANK_LAST_IMPORT, on.isoformat())


def _priority(proposal: Proposal, grade: str) -> int:
    """The proposal's priority with the client's risk grade (the engine ranks every client as grade C)."""
    days = max((i.days_late for i in proposal.invoices), default=0)
    return priority(proposal.claimed_cents or proposal.overdue_cents, days, grade)


_CODES = {code.value: code for code in ReasonCode}  # a dict lookup: calling the enum is several times slower


def _reason(why: Why) -> Reason:
    return Reason(_CODES[why.code], dict(why.params))


def _suggestion(p: Proposal, case: ClientCase, rank: int) -> Suggestion:
    step = p.step
    return Suggestion(
        key=p.key, kind=p.kind, client_id=p.client_id, client_code=case.code, client_name=case.name,
        segment_code=case.segment_code, ladder_code=case.ladder.code,
        step_id=step.step_id if step else None, step_name=p.step_name,
        step_position=step.position if step else None, channel=p.channel, tone=p.tone,
        template=step.template if step else p.kind.value,
        needs_review=any(w.code == ReasonCode.NEEDS_REVIEW for w in p.warnings),
        deadline_days=step.deadline_days if step else None,
        invoices=tuple(SuggestedInvoice(
            i.invoice_id, i.number, i.issue_date, i.due_date, i.open_cents, i.days_late, i.step_position,
            _CODES[i.flag] if i.flag else None) for i in p.invoices),
        overdue_cents=p.overdue_cents, credits_cents=p.credits_cents, claimed_cents=p.claimed_cents,
        priority=rank, reasons=tuple(map(_reason, p.reasons)), warnings=tuple(map(_reason, p.warnings)),
        related_action_id=p.related_action_id,
    )

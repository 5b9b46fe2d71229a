"""Which dispute, promise or plan each history entry concerns, so that the entry can open the case's edit form."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind
from app.models import (
    Action,
    Dispute,
    PaymentPlan,
    Promise,
    action_invoices,
    dispute_invoices,
    plan_invoices,
    promise_invoices,
)

DISPUTE, PROMISE, PLAN = "dispute", "promise", "plan"


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case of the client: ``kind`` is dispute, promise or plan."""

    kind: str
    id: int


_ID_KEYS = {"dispute_id": DISPUTE, "promise_id": PROMISE, "plan_id": PLAN}


@dataclass(frozen=True, slots=True)
class _Case:
    ref: CaseRef
    on: date  # the date its origin action is recorded on
    resolved_on: date | None
    invoices: frozenset[int]


def _linked(session: Session, table: Table, owner: str, ids: list[int]) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    column = table.c[f"{owner}_id"]
    for owner_id, invoice_id in session.execute(select(column, table.c.invoice_id).where(column.in_(ids))):
        found[owner_id].add(invoice_id)
    return {key: frozenset(value) for key, value in found.items()}


def _cases(session: Session, client_id: int) -> list[_Case]:
    cases: list[_Case] = []
    for model, table, kind, day in ((Dispute, dispute_invoices, DISPUTE, Dispute.opened_on),
                                    (Promise, promise_invoices, PROMISE, Promise.made_on),
                                    (PaymentPlan, plan_invoices, PLAN, PaymentPlan.agreed_on)):
        resolved = Dispute.resolved_on if model is Dispute else day
        rows = session.execute(select(model.id, day, resolved).where(
            model.client_id == client_id).order_by(model.id)).all()
        links = _linked(session, table, kind, [row[0] for row in rows])
        cases += [_Case(CaseRef(kind, row[0]), row[1], row[2] if model is Dispute else None,
                        links.get(row[0], frozenset())) for row in rows]
    return cases


def _details(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _named(details: dict[str, Any]) -> CaseRef | None:
    """The case an entry names in its details (entries recorded since cases could be edited)."""
    for key, kind in _ID_KEYS.items():
        value = details.get(key)
        if isinstance(value, int):
            return CaseRef(kind, value)
    return None


def _legacy_match(kind: ActionKind) -> Callable[[_Case, date, frozenset[int]], bool] | None:
    """How an older entry without a case id is matched: same date and same invoices as its case."""
    wanted = {ActionKind.DISPUTE_OPENED: DISPUTE, ActionKind.DISPUTE_RESOLVED: DISPUTE,
              ActionKind.PROMISE: PROMISE, ActionKind.PLAN: PLAN}.get(kind)
    if wanted is None:
        return None
    resolved = kind is ActionKind.DISPUTE_RESOLVED
    return lambda case, on, invoices: (case.ref.kind == wanted and invoices == case.invoices
                                       and (case.resolved_on if resolved else case.on) == on)


def case_links(session: Session, client_id: int) -> dict[int, CaseRef]:
    """Action id → the case it concerns, for every action of the client that concerns one."""
    actions = session.execute(select(Action.id, Action.kind, Action.occurred_on, Action.details).where(
        Action.client_id == client_id).order_by(Action.id)).all()
    invoices: dict[int, set[int]] = defaultdict(set)
    for action_id, invoice_id in session.execute(
            select(action_invoices.c.action_id, action_invoices.c.invoice_id)
            .join(Action, Action.id == action_invoices.c.action_id).where(Action.client_id == client_id)):
        invoices[action_id].add(invoice_id)
    cases = _cases(session, client_id)
    known = {case.ref for case in cases}
    found: dict[int, CaseRef] = {}
    used: set[tuple[ActionKind, CaseRef]] = set()
    for action_id, kind, on, details in actions:
        named = _named(_details(details))
        if named is not None:
            if named in known:
                found[action_id] = named
            continue
        match = _legacy_match(kind)
        if match is None:
            continue
        linked = frozenset(invoices.get(action_id, ()))
        case = next((c for c in cases if (kind, c.ref) not in used and match(c, on, linked)), None)
        if case is not None:
            used.add((kind, case.ref))
            found[action_id] = case.ref
    return found


def origin_action(session: Session, client_id: int, ref: CaseRef, kinds: Iterable[ActionKind]) -> int | None:
    """The first entry of kind ``kinds`` about ``ref`` (the one a correction corrects)."""
    wanted = set(kinds)
    links = case_links(session, client_id)
    kinds_of = dict(session.execute(select(Action.id, Action.kind).where(Action.id.in_(list(links)))).all())
    return next((action_id for action_id, case in sorted(links.items())
                 if case == ref and kinds_of.get(action_id) in wanted), None)


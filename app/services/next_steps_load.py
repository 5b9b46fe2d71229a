"""Loads the ladder engine's cases for a whole dossier in a handful of set-based queries (no query per client)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, Table, func, select, type_coerce
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, Channel, InvoiceKind
from app.domain.kpis import promise_outcomes
from app.domain.ladder_engine import PREVIOUS_ACTIONS_SHOWN
from app.domain.ladder_engine_facts import (
    CONTACT_KINDS,
    ClientCase,
    LadderRule,
    OpenInvoice,
    PastAction,
    PlanCase,
    PromiseCase,
    StepRule,
)
from app.domain.periods import trailing_days
from app.domain.records import InvoiceFacts, PaymentFacts, PromiseFacts, Settlement, SettlementKind
from app.domain.risk import WINDOW_DAYS, assess
from app.models import (
    Action,
    Allocation,
    Client,
    Dispute,
    Instalment,
    Invoice,
    Ladder,
    LadderStep,
    Payment,
    PaymentPlan,
    Promise,
    Segment,
    action_invoices,
    dispute_invoices,
    plan_invoices,
    promise_invoices,
)
from app.services.queries import disputed_invoice_ids, open_invoices, unallocated_credit_by_client

_ACTION_KINDS = {kind.value: kind for kind in ActionKind}
_CHANNELS = {channel.value: channel for channel in Channel}
_SETTLEMENT_KINDS = {kind.value: kind for kind in SettlementKind}
_TASKS = frozenset({ActionKind.POSTPONED, ActionKind.FOLLOW_UP, ActionKind.DELIVERY, ActionKind.SKIPPED})
# Kinds whose details the engine reads (the others are parsed only when they answer a follow-up).
_DETAILED = frozenset({ActionKind.FORMAL_NOTICE, ActionKind.DELIVERY, ActionKind.FOLLOW_UP, ActionKind.POSTPONED,
                       ActionKind.SKIPPED})


def ladders(session: Session) -> tuple[dict[int, LadderRule], int | None]:
    """Every ladder with its steps, and the dossier default's id."""
    steps: dict[int, list[StepRule]] = defaultdict(list)
    for s in session.scalars(select(LadderStep).order_by(LadderStep.ladder_id, LadderStep.position)):
        steps[s.ladder_id].append(StepRule(
            s.id, s.position, s.name, s.offset_days, Channel(s.channel), s.offset_base, s.tone, s.template,
            s.min_amount_cents, s.needs_review, s.deadline_days))
    found: dict[int, LadderRule] = {}
    default = None
    for ladder in session.scalars(select(Ladder).order_by(Ladder.id)):
        found[ladder.id] = LadderRule(ladder.id, ladder.code, tuple(steps[ladder.id]), ladder.min_interval_days,
                                      ladder.min_amount_cents, ladder.backlog_by_age)
        if ladder.is_default and default is None:
            default = ladder.id
    return found, default if default is not None else next(iter(found), None)


def client_cases(session: Session, as_of: date, grace_days: int) -> dict[int, ClientCase]:
    """A case for every client with an invoice open on ``as_of``."""
    rules, default = ladders(session)
    if default is None:
        return {}
    invoices = _open_invoices(session, as_of)
    if not invoices:
        return {}
    open_by_client = {client: sum(inv.open_cents for inv in items) for client, items in invoices.items()}
    credits = unallocated_credit_by_client(session, as_of, open_by_client)
    open_ids = {inv.invoice_id for items in invoices.values() for inv in items}
    history = _history(session, as_of, open_ids, set(invoices))
    promises = _promises(session, as_of, open_ids, grace_days)
    plans = _plans(session, as_of, open_ids)
    segment_ladders = {code: ladder for code, ladder in session.execute(select(Segment.code, Segment.ladder_id))}
    cases = {}
    for client in session.execute(select(Client.id, Client.account_code, Client.name, Client.segment_code,
                                         Client.ladder_id, Client.is_consumer, Client.do_not_remind,
                                         Client.credit_limit_cents)):
        if client.id not in invoices:
            continue
        ladder_id = client.ladder_id or segment_ladders.get(client.segment_code or "") or default
        cases[client.id] = ClientCase(
            client.id, client.account_code, client.name, rules.get(ladder_id, rules[default]),
            tuple(invoices[client.id]), client.segment_code, client.is_consumer, client.do_not_remind,
            client.credit_limit_cents, credits.get(client.id, 0), "C", tuple(history.get(client.id, ())),
            tuple(promises.get(client.id, ())), tuple(plans.get(client.id, ())))
    return cases


def _open_invoices(session: Session, as_of: date) -> dict[int, list[OpenInvoice]]:
    amounts = open_invoices(as_of).subquery("open_amounts")
    statement = select(amounts.c.id, amounts.c.client_id, amounts.c.open_cents, Invoice.number, Invoice.issue_date,
                       Invoice.due_date, Invoice.no_reminder).join(Invoice, Invoice.id == amounts.c.id)
    disputed = disputed_invoice_ids(session, as_of)
    ever = set(session.scalars(select(dispute_invoices.c.invoice_id).join(
        Dispute, Dispute.id == dispute_invoices.c.dispute_id).where(Dispute.opened_on <= as_of)))
    found: dict[int, list[OpenInvoice]] = defaultdict(list)
    for row in session.connection().execute(statement):
        found[row.client_id].append(OpenInvoice(
            row.id, row.number, row.issue_date, row.due_date, int(row.open_cents), row.no_reminder,
            row.id in disputed, row.id in ever))
    return found


def _history(session: Session, as_of: date, open_ids: set[int], client_ids: set[int]) -> dict[int, list[PastAction]]:
    """Entries up to ``as_of`` that can matter: those covering an open invoice (steps done, notices), each
    client's latest contacts (minimum interval, previous steps) and the tasks (postponements, follow-ups…)."""
    links: dict[int, set[int]] = defaultdict(set)
    for action_id, invoice_id in session.connection().execute(
            select(action_invoices.c.action_id, action_invoices.c.invoice_id)).all():
        if invoice_id in open_ids:
            links[action_id].add(invoice_id)
    # Kinds, channels and dates are read as text and converted only for the entries kept (100,000 rows).
    statement = select(Action.id, Action.client_id, type_coerce(Action.kind, String),
                       type_coerce(Action.occurred_on, String), type_coerce(Action.channel, String),
                       Action.ladder_step_id, Action.details).where(Action.occurred_on <= as_of)
    rows = [row for row in session.connection().execute(statement).all() if row[1] in client_ids]
    latest = _latest_contacts(rows)
    found: dict[int, list[PastAction]] = defaultdict(list)
    for action_id, client_id, kind_text, on_text, channel, step_id, details in rows:
        kind = _ACTION_KINDS[kind_text]
        answers = "follow_up_id" in details
        if not (action_id in links or kind in _TASKS or answers or (on_text >= latest.get(client_id, "~")
                and kind in CONTACT_KINDS)):
            continue
        found[client_id].append(PastAction(
            action_id, kind, _day(on_text), frozenset(links.get(action_id, ())), step_id,
            _CHANNELS[channel] if channel else None, _details(details) if kind in _DETAILED or answers else {}))
    return found


def _latest_contacts(rows: Iterable[Sequence[Any]]) -> dict[int, str]:
    """client id → the date (ISO) of its PREVIOUS_ACTIONS_SHOWN-th latest contact: older ones are not shown."""
    dates: dict[int, list[str]] = defaultdict(list)
    for _id, client_id, kind_text, on_text, *_rest in rows:
        if _ACTION_KINDS[kind_text] in CONTACT_KINDS:
            dates[client_id].append(on_text)
    return {client_id: sorted(days)[-PREVIOUS_ACTIONS_SHOWN:][0] for client_id, days in dates.items()}


def _day(value: object) -> date:
    """A date read as text (SQLite stores ISO dates); another database may give a date already."""
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def _details(text: str) -> dict[str, object]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}  # a hand-edited entry: the engine reads nothing from it rather than failing the whole list
    return value if isinstance(value, dict) else {}


def _grouped_links(session: Session, table: Table, owner: str) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for owner_id, invoice_id in session.execute(select(table.c[f"{owner}_id"], table.c.invoice_id)):
        found[owner_id].add(invoice_id)
    return {key: frozenset(value) for key, value in found.items()}


def _payments(session: Session, client_ids: Iterable[int], as_of: date) -> dict[int, list[PaymentFacts]]:
    found: dict[int, list[PaymentFacts]] = defaultdict(list)
    ids = sorted(set(client_ids))
    for start in range(0, len(ids), 900):
        for client_id, on, cents in session.execute(
                select(Payment.client_id, Payment.received_on, Payment.amount_cents).where(
                    Payment.client_id.in_(ids[start:start + 900]), Payment.received_on <= as_of)):
            found[client_id].append(PaymentFacts(client_id, on, cents))
    return found


def _promises(session: Session, as_of: date, open_ids: set[int], grace_days: int) -> dict[int, list[PromiseCase]]:
    links = _grouped_links(session, promise_invoices, "promise")
    rows = [p for p in session.scalars(select(Promise).where(Promise.made_on <= as_of))
            if links.get(p.id, frozenset()) & open_ids]
    payments = _payments(session, {p.client_id for p in rows}, as_of)
    found: dict[int, list[PromiseCase]] = defaultdict(list)
    by_client: dict[int, list[Promise]] = defaultdict(list)
    for promise in rows:
        by_client[promise.client_id].append(promise)
    for client_id, promises in by_client.items():
        facts = [PromiseFacts(client_id, p.made_on, p.promised_on, p.amount_cents) for p in promises]
        states = promise_outcomes(facts, payments.get(client_id, []), as_of, grace_days)
        for promise, state in zip(promises, states, strict=True):
            found[client_id].append(PromiseCase(promise.id, promise.made_on, promise.promised_on,
                                                promise.amount_cents, links[promise.id], state))
    return found


def _plans(session: Session, as_of: date, open_ids: set[int]) -> dict[int, list[PlanCase]]:
    links = _grouped_links(session, plan_invoices, "plan")
    rows = [p for p in session.scalars(select(PaymentPlan).where(PaymentPlan.agreed_on <= as_of))
            if links.get(p.id, frozenset()) & open_ids]
    if not rows:
        return {}
    instalments: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for plan_id, due_on, cents in session.execute(
            select(Instalment.plan_id, Instalment.due_on, Instalment.amount_cents)
            .where(Instalment.plan_id.in_([p.id for p in rows])).order_by(Instalment.due_on, Instalment.id)):
        instalments[plan_id].append((due_on, cents))
    payments = _payments(session, {p.client_id for p in rows}, as_of)
    found: dict[int, list[PlanCase]] = defaultdict(list)
    for plan in rows:
        paid = sum(p.amount_cents for p in payments.get(plan.client_id, []) if p.received_on >= plan.agreed_on)
        found[plan.client_id].append(PlanCase(plan.id, plan.agreed_on, links[plan.id],
                                              tuple(instalments[plan.id]), paid, plan.cancelled_on))
    return found


def risk_grades(session: Session, as_of: date, client_ids: set[int], cases: Mapping[int, ClientCase]) -> dict[int, str]:
    """The risk grade (app.domain.risk) of each client, from what it paid in the last year, what is open and its
    broken promises."""
    if not client_ids:
        return {}
    window = trailing_days(as_of, WINDOW_DAYS)
    facts = _risk_facts(session, as_of, sorted(client_ids))
    disputes = {client: int(count) for client, count in session.execute(
        select(Dispute.client_id, func.count(Dispute.id)).where(
            Dispute.opened_on <= as_of, (Dispute.resolved_on.is_(None)) | (Dispute.resolved_on > as_of))
        .group_by(Dispute.client_id))}
    grades = {}
    for client_id in sorted(client_ids):
        case = cases[client_id]
        loaded = facts.get(client_id, {})
        # Open invoices with nothing settled in the year count towards the credit limit by what is open.
        invoices = [*loaded.values(), *(InvoiceFacts(inv.invoice_id, client_id, inv.issue_date, inv.due_date,
                                                     inv.open_cents)
                                        for inv in case.invoices if inv.invoice_id not in loaded)]
        broken = sum(1 for p in case.promises if p.state == "broken" and p.promised_on in window)
        grades[client_id] = assess(invoices, as_of, credit_limit_cents=case.credit_limit_cents,
                                   open_disputes=disputes.get(client_id, 0), broken_promises=broken).grade
    return grades


def _risk_facts(session: Session, as_of: date, client_ids: list[int]) -> dict[int, dict[int, InvoiceFacts]]:
    """Invoices with a settlement in the year before ``as_of``, with all their settlements."""
    in_window = select(Allocation.invoice_id).where(Allocation.on_date > as_of - timedelta(days=WINDOW_DAYS + 1),
                                                    Allocation.on_date <= as_of)
    rows: dict[int, tuple[int, str, str, int, list[Settlement]]] = {}
    for start in range(0, len(client_ids), 900):
        statement = (
            select(Invoice.id, Invoice.client_id, type_coerce(Invoice.issue_date, String),
                   type_coerce(Invoice.due_date, String), Invoice.amount_incl_cents,
                   type_coerce(Allocation.on_date, String), Allocation.amount_cents,
                   type_coerce(Allocation.kind, String))
            .join(Allocation, Allocation.invoice_id == Invoice.id)
            .where(Invoice.client_id.in_(client_ids[start:start + 900]), Invoice.kind == InvoiceKind.INVOICE,
                   Invoice.id.in_(in_window)))
        for invoice_id, client_id, issued, due, cents, on, settled, kind in session.connection().execute(statement):
            row = rows.get(invoice_id)
            if row is None:
                row = rows[invoice_id] = (client_id, issued, due, cents, [])
            row[4].append(Settlement(_day(on), settled, _SETTLEMENT_KINDS[kind]))
    found: dict[int, dict[int, InvoiceFacts]] = defaultdict(dict)
    for invoice_id, (client_id, issued, due, cents, settlements) in rows.items():
        found[client_id][invoice_id] = InvoiceFacts(invoice_id, client_id, _day(issued), _day(due), cents,
                                                    tuple(settlements))
    return found

"""Loads the ladder engine's cases for a whole dossier in a handful of set-based queries (no query per client)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, Table, case, func, literal_column, null, select, type_coerce, union_all
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, Channel
from app.domain.kpis import promise_outcomes
from app.domain.ladder_engine_facts import (
    CONTACT_KINDS,
    NO_DETAILS,
    ClientCase,
    LadderRule,
    OpenInvoice,
    PastAction,
    PlanCase,
    PromiseCase,
    StepRule,
)
from app.domain.records import PaymentFacts, PromiseFacts, SettlementKind
from app.models import (
    Action,
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
from app.services.plain_rows import packed_rows
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


# The entries answering a call-back, written as the partial index of revision 0010 is (a literal pattern, not a
# bound parameter, for SQLite to match the two).
_ANSWERS = Action.details.like(literal_column("'%follow_up_id%'"))

HistoryReader = Callable[[], dict[int, list[PastAction]]]


def client_cases(session: Session, as_of: date, grace_days: int,
                 history_reader: HistoryReader | None = None) -> dict[int, ClientCase]:
    """A case for every client with an invoice open on ``as_of``; ``history_reader`` gives what
    :func:`history` reads when the caller runs it elsewhere (on another connection, at the same time)."""
    rules, default = ladders(session)
    if default is None:
        return {}
    invoices = _open_invoices(session, as_of)
    if not invoices:
        return {}
    credits = unallocated_credit_by_client(session, as_of)
    open_ids = {inv.invoice_id for items in invoices.values() for inv in items}
    history = history_reader() if history_reader is not None else history_of(session, as_of)
    promises = _promises(session, as_of, open_ids, grace_days)
    plans = _plans(session, as_of, open_ids)
    segment_ladders = {code: ladder for code, ladder in session.execute(select(Segment.code, Segment.ladder_id))}
    cases = {}
    for client_id, code, name, segment, own_ladder, consumer, do_not_remind, limit in packed_rows(session, select(
            Client.id, Client.account_code, Client.name, Client.segment_code, Client.ladder_id, Client.is_consumer,
            Client.do_not_remind, Client.credit_limit_cents)):
        if client_id not in invoices:
            continue
        ladder_id = own_ladder or segment_ladders.get(segment or "") or default
        cases[client_id] = ClientCase(
            client_id, code, name, rules.get(ladder_id, rules[default]), tuple(invoices[client_id]), segment,
            bool(consumer), bool(do_not_remind), limit, max(0, credits.get(client_id, 0)), "C",
            tuple(history.get(client_id, ())), tuple(promises.get(client_id, ())), tuple(plans.get(client_id, ())))
    return cases


def _open_invoices(session: Session, as_of: date) -> dict[int, list[OpenInvoice]]:
    amounts = open_invoices(as_of).subquery("open_amounts")
    statement = select(amounts.c.id, amounts.c.client_id, amounts.c.open_cents, Invoice.number,
                       type_coerce(Invoice.issue_date, String), type_coerce(Invoice.due_date, String),
                       Invoice.no_reminder).join(Invoice, Invoice.id == amounts.c.id)
    disputed = disputed_invoice_ids(session, as_of)
    ever = set(session.scalars(select(dispute_invoices.c.invoice_id).join(
        Dispute, Dispute.id == dispute_invoices.c.dispute_id).where(Dispute.opened_on <= as_of)))
    found: dict[int, list[OpenInvoice]] = defaultdict(list)
    rows = packed_rows(session, statement)
    day = _parser(rows[0][4]) if rows else _day
    for invoice_id, client_id, cents, number, issued, due, no_reminder in rows:
        found[client_id].append(OpenInvoice(invoice_id, number, day(issued), day(due), int(cents), bool(no_reminder),
                                            invoice_id in disputed, invoice_id in ever))
    return found


def history_of(session: Session, as_of: date) -> dict[int, list[PastAction]]:
    """Entries up to ``as_of`` that can matter, per client: those covering an open invoice (steps done,
    notices, previous steps), the contacts within the longest minimum interval and the tasks (postponements,
    follow-ups…).

    Three selective queries rather than the whole history (100,000 entries on a large dossier)."""
    columns = (Action.id, Action.client_id, type_coerce(Action.kind, String), type_coerce(Action.occurred_on, String),
               type_coerce(Action.channel, String), Action.ladder_step_id,
               # The details the engine reads, as JSON that the packed read decodes with the rest (a hand-edited
               # entry that is not JSON gives none rather than failing the whole list).
               case(((Action.kind.in_(_DETAILED) | Action.details.contains("follow_up_id"))
                     & func.json_valid(Action.details), func.json(Action.details)), else_=null()).label("details"))
    interval_days = max(session.scalars(select(Ladder.min_interval_days)), default=0)
    open_ids = select(open_invoices(as_of).subquery("open_now").c.id)
    covering = (select(*columns, action_invoices.c.invoice_id)
                .join(action_invoices, action_invoices.c.action_id == Action.id)
                .where(Action.occurred_on <= as_of, action_invoices.c.invoice_id.in_(open_ids)))
    # Contacts about settled invoices only matter while the minimum interval after them runs; tasks always; the
    # entries answering a call-back (found by text) too. Each read on its own index (revision 0010); an entry
    # found twice is kept once below.
    recent_or_task = union_all(
        select(*columns, null()).where(Action.kind.in_(CONTACT_KINDS),
                                       Action.occurred_on > as_of - timedelta(days=interval_days),
                                       Action.occurred_on <= as_of),
        select(*columns, null()).where(Action.kind.in_(_TASKS), Action.occurred_on <= as_of),
        select(*columns, null()).where(_ANSWERS, Action.occurred_on <= as_of))
    rows: dict[int, list[Any]] = {}
    links: dict[int, set[int]] = {}
    for row in packed_rows(session, covering):
        action_id = row[0]
        if action_id in rows:
            links[action_id].add(row[7])
        else:
            rows[action_id], links[action_id] = row, {row[7]}
    for row in packed_rows(session, select(recent_or_task.subquery("recent_or_task"))):
        rows.setdefault(row[0], row)
    found: dict[int, list[PastAction]] = defaultdict(list)
    day = _parser(next(iter(rows.values()))[3]) if rows else _day
    no_links: frozenset[int] = frozenset()
    for action_id, client_id, kind_text, on_text, channel, step_id, details, _invoice in rows.values():
        linked = links.get(action_id)
        found[client_id].append(PastAction(
            action_id, _ACTION_KINDS[kind_text], day(on_text), frozenset(linked) if linked else no_links, step_id,
            _CHANNELS[channel] if channel else None, _details(details)))
    return found


def _day(value: object) -> date:
    """A date read as text (SQLite stores ISO dates); another database may give a date already."""
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def _parser(sample: object) -> Callable[[Any], date]:
    """:func:`_day` decided once for a whole result (tens of thousands of dates): the driver gives all of a
    column's values the same type."""
    return date.fromisoformat if isinstance(sample, str) else _day


def _details(value: object) -> Mapping[str, object]:
    """An entry's details: decoded with the packed read, or still JSON text (SQLite keeps a value's JSON nature
    only through subqueries it flattens)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return NO_DETAILS
    # Most entries: none (kinds whose details the engine does not read); a JSON value other than an object too.
    return value if isinstance(value, dict) and value else NO_DETAILS


def _grouped_links(session: Session, table: Table, owner: str) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for owner_id, invoice_id in session.execute(select(table.c[f"{owner}_id"], table.c.invoice_id)):
        found[owner_id].add(invoice_id)
    return {key: frozenset(value) for key, value in found.items()}


def _payments(session: Session, client_ids: Iterable[int], as_of: date) -> dict[int, list[PaymentFacts]]:
    found: dict[int, list[PaymentFacts]] = defaultdict(list)
    ids = func.json_each(json.dumps(sorted(set(client_ids)))).table_valued("value")  # one parameter, any number
    rows = packed_rows(session, select(Payment.client_id, type_coerce(Payment.received_on, String),
                                      Payment.amount_cents)
                      .where(Payment.client_id.in_(select(ids.c.value)), Payment.received_on <= as_of))
    day = _parser(rows[0][1]) if rows else _day
    for client_id, on, cents in rows:
        found[client_id].append(PaymentFacts(client_id, day(on), cents))
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

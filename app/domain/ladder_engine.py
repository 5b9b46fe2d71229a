"""The reminder engine (DESIGN.md §4): for each client, as of a date, what to do next and why, as data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.kinds import ActionKind, Channel, OffsetBase, SuggestionKind, Tone
from app.domain.ladder_engine_facts import (
    CONTACT_KINDS,
    PRESCRIPTION_YEARS_B2B,
    PRESCRIPTION_YEARS_CONSUMER,
    ClientCase,
    EngineSettings,
    OpenInvoice,
    PastAction,
    Proposal,
    ProposedInvoice,
    StepRule,
    Why,
)
from app.domain.ladder_engine_routes import (
    Notice,
    latest_notice,
    notice_followed,
    open_follow_ups,
    prescription_warning,
    route_kind,
    route_reasons,
)
from app.domain.ladder_engine_steps import NextStep, StepTable, blocked, highest_done, next_step
from app.domain.risk import GRADES

PREVIOUS_ACTIONS_SHOWN = 3


def bank_warning(settings: EngineSettings, as_of: date) -> Why | None:
    """Rule 6: the last bank statement is older than the setting allows (or none was ever imported)."""
    last = settings.last_bank_import
    if last is not None and (as_of - last).days <= settings.bank_max_age_days:
        return None
    return Why("bank_stale", {"last_import": last.isoformat() if last else "", "days": settings.bank_max_age_days})


def suggest(cases: Iterable[ClientCase], as_of: date, settings: EngineSettings) -> list[Proposal]:
    """Every client's proposals as of ``as_of``, highest priority first."""
    # A dossier has a few ladders shared by thousands of clients: each digested once, found by identity (each
    # table holds its ladder, so no other ladder can take its id while the list is built).
    tables: dict[int, StepTable] = {}
    stale = bank_warning(settings, as_of)
    found = []
    for case in cases:
        table = tables.get(id(case.ladder))
        if table is None or table.ladder is not case.ladder:
            table = tables[id(case.ladder)] = StepTable.of(case.ladder)
        found += _propose(case, as_of, settings, table, stale)
    return sorted(found, key=lambda p: (-p.priority, p.client_id, p.key))


@dataclass(slots=True)
class _Context:
    """One client's case digested once: what may be reminded, what is due, what lowers the claim."""

    case: ClientCase
    as_of: date
    settings: EngineSettings
    stale: Why | None
    eligible: list[OpenInvoice] = field(default_factory=list)
    due: list[OpenInvoice] = field(default_factory=list)  # the eligible invoices due by the as-of date
    flags: dict[int, Why] = field(default_factory=dict)
    next_steps: dict[int, NextStep] = field(default_factory=dict)
    reached: dict[int, tuple[StepRule, date]] = field(default_factory=dict)  # invoice → highest step done, when
    notice: Notice | None = None  # the latest mise en demeure on open invoices
    kinds: frozenset[ActionKind] = frozenset()  # the kinds of entry in the history: rules look for the others

    def claimed(self, invoices: Iterable[OpenInvoice]) -> tuple[int, int]:
        overdue = sum(inv.open_cents for inv in invoices)
        return overdue, max(0, overdue - self.case.credits_cents)


def propose(case: ClientCase, as_of: date, settings: EngineSettings) -> list[Proposal]:
    """One client's proposals: its ladder step, the judicial route, call-backs, an LRAR's delivery dates."""
    return _propose(case, as_of, settings, StepTable.of(case.ladder), bank_warning(settings, as_of))


def may_propose(case: ClientCase, as_of: date, settings: EngineSettings) -> bool:
    """False when :func:`propose` surely proposes nothing (a third of a dossier's clients), found cheaply: the
    client is not to be reminded, is postponed, or has no history and nothing due yet."""
    return not (case.do_not_remind or _postponed(case, as_of) or _nothing_reached(case, as_of, settings))


def _propose(case: ClientCase, as_of: date, settings: EngineSettings, table: StepTable,
             stale: Why | None) -> list[Proposal]:
    if not may_propose(case, as_of, settings):
        return []
    ctx = _digest(case, as_of, settings, table, stale)
    route = _route(ctx)
    step = _step(ctx)
    if route is not None and step is not None and step.channel is Channel.JUDICIAL:
        step = None  # the route chosen from the notice replaces a generic court step
    main = [p for p in (route, step) if p is not None]
    warning = prescription_warning(case, ctx.due, as_of, settings.prescription_warning_days)
    if warning is not None and not main:
        main = _prescription_route(ctx)
    if warning is not None:
        main = [_with_warnings(p, (warning,)) for p in main]
    others = [*_follow_ups(ctx), *_delivery(ctx)]
    proposals = [*main, *others]
    if not proposals or ActionKind.SKIPPED not in ctx.kinds:
        return proposals
    skipped = {a.details.get("key") for a in case.history if a.kind is ActionKind.SKIPPED and a.step_id is None}
    return [p for p in proposals if p.kind is SuggestionKind.STEP or p.key not in skipped]


def _nothing_reached(case: ClientCase, as_of: date, settings: EngineSettings) -> bool:
    """A client without history whose invoices are all short of the ladder's first step and far from their
    limitation date: no step, no route, no call-back, no delivery to ask for, no prescription warning (about
    half the clients of a dossier, whose full digest would find exactly that)."""
    if case.history or not case.ladder.steps:
        return False
    first = case.ladder.steps[0]
    if first.offset_base is not OffsetBase.DUE_DATE:
        return False
    years = PRESCRIPTION_YEARS_CONSUMER if case.is_consumer else PRESCRIPTION_YEARS_B2B
    # The first cut prescription_warning makes: invoices due after it are never near their limitation date.
    cutoff = as_of + timedelta(days=settings.prescription_warning_days + 1) - timedelta(days=365 * years)
    earliest = max(as_of - timedelta(days=first.offset_days), cutoff)
    return all(inv.due_date > earliest for inv in case.invoices)


def _postponed(case: ClientCase, as_of: date) -> bool:
    for action in case.history:
        if action.kind is not ActionKind.POSTPONED:
            continue
        until = action.details.get("until")
        if isinstance(until, str) and as_of < date.fromisoformat(until):
            return True
    return False


def _digest(case: ClientCase, as_of: date, settings: EngineSettings, table: StepTable,
            stale: Why | None) -> _Context:
    paused, flags = blocked(case, as_of, settings.promise_grace_days)
    ctx = _Context(case, as_of, settings, stale, flags=flags)
    ctx.eligible = eligible = [inv for inv in case.invoices if inv.open_cents > 0 and not inv.no_reminder
                               and not inv.disputed and inv.invoice_id not in paused]
    ctx.due = due = [inv for inv in eligible if inv.due_date <= as_of]
    basis = ctx.claimed(due if due else eligible)[1]
    ctx.reached = reached = highest_done(case.history, table) if case.history else {}
    # An invoice with nothing done whose first step is not yet due has no step: most of a large dossier.
    earliest = as_of - timedelta(days=table.first_due_days) if table.first_due_days is not None else date.max
    for inv in eligible:
        last = reached.get(inv.invoice_id)
        if last is None and inv.due_date > earliest:
            continue
        found = next_step(inv, table, last, as_of, basis)
        if found is not None:
            ctx.next_steps[inv.invoice_id] = found
    ctx.kinds = frozenset(action.kind for action in case.history)
    ctx.notice = latest_notice(case) if ActionKind.FORMAL_NOTICE in ctx.kinds else None
    return ctx


def _last_contacts(case: ClientCase, as_of: date) -> list[PastAction]:
    contacts = [a for a in case.history if a.kind in CONTACT_KINDS and a.occurred_on <= as_of]
    return sorted(contacts, key=lambda a: (a.occurred_on, a.action_id), reverse=True)


def _step(ctx: _Context) -> Proposal | None:
    """Rules 2–5: the highest step reached among the client's invoices, one grouped suggestion for all."""
    if not ctx.next_steps:
        return None
    case, ladder = ctx.case, ctx.case.ladder
    contacts = _last_contacts(case, ctx.as_of)
    if contacts and ctx.as_of < contacts[0].occurred_on + timedelta(days=ladder.min_interval_days):
        return None  # the minimum interval since the last reminder is not over
    driver = max(ctx.next_steps.values(), key=lambda n: (n.step.position, -n.since.toordinal()))
    step = driver.step
    drivers = [n for n in ctx.next_steps.values() if n.step.step_id == step.step_id]
    since = min(n.since for n in drivers)
    if step.offset_days < 0 and all(inv.due_date > ctx.as_of for inv in ctx.eligible
                                     if inv.invoice_id in ctx.next_steps):
        covered = [inv for inv in ctx.eligible if inv.invoice_id in ctx.next_steps
                   and ctx.next_steps[inv.invoice_id].step.step_id == step.step_id]
    else:
        # Invoices already taken further (a mise en demeure, a court step) follow their own course: a courteous
        # reminder must not claim them again.
        covered = [inv for inv in ctx.due if _position(ctx.reached.get(inv.invoice_id)) <= step.position]
    _overdue, claimed = ctx.claimed(covered)
    if claimed <= 0 or claimed < ladder.min_amount_cents or claimed < step.min_amount_cents:
        return None
    reasons = [Why("step_reached", {"step_name": step.name, "offset_days": step.offset_days,
                                    "since": since.isoformat()})]
    reasons += _flag_reasons(ctx, covered)
    reasons += _amount_reasons(ctx, covered)
    reasons += [_previous(a, ladder.steps) for a in contacts[:PREVIOUS_ACTIONS_SHOWN]]
    if any(n.backlog for n in drivers):
        reasons.append(Why("backlog", {"step_name": step.name}))
    if since < ctx.as_of:
        reasons.append(Why("caught_up", {"since": since.isoformat()}))
    reasons += _postponement_over(case, contacts) if ActionKind.POSTPONED in ctx.kinds else []
    warnings = [Why("needs_review")] if step.needs_review else []
    return _make(ctx, SuggestionKind.STEP, f"{case.client_id}:step:{step.step_id}", covered, reasons,
                 warnings + _sending_warnings(ctx), step=step, name=step.name, channel=step.channel, tone=step.tone)


def _position(done: tuple[StepRule, date] | None) -> int:
    return done[0].position if done is not None else 0


def _previous(action: PastAction, steps: tuple[StepRule, ...]) -> Why:
    step = next((s for s in steps if s.step_id == action.step_id), None)
    return Why("previous_action", {"label": step.name if step else action.kind.value, "kind": action.kind.value,
                                   "on": action.occurred_on.isoformat()})


def _flag_reasons(ctx: _Context, covered: list[OpenInvoice]) -> list[Why]:
    seen: dict[tuple[str, tuple[tuple[str, str | int], ...]], Why] = {}
    for inv in covered:
        flag = ctx.flags.get(inv.invoice_id)
        if flag is not None:
            seen.setdefault((flag.code, tuple(sorted(flag.params.items()))), flag)
    return list(seen.values())


def _amount_reasons(ctx: _Context, covered: list[OpenInvoice]) -> list[Why]:
    overdue, claimed = ctx.claimed(covered)
    reasons = []
    late = [inv for inv in covered if inv.due_date < ctx.as_of]
    if late:
        oldest = min(late, key=lambda inv: (inv.due_date, inv.number))
        reasons.append(Why("days_late", {"days": (ctx.as_of - oldest.due_date).days, "number": oldest.number}))
    reasons.append(Why("amount", {"cents": claimed}))
    if ctx.case.credits_cents > 0 and overdue > 0:
        reasons.append(Why("credits_deducted", {"cents": min(ctx.case.credits_cents, overdue)}))
    return reasons


def _postponement_over(case: ClientCase, contacts: list[PastAction]) -> list[Why]:
    postponed = [a for a in case.history if a.kind is ActionKind.POSTPONED and isinstance(a.details.get("until"), str)]
    if not postponed:
        return []
    latest = max(postponed, key=lambda a: (a.occurred_on, a.action_id))
    if contacts and contacts[0].occurred_on >= latest.occurred_on:
        return []
    return [Why("postponement_over", {"until": str(latest.details["until"])})]


def _sending_warnings(ctx: _Context) -> list[Why]:
    """Rule 6 and the credit limit: what to check before anything reaches the client."""
    warnings = [ctx.stale] if ctx.stale is not None else []
    limit = ctx.case.credit_limit_cents
    balance = sum(inv.open_cents for inv in ctx.case.invoices) - ctx.case.credits_cents
    if limit is not None and balance > limit:
        warnings.append(Why("over_credit_limit", {"cents": balance, "limit_cents": limit}))
    return warnings


def _route(ctx: _Context) -> Proposal | None:
    """Rule 7: the notice's deadline passed and its invoices are still unpaid: the judicial route that fits."""
    notice = ctx.notice
    if notice is None or ctx.as_of <= notice.deadline or notice_followed(ctx.case, notice):
        return None
    # One filing for every invoice under notice: those of earlier notices, unpaid, wait for the latest deadline
    # rather than being left out of any route.
    noticed = frozenset().union(*(a.invoice_ids for a in ctx.case.history if a.kind is ActionKind.FORMAL_NOTICE
                                  and a.occurred_on <= notice.sent_on))
    covered = [inv for inv in ctx.eligible if inv.invoice_id in noticed]
    _overdue, claimed = ctx.claimed(covered)
    if claimed <= 0 or claimed < ctx.case.ladder.min_amount_cents:
        return None
    kind = route_kind(covered, claimed, ctx.settings.small_claim_ceiling_cents)
    reasons = [Why("notice_unanswered", {"sent_on": notice.sent_on.isoformat(),
                                         "deadline": notice.deadline.isoformat()}),
               *route_reasons(kind, claimed, ctx.settings.small_claim_ceiling_cents),
               *_flag_reasons(ctx, covered), *_amount_reasons(ctx, covered)]
    return _make(ctx, kind, f"{ctx.case.client_id}:{kind.value}:{notice.action.action_id}", covered, reasons,
                 [Why("needs_review"), *_sending_warnings(ctx)], related=notice.action.action_id)


def _prescription_route(ctx: _Context) -> list[Proposal]:
    """Nothing else is due but a claim nears its limitation date: only a court claim interrupts it."""
    covered = ctx.due
    _overdue, claimed = ctx.claimed(covered)
    if claimed <= 0:
        return []
    kind = route_kind(covered, claimed, ctx.settings.small_claim_ceiling_cents)
    reasons = [*route_reasons(kind, claimed, ctx.settings.small_claim_ceiling_cents), *_amount_reasons(ctx, covered)]
    return [_make(ctx, kind, f"{ctx.case.client_id}:{kind.value}:prescription", covered, reasons,
                  [Why("needs_review"), *_sending_warnings(ctx)])]


def _follow_ups(ctx: _Context) -> list[Proposal]:
    """Call-backs agreed during an earlier call, from their date until a later entry answers them."""
    found: list[Proposal] = []
    if ActionKind.FOLLOW_UP not in ctx.kinds:
        return found
    open_invoices = [inv for inv in ctx.case.invoices if inv.open_cents > 0]
    for action, on in open_follow_ups(ctx.case, ctx.as_of):
        covered = [inv for inv in open_invoices if inv.invoice_id in action.invoice_ids] or \
            [inv for inv in open_invoices if inv.due_date <= ctx.as_of]
        if not covered:
            continue
        reasons = [Why("follow_up_due", {"on": on.isoformat(), "note": str(action.details.get("note", ""))}),
                   *_amount_reasons(ctx, covered)]
        found.append(_make(ctx, SuggestionKind.FOLLOW_UP, f"{ctx.case.client_id}:follow_up:{action.action_id}",
                           covered, reasons, [], channel=Channel.PHONE, related=action.action_id))
    return found


def _delivery(ctx: _Context) -> list[Proposal]:
    """A mise en demeure sent some days ago without its presentation or receipt date: ask for them."""
    notice = ctx.notice
    if notice is None or notice.delivered_on is not None or notice_followed(ctx.case, notice) \
            or ctx.as_of < notice.sent_on + timedelta(days=ctx.settings.delivery_wait_days):
        return []
    covered = [inv for inv in ctx.case.invoices if inv.open_cents > 0 and inv.invoice_id in notice.action.invoice_ids]
    if not covered:
        return []
    reasons = [Why("notice_undelivered", {"sent_on": notice.sent_on.isoformat(), "lrar": notice.lrar}),
               *_amount_reasons(ctx, covered)]
    return [_make(ctx, SuggestionKind.DELIVERY, f"{ctx.case.client_id}:delivery:{notice.action.action_id}",
                  covered, reasons, [], channel=Channel.REGISTERED_LETTER, related=notice.action.action_id)]


def _make(ctx: _Context, kind: SuggestionKind, key: str, covered: list[OpenInvoice], reasons: list[Why],
          warnings: list[Why], *, step: StepRule | None = None, name: str = "", channel: Channel = Channel.JUDICIAL,
          tone: Tone = Tone.FORMAL, related: int | None = None) -> Proposal:
    overdue, claimed = ctx.claimed(covered)
    invoices = tuple(sorted((_proposed(ctx, inv) for inv in covered), key=lambda i: (i.due_date, i.number)))
    days = max((i.days_late for i in invoices), default=0)
    return Proposal(
        key=key, kind=kind, client_id=ctx.case.client_id, step=step, step_name=name or kind.value,
        channel=channel, tone=tone if step is None else step.tone, invoices=invoices, overdue_cents=overdue,
        credits_cents=ctx.case.credits_cents, claimed_cents=claimed,
        priority=priority(claimed or overdue, days, ctx.case.risk_grade),
        reasons=tuple(reasons), warnings=tuple(warnings), related_action_id=related)


def _proposed(ctx: _Context, inv: OpenInvoice) -> ProposedInvoice:
    reached = ctx.next_steps.get(inv.invoice_id)
    flag = ctx.flags.get(inv.invoice_id)
    return ProposedInvoice(inv.invoice_id, inv.number, inv.issue_date, inv.due_date, inv.open_cents,
                           max(0, (ctx.as_of - inv.due_date).days), reached.step.position if reached else None,
                           flag.code if flag else None)


def _with_warnings(proposal: Proposal, extra: tuple[Why, ...]) -> Proposal:
    return proposal._replace(warnings=proposal.warnings + extra)


def priority(cents: int, days_late: int, grade: str) -> int:
    """Amount × age × risk: euros claimed × days late (at least 1) × the risk grade's rank (A = 1 … E = 5)."""
    weight = GRADES.index(grade) + 1 if grade in GRADES else 3
    return max(1, cents // 100) * max(1, days_late) * weight

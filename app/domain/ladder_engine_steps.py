"""Ladder rules per invoice: which invoices may be reminded (rule 1) and the next step each has reached (rule 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.kinds import ActionKind, Channel, OffsetBase
from app.domain.ladder_engine_facts import ClientCase, LadderRule, OpenInvoice, PastAction, PlanCase, StepRule, Why

BROKEN_PROMISE = "broken_promise"
MISSED_INSTALMENT = "missed_instalment"
# A mise en demeure or a court step is never the first contact with a backlog invoice: a reminder comes first.
_NEVER_FIRST = frozenset({Channel.REGISTERED_LETTER, Channel.JUDICIAL})


@dataclass(frozen=True, slots=True)
class NextStep:
    """The step an invoice has reached on the as-of date, since when, and whether a backlog jump chose it."""

    step: StepRule
    since: date
    backlog: bool


def blocked(case: ClientCase, as_of: date, grace_days: int) -> tuple[set[int], dict[int, Why]]:
    """Invoices paused by a pending promise or a plan in good standing, and those brought back by a broken
    promise or a missed instalment (flagged with why). The latest promise or plan on an invoice decides."""
    paused: set[int] = set()
    flags: dict[int, Why] = {}
    for promise in sorted(case.promises, key=lambda p: (p.made_on, p.promise_id)):
        if promise.made_on > as_of:
            continue
        for invoice_id in promise.invoice_ids:
            paused.discard(invoice_id)
            flags.pop(invoice_id, None)
            if promise.state == "pending":
                paused.add(invoice_id)
            elif promise.state == "broken":
                flags[invoice_id] = Why(BROKEN_PROMISE, {"promised_on": promise.promised_on.isoformat(),
                                                         "cents": promise.amount_cents})
    for plan in sorted(case.plans, key=lambda p: (p.agreed_on, p.plan_id)):
        if plan.agreed_on > as_of or (plan.cancelled_on is not None and plan.cancelled_on <= as_of):
            continue
        missed = missed_instalment(plan, as_of, grace_days)
        for invoice_id in plan.invoice_ids:
            if missed is None:
                paused.add(invoice_id)
                flags.pop(invoice_id, None)
            else:
                paused.discard(invoice_id)
                flags[invoice_id] = missed
    return paused, flags


def missed_instalment(plan: PlanCase, as_of: date, grace_days: int) -> Why | None:
    """The first instalment due (grace included) before ``as_of`` that the payments since the plan do not cover.

    Payments cover the instalments in due order, as the client page shows them."""
    due_total = 0
    for due_on, cents in plan.instalments:
        due_total += cents
        if due_on + timedelta(days=grace_days) < as_of and plan.paid_cents < due_total:
            return Why(MISSED_INSTALMENT, {"due_on": due_on.isoformat(), "cents": cents})
    return None


def steps_done(history: Iterable[PastAction]) -> dict[int, dict[int, date]]:
    """invoice id → {step id → latest date} of the ladder steps taken (or skipped) for it."""
    done: dict[int, dict[int, date]] = {}
    for action in history:
        if action.step_id is None or action.kind is ActionKind.POSTPONED:
            continue
        for invoice_id in action.invoice_ids:
            steps = done.setdefault(invoice_id, {})
            if action.occurred_on > steps.get(action.step_id, date.min):
                steps[action.step_id] = action.occurred_on
    return done


def next_step(invoice: OpenInvoice, ladder: LadderRule, done: dict[int, date], as_of: date,
              basis_cents: int) -> NextStep | None:
    """The step after the highest one done for the invoice whose date has passed, or None.

    A step done higher up (by a grouped letter or a backlog start) means the lower ones are behind the
    invoice, so the search starts after it rather than at the first step never taken. Steps whose minimum
    amount ``basis_cents`` does not reach are left out; a before-due step lapses once the invoice is due.
    """
    last = max((step for step in ladder.steps if step.step_id in done), key=lambda s: s.position, default=None) \
        if done else None
    previous_on = done[last.step_id] if last is not None else invoice.due_date
    candidates: list[tuple[StepRule, date]] = []
    for step in ladder.steps:
        if last is not None and step.position <= last.position:
            continue
        base = invoice.due_date if step.offset_base is OffsetBase.DUE_DATE else previous_on
        on = base + timedelta(days=step.offset_days)
        previous_on = on  # a later step counting from this one counts from its due date when not yet taken
        if on > as_of:
            break
        if step.min_amount_cents > basis_cents or (_before_due(step) and invoice.due_date <= as_of):
            continue
        candidates.append((step, on))
    if not candidates:
        return None
    if last is None and ladder.backlog_by_age and len(candidates) > 1:
        allowed = [pair for pair in candidates if pair[0].channel not in _NEVER_FIRST] or candidates[:1]
        step, on = allowed[-1]
        return NextStep(step, on, backlog=step is not candidates[0][0])
    step, on = candidates[0]
    return NextStep(step, on, backlog=False)


def _before_due(step: StepRule) -> bool:
    return step.offset_base is OffsetBase.DUE_DATE and step.offset_days < 0

"""Ladder rules per invoice: which invoices may be reminded (rule 1) and the next step each has reached (rule 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from app.domain.kinds import ActionKind, Channel, OffsetBase
from app.domain.ladder_engine_facts import ClientCase, LadderRule, OpenInvoice, PastAction, PlanCase, StepRule, Why

BROKEN_PROMISE = "broken_promise"
MISSED_INSTALMENT = "missed_instalment"
# A mise en demeure or a court step is never the first contact with a backlog invoice: a reminder comes first.
_NEVER_FIRST = frozenset({Channel.REGISTERED_LETTER, Channel.JUDICIAL})


class NextStep(NamedTuple):
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


@dataclass(frozen=True, slots=True)
class StepTable:
    """A ladder digested once per list rather than once per invoice: each step with its offset as a timedelta,
    whether it counts from the due date and whether it lapses once the invoice is due, and each step's rank
    among those done (its position; on a tie, the earlier step of the ladder ranks higher)."""

    ladder: LadderRule
    steps: tuple[tuple[StepRule, timedelta, bool, bool], ...]
    rank: dict[int, int]  # step id → rank
    by_id: dict[int, StepRule]
    first_due_days: int | None  # the first step's offset when it counts from the due date

    @classmethod
    def of(cls, ladder: LadderRule) -> StepTable:
        steps = tuple((step, timedelta(days=step.offset_days), step.offset_base is OffsetBase.DUE_DATE,
                       _before_due(step)) for step in ladder.steps)
        order = sorted(range(len(ladder.steps)), key=lambda i: (ladder.steps[i].position, -i))
        first = ladder.steps[0] if ladder.steps else None
        first_due = first.offset_days if first is not None and first.offset_base is OffsetBase.DUE_DATE else None
        return cls(ladder, steps, {ladder.steps[i].step_id: rank for rank, i in enumerate(order)},
                   {step.step_id: step for step in ladder.steps}, first_due)


def highest_done(history: Iterable[PastAction], table: StepTable) -> dict[int, tuple[StepRule, date]]:
    """invoice id → the highest step of the ladder taken (or skipped) for it and the latest date it was taken.

    Steps of another ladder (the client changed ladders) are left out: the ladder's own steps decide."""
    rank, by_id = table.rank, table.by_id
    best: dict[int, tuple[StepRule, date]] = {}
    for action in history:
        step_id = action.step_id
        if step_id is None or step_id not in rank or action.kind is ActionKind.POSTPONED:
            continue
        step, on = by_id[step_id], action.occurred_on
        for invoice_id in action.invoice_ids:
            current = best.get(invoice_id)
            if current is None or rank[step_id] > rank[current[0].step_id] \
                    or (current[0] is step and on > current[1]):
                best[invoice_id] = (step, on)
    return best


def next_step(invoice: OpenInvoice, table: StepTable, last: tuple[StepRule, date] | None, as_of: date,
              basis_cents: int) -> NextStep | None:
    """The step after ``last`` (the highest one done for the invoice, and when) whose date has passed, or None.

    A step done higher up (by a grouped letter or a backlog start) means the lower ones are behind the
    invoice, so the search starts after it rather than at the first step never taken. Steps whose minimum
    amount ``basis_cents`` does not reach are left out; a before-due step lapses once the invoice is due.
    """
    due = invoice.due_date
    previous_on = last[1] if last is not None else due
    after = last[0].position if last is not None else None
    candidates: list[tuple[StepRule, date]] = []
    for step, delta, from_due, before_due in table.steps:
        if after is not None and step.position <= after:
            continue
        on = (due if from_due else previous_on) + delta
        previous_on = on  # a later step counting from this one counts from its due date when not yet taken
        if on > as_of:
            break
        if step.min_amount_cents > basis_cents or (before_due and due <= as_of):
            continue
        candidates.append((step, on))
    if not candidates:
        return None
    if last is None and table.ladder.backlog_by_age and len(candidates) > 1:
        allowed = [pair for pair in candidates if pair[0].channel not in _NEVER_FIRST] or candidates[:1]
        step, on = allowed[-1]
        return NextStep(step, on, backlog=step is not candidates[0][0])
    step, on = candidates[0]
    return NextStep(step, on, backlog=False)


def _before_due(step: StepRule) -> bool:
    return step.offset_base is OffsetBase.DUE_DATE and step.offset_days < 0

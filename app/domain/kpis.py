"""Collection KPIs: CEI, days late, collection, overdue, dispute, promise-kept and write-off rates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.domain.periods import Period
from app.domain.records import InvoiceFacts, OpenItem, PaymentFacts, PromiseFacts, SettlementKind

PromiseOutcome = Literal["pending", "kept", "broken"]


def _percent(numerator: int, denominator: int) -> float | None:
    """``numerator ÷ denominator × 100``, None when the denominator is 0 or negative."""
    if denominator <= 0:
        return None
    return numerator / denominator * 100


def cei(begin_receivables: int, sales: int, end_receivables: int, end_current: int) -> float | None:
    """Collection effectiveness index, percent (cents in, incl. tax).

    ``(begin + sales - end) ÷ (begin + sales - end_current) × 100``: what was collected over
    what could have been (everything but what is not yet due at the end). 100 is perfect.
    None when the denominator is 0 or negative.
    """
    collectible = begin_receivables + sales - end_current
    return _percent(begin_receivables + sales - end_receivables, collectible)


def average_days_late(invoices: Iterable[InvoiceFacts], period: Period) -> float | None:
    """Amount-weighted average days late of what was collected in ``period``, in days.

    Every payment or credit-note settlement dated in the period weighs its cents; its lateness
    is ``max(0, settlement date - due date)`` days (early or on-time counts as 0 and lowers the
    average). Write-offs are excluded. ``Σ cents × days ÷ Σ cents``; None when nothing counts.
    """
    return weighted_days_late(
        (inv.due_date, s.on, s.cents)
        for inv in invoices for s in inv.settlements
        if s.kind is not SettlementKind.WRITE_OFF and s.on in period
    )


def weighted_days_late(settled: Iterable[tuple[date, date, int]]) -> float | None:
    """``Σ cents × max(0, settled on − due date) ÷ Σ cents`` over (due date, settled on, cents) triples,
    in days; the formula of :func:`average_days_late` for callers that already summed by dates."""
    weighted = total = 0
    for due_date, settled_on, cents in settled:
        weighted += cents * max(0, (settled_on - due_date).days)
        total += cents
    return weighted / total if total > 0 else None


def percent(part: int, whole: int) -> float | None:
    """``part ÷ whole × 100``, None when ``whole`` is 0 or negative: the rates below from sums."""
    return _percent(part, whole)


def collection_rate(begin_receivables: int, sales: int, collected: int) -> float | None:
    """Collection rate, percent: ``collected ÷ (begin receivables + sales of the period) × 100``.

    Cents incl. tax. None when the denominator is 0 or negative.
    """
    return _percent(collected, begin_receivables + sales)


def overdue_rate(items: Iterable[OpenItem], as_of: date) -> float | None:
    """Taux d'impayés, percent: open cents past due (``due_date < as_of``) ÷ all open cents × 100.

    Due today is not overdue; disputed items count like the others. None when nothing is open.
    """
    overdue = total = 0
    for item in items:
        total += item.open_cents
        if item.due_date < as_of:
            overdue += item.open_cents
    return _percent(overdue, total)


def dispute_rate(invoices: Iterable[InvoiceFacts], period: Period) -> float | None:
    """Dispute rate, percent: amount of invoices issued in ``period`` that have any dispute
    (whenever opened, in the facts given) ÷ amount of invoices issued in ``period`` × 100.

    None when nothing was issued in the period.
    """
    disputed = issued = 0
    for inv in invoices:
        if inv.issue_date in period:
            issued += inv.amount_cents
            if inv.disputes:
                disputed += inv.amount_cents
    return _percent(disputed, issued)


def write_off_rate(invoices: Iterable[InvoiceFacts], period: Period) -> float | None:
    """Write-off rate, percent: write-off cents dated in ``period`` (on any invoice, whenever
    issued) ÷ amount of invoices issued in ``period`` × 100.

    None when nothing was issued in the period.
    """
    written_off = issued = 0
    for inv in invoices:
        if inv.issue_date in period:
            issued += inv.amount_cents
        written_off += sum(
            s.cents for s in inv.settlements if s.kind is SettlementKind.WRITE_OFF and s.on in period
        )
    return _percent(written_off, issued)


@dataclass(slots=True)
class _Cash:
    """A payment's amount not yet counted towards a kept promise."""

    received_on: date
    left: int


def _cash_pools(payments: Iterable[PaymentFacts], as_of: date) -> dict[int, list[_Cash]]:
    pools: dict[int, list[_Cash]] = {}
    for p in payments:
        if p.received_on <= as_of:
            pools.setdefault(p.client_id, []).append(_Cash(p.received_on, p.amount_cents))
    for pool in pools.values():
        pool.sort(key=lambda c: c.received_on)
    return pools


def _judge(promise: PromiseFacts, pool: list[_Cash], as_of: date, grace_days: int) -> PromiseOutcome:
    deadline = promise.promised_on + timedelta(days=grace_days)
    last_day = min(deadline, as_of)
    window = [c for c in pool if promise.made_on <= c.received_on <= last_day]
    if sum(c.left for c in window) >= promise.amount_cents:
        needed = promise.amount_cents
        for cash in window:  # consume the earliest payments first
            taken = min(needed, cash.left)
            cash.left -= taken
            needed -= taken
        return "kept"
    return "broken" if deadline <= as_of else "pending"


def promise_outcomes(
    promises: Sequence[PromiseFacts], payments: Iterable[PaymentFacts], as_of: date, grace_days: int = 3
) -> list[PromiseOutcome]:
    """Outcome of each promise on ``as_of``, in the order given.

    A promise is kept when the client's payments received from ``made_on`` to
    ``promised_on + grace_days`` (both included, and not after ``as_of``) reach its amount — even
    before its date; broken when that deadline is ``<= as_of`` and they do not; pending otherwise.
    Sharing: promises of one client are judged in order of ``promised_on`` (then ``made_on``); a
    kept promise consumes its amount from the earliest payments in its window, so one payment is
    never counted twice beyond its amount; broken and pending promises consume nothing.
    Payments count by ``amount_cents`` (allocated or not).
    """
    pools = _cash_pools(payments, as_of)
    outcomes: list[PromiseOutcome] = ["pending"] * len(promises)
    order = sorted(range(len(promises)), key=lambda i: (promises[i].promised_on, promises[i].made_on))
    for i in order:
        promise = promises[i]
        outcomes[i] = _judge(promise, pools.get(promise.client_id, []), as_of, grace_days)
    return outcomes


def promise_outcome(
    promise: PromiseFacts, payments: Iterable[PaymentFacts], as_of: date, grace_days: int = 3
) -> PromiseOutcome:
    """Outcome of one promise judged alone (see :func:`promise_outcomes` for the rule)."""
    return promise_outcomes([promise], payments, as_of, grace_days)[0]


def promise_kept_rate(
    promises: Iterable[PromiseFacts], payments: Iterable[PaymentFacts], as_of: date, grace_days: int = 3
) -> float | None:
    """Promise-kept rate, percent by count: kept ÷ (kept + broken) × 100.

    Only promises whose ``promised_on + grace_days <= as_of`` count (those are never pending; a
    promise kept ahead of a later deadline does not count yet).
    Payments are shared between a client's promises as in :func:`promise_outcomes`.
    None when no promise is due for judgement.
    """
    promised = list(promises)
    outcomes = promise_outcomes(promised, payments, as_of, grace_days)
    grace = timedelta(days=grace_days)
    judged = [o for p, o in zip(promised, outcomes, strict=True) if p.promised_on + grace <= as_of]
    return _percent(judged.count("kept"), len(judged))

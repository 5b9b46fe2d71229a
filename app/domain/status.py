"""Per-invoice figures as of a date: open and settled amounts, status, days past due, open item."""

from __future__ import annotations

from datetime import date

from app.domain.records import InvoiceFacts, InvoiceStatus, OpenItem, SettlementKind


def _settled_raw(inv: InvoiceFacts, as_of: date) -> int:
    return sum(s.cents for s in inv.settlements if s.on <= as_of)


def settled_cents(inv: InvoiceFacts, as_of: date) -> int:
    """Cents taken off the invoice by settlements dated on or before ``as_of``.

    Formula: sum of settlement cents with ``on <= as_of``, capped at ``amount_cents`` so that
    ``settled_cents + open_cents == amount_cents`` for an issued invoice. 0 when the invoice is
    issued after ``as_of``. Payments, credit notes and write-offs all count.
    """
    if inv.issue_date > as_of:
        return 0
    return min(inv.amount_cents, _settled_raw(inv, as_of))


def open_cents(inv: InvoiceFacts, as_of: date) -> int:
    """Cents still open on ``as_of``.

    Formula: ``amount_cents - settled`` where settled sums settlements dated ``<= as_of``
    (a settlement on ``as_of`` itself counts); never negative (over-settlement gives 0);
    0 when the invoice is issued after ``as_of``.
    """
    if inv.issue_date > as_of:
        return 0
    return max(0, inv.amount_cents - _settled_raw(inv, as_of))


def paid_on(inv: InvoiceFacts) -> date | None:
    """The day cumulative settlements (of any kind) first reached the amount, or None if never."""
    total = 0
    for settlement in sorted(inv.settlements, key=lambda s: s.on):
        total += settlement.cents
        if total >= inv.amount_cents:
            return settlement.on
    return None


def _has_write_off(inv: InvoiceFacts, as_of: date) -> bool:
    return any(s.kind is SettlementKind.WRITE_OFF and s.on <= as_of for s in inv.settlements)


def status(inv: InvoiceFacts, as_of: date) -> InvoiceStatus | None:
    """Status on ``as_of`` following the precedence of :class:`InvoiceStatus`; None if not yet issued.

    WRITTEN_OFF when open is 0 and a write-off is dated ``<= as_of``; PAID when open is 0;
    DISPUTED when a dispute is open on ``as_of``; PARTIALLY_PAID when something is settled;
    OVERDUE when ``due_date < as_of`` (due today is not overdue); NOT_DUE otherwise.
    """
    if inv.issue_date > as_of:
        return None
    remaining = open_cents(inv, as_of)
    if remaining == 0:
        return InvoiceStatus.WRITTEN_OFF if _has_write_off(inv, as_of) else InvoiceStatus.PAID
    if any(d.is_open(as_of) for d in inv.disputes):
        return InvoiceStatus.DISPUTED
    if remaining < inv.amount_cents:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OVERDUE if inv.due_date < as_of else InvoiceStatus.NOT_DUE


def days_past_due(inv: InvoiceFacts, as_of: date) -> int:
    """Days from the due date to ``as_of`` while the invoice is open: ``max(0, as_of - due_date)``.

    0 when the invoice is settled, not yet issued, due today or due later (never negative).
    """
    if open_cents(inv, as_of) == 0:
        return 0
    return max(0, (as_of - inv.due_date).days)


def days_late_at_payment(inv: InvoiceFacts) -> int | None:
    """Days between due date and the day the invoice was fully settled: ``max(0, paid_on - due_date)``.

    None when it is not fully settled, or when a write-off took part in settling it (it was
    abandoned, not paid, so it has no payment delay). Paying early gives 0, never negative.
    """
    day = paid_on(inv)
    if day is None or any(s.kind is SettlementKind.WRITE_OFF for s in inv.settlements):
        return None
    return max(0, (day - inv.due_date).days)


def open_item(inv: InvoiceFacts, as_of: date) -> OpenItem | None:
    """The invoice as aging sees it on ``as_of``; None when nothing is open (or not yet issued)."""
    remaining = open_cents(inv, as_of)
    if remaining == 0:
        return None
    disputed = any(d.is_open(as_of) for d in inv.disputes)
    return OpenItem(inv.client_id, inv.due_date, remaining, disputed)

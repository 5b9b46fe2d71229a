"""After the ladder (DESIGN.md §4 rule 7): notice deadline, judicial route, call-backs, prescription watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.kinds import ActionKind, SuggestionKind
from app.domain.ladder_engine_facts import (
    DEFAULT_NOTICE_DEADLINE_DAYS,
    PRESCRIPTION_YEARS_B2B,
    PRESCRIPTION_YEARS_CONSUMER,
    ClientCase,
    OpenInvoice,
    PastAction,
    Why,
)

_AFTER_NOTICE = frozenset({ActionKind.COURT, ActionKind.AGENCY})


@dataclass(frozen=True, slots=True)
class Notice:
    """The client's latest mise en demeure: when it was sent, delivered, and when its deadline ends."""

    action: PastAction
    delivered_on: date | None  # receipt, else presentation
    deadline: date

    @property
    def sent_on(self) -> date:
        return self.action.occurred_on

    @property
    def lrar(self) -> str:
        return str(self.action.details.get("lrar_number") or self.action.details.get("lrar") or "")


def _iso(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def latest_notice(case: ClientCase) -> Notice | None:
    """The latest FORMAL_NOTICE on invoices still open, its delivery dates (its own details, then any DELIVERY
    recorded for it)."""
    notices = [a for a in case.history if a.kind is ActionKind.FORMAL_NOTICE]
    if not notices:
        return None
    open_ids = {inv.invoice_id for inv in case.invoices if inv.open_cents > 0}
    notices = [a for a in notices if a.invoice_ids & open_ids]
    if not notices:
        return None
    action = max(notices, key=lambda a: (a.occurred_on, a.action_id))
    received, presented = _iso(action.details.get("received_on")), _iso(action.details.get("presented_on"))
    deliveries = [a for a in case.history if a.kind is ActionKind.DELIVERY
                  and a.details.get("notice_action_id") == action.action_id]
    for delivery in sorted(deliveries, key=lambda a: (a.occurred_on, a.action_id)):
        received = _iso(delivery.details.get("received_on")) or received
        presented = _iso(delivery.details.get("presented_on")) or presented
    days = action.details.get("deadline_days")
    if not isinstance(days, int) or days <= 0:
        step = next((s for s in case.ladder.steps if s.step_id == action.step_id), None)
        days = step.deadline_days if step is not None and step.deadline_days else DEFAULT_NOTICE_DEADLINE_DAYS
    delivered = received or presented
    # The deadline runs from receipt, else from presentation, else (no proof yet) from the sending date.
    return Notice(action, delivered, (delivered or action.occurred_on) + timedelta(days=days))


def notice_followed(case: ClientCase, notice: Notice) -> bool:
    """Whether a court step or an agency hand-over came after the notice, or its route was skipped."""
    for action in case.history:
        if action.kind in _AFTER_NOTICE and (action.occurred_on, action.action_id) > (
                notice.sent_on, notice.action.action_id):
            return True
        if action.kind is ActionKind.SKIPPED and action.details.get("notice_action_id") == notice.action.action_id:
            return True
    return False


def route_kind(invoices: list[OpenInvoice], claimed_cents: int, ceiling_cents: int) -> SuggestionKind:
    """The judicial route that fits a claim (reference/legal-fr.md §C.5): a claim the debtor contested goes to
    an agency (or an assignation, a lawyer's call); an undisputed one to the procédure simplifiée under its
    ceiling, else to an injonction de payer."""
    if any(invoice.ever_disputed for invoice in invoices):
        return SuggestionKind.AGENCY
    return SuggestionKind.SMALL_CLAIM if claimed_cents <= ceiling_cents else SuggestionKind.INJUNCTION


def route_reasons(kind: SuggestionKind, claimed_cents: int, ceiling_cents: int) -> list[Why]:
    if kind is SuggestionKind.AGENCY:
        return []
    reasons = [Why("undisputed_claim")]
    if kind is SuggestionKind.SMALL_CLAIM:
        reasons.append(Why("under_small_claim_ceiling", {"cents": claimed_cents, "ceiling_cents": ceiling_cents}))
    return reasons


def open_follow_ups(case: ClientCase, as_of: date) -> list[tuple[PastAction, date]]:
    """Call-backs agreed for a date on or before ``as_of`` that no later entry has answered."""
    found = []
    for action in case.history:
        if action.kind is not ActionKind.FOLLOW_UP:
            continue
        on = _iso(action.details.get("on"))
        if on is not None and on <= as_of:
            found.append((action, on))
    if not found:
        return found  # most clients: no call-back agreed, no need to look for answers
    answered = {a.details.get("follow_up_id") for a in case.history}
    found = [(action, on) for action, on in found if action.action_id not in answered]
    return sorted(found, key=lambda pair: (pair[1], pair[0].action_id))


def prescription_date(due_date: date, consumer: bool) -> date:
    """5 years after the due date between professionals, 2 years against a consumer (reference/legal-fr.md §B.3)."""
    years = PRESCRIPTION_YEARS_CONSUMER if consumer else PRESCRIPTION_YEARS_B2B
    try:
        return due_date.replace(year=due_date.year + years)
    except ValueError:  # 29 February
        return due_date.replace(year=due_date.year + years, day=28)


def prescription_warning(case: ClientCase, invoices: list[OpenInvoice], as_of: date, warn_days: int) -> Why | None:
    """The earliest limitation date within ``warn_days`` among invoices no court claim has interrupted."""
    # A cheap first cut (due at least the period minus the warning ago) keeps this fast on a large backlog.
    years = PRESCRIPTION_YEARS_CONSUMER if case.is_consumer else PRESCRIPTION_YEARS_B2B
    cutoff = as_of + timedelta(days=warn_days + 1) - timedelta(days=365 * years)
    limits = [(prescription_date(inv.due_date, case.is_consumer), inv) for inv in invoices if inv.due_date <= cutoff]
    if not limits:
        return None
    in_court = {invoice_id for a in case.history if a.kind in _AFTER_NOTICE for invoice_id in a.invoice_ids}
    near = sorted((on, inv.number) for on, inv in limits
                  if inv.invoice_id not in in_court and on - timedelta(days=warn_days) <= as_of)
    if not near:
        return None
    on, number = near[0]
    return Why("prescription_near", {"number": number, "on": on.isoformat(), "count": len(near)})

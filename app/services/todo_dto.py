"""What the "À faire" list carries: suggestions with their reasons as data, and the warnings around them.

Shared contract between the reminder engine (app.domain.ladder_engine, app.services.next_steps), the actions
taken on suggestions (app.services.todo_actions), the CLI and the "À faire" view.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.domain.kinds import Channel, SuggestionKind, Tone


class ReasonCode(enum.StrEnum):
    """Why a suggestion is made (or what to beware of); rendered as a sentence by app.services.reasons_text."""

    STEP_REACHED = "step_reached"  # step_name, offset_days, since (ISO date the step became due)
    DAYS_LATE = "days_late"  # days, number (the oldest invoice covered)
    AMOUNT = "amount"  # cents (net amount claimed)
    CREDITS_DEDUCTED = "credits_deducted"  # cents (credit notes and unallocated cash lowering the claim)
    PREVIOUS_ACTION = "previous_action"  # label, on (ISO date)
    BACKLOG = "backlog"  # step_name: a backlog taken over starts at the step matching its age
    CAUGHT_UP = "caught_up"  # since (ISO date): missed days are caught up
    BROKEN_PROMISE = "broken_promise"  # promised_on, cents
    MISSED_INSTALMENT = "missed_instalment"  # due_on, cents
    POSTPONEMENT_OVER = "postponement_over"  # until
    FOLLOW_UP_DUE = "follow_up_due"  # on, note
    NOTICE_UNANSWERED = "notice_unanswered"  # sent_on, deadline (ISO dates)
    NOTICE_UNDELIVERED = "notice_undelivered"  # sent_on, lrar
    UNDISPUTED_CLAIM = "undisputed_claim"
    UNDER_SMALL_CLAIM_CEILING = "under_small_claim_ceiling"  # cents, ceiling_cents
    # warnings
    BANK_STALE = "bank_stale"  # last_import (ISO date or ""), days
    PRESCRIPTION_NEAR = "prescription_near"  # number, on (ISO date)
    NEEDS_REVIEW = "needs_review"
    OVER_CREDIT_LIMIT = "over_credit_limit"  # cents, limit_cents


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SuggestedInvoice:
    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    open_cents: int
    days_late: int
    step_position: int | None  # the step this invoice has reached (None: not part of a ladder step)
    flag: ReasonCode | None = None  # BROKEN_PROMISE or MISSED_INSTALMENT when it came back for that


@dataclass(frozen=True, slots=True)
class Suggestion:
    key: str  # stable within a day: "<client_id>:<kind>:<step_id or other id>"
    kind: SuggestionKind
    client_id: int
    client_code: str
    client_name: str
    segment_code: str | None
    ladder_code: str
    step_id: int | None
    step_name: str  # the step's name, or the judicial route's / follow-up's label
    step_position: int | None
    channel: Channel
    tone: Tone
    template: str
    needs_review: bool
    deadline_days: int | None  # the payment deadline a mise en demeure gives
    invoices: tuple[SuggestedInvoice, ...]
    overdue_cents: int  # open amount of the invoices covered
    credits_cents: int  # credit notes and unallocated cash of the client
    claimed_cents: int  # net amount claimed: overdue - credits (never below zero)
    priority: int  # amount × age × risk; higher first
    reasons: tuple[Reason, ...]
    warnings: tuple[Reason, ...] = ()
    related_action_id: int | None = None  # the follow-up task or mise en demeure it continues


@dataclass(frozen=True, slots=True)
class TodoList:
    as_of: date
    suggestions: tuple[Suggestion, ...]
    last_bank_import: date | None
    bank_stale: bool  # the last statement is older than the setting allows: a client may have paid already


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch execution did: the actions recorded, and the suggestions refused with the reason why."""

    action_ids: tuple[int, ...]
    refused: tuple[tuple[str, str], ...]  # (suggestion key, message)
    cancelled: bool = False

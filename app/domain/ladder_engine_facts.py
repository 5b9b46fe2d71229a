"""What the ladder engine reads (a client's case as of a date) and what it proposes, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal, NamedTuple

from app.domain.kinds import ActionKind, Channel, OffsetBase, SuggestionKind, Tone

PromiseState = Literal["pending", "kept", "broken"]

# History entries that reach the client: the minimum interval between two of them is kept.
CONTACT_KINDS = frozenset({ActionKind.REMINDER, ActionKind.LETTER, ActionKind.CALL, ActionKind.FORMAL_NOTICE,
                           ActionKind.COURT, ActionKind.AGENCY})
# The history kind an executed step is recorded as, by channel (the demo history uses the same).
KIND_OF_CHANNEL = {
    Channel.EMAIL: ActionKind.REMINDER, Channel.LETTER: ActionKind.LETTER, Channel.PHONE: ActionKind.CALL,
    Channel.REGISTERED_LETTER: ActionKind.FORMAL_NOTICE, Channel.JUDICIAL: ActionKind.COURT,
}
SMALL_CLAIM_CEILING_CENTS = 500_000  # procédure simplifiée de recouvrement des petites créances (CPCE R125-1)
PRESCRIPTION_YEARS_B2B = 5  # C. com. L110-4
PRESCRIPTION_YEARS_CONSUMER = 2  # C. consom. L218-2
DEFAULT_NOTICE_DEADLINE_DAYS = 8


@dataclass(frozen=True, slots=True)
class StepRule:
    """One ladder step as the engine applies it."""

    step_id: int
    position: int
    name: str
    offset_days: int
    channel: Channel
    offset_base: OffsetBase = OffsetBase.DUE_DATE
    tone: Tone = Tone.COURTEOUS
    template: str = ""
    min_amount_cents: int = 0
    needs_review: bool = False
    deadline_days: int | None = None


@dataclass(frozen=True, slots=True)
class LadderRule:
    """A ladder: its steps in position order, the minimum interval and amount, the backlog option."""

    ladder_id: int
    code: str
    steps: tuple[StepRule, ...]
    min_interval_days: int = 7
    min_amount_cents: int = 0
    backlog_by_age: bool = True


# The records a large dossier gives by the thousand (cases, open invoices, history entries, proposals, reasons)
# are named tuples: as immutable, and built three to four times faster than frozen dataclasses. The settings
# and ladders, a handful, stay dataclasses.
NO_DETAILS: Mapping[str, object] = MappingProxyType({})


class OpenInvoice(NamedTuple):
    """An invoice still open on the as-of date (``open_cents`` > 0)."""

    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    open_cents: int
    no_reminder: bool = False
    disputed: bool = False  # a dispute is open on the as-of date
    ever_disputed: bool = False  # a dispute was opened on it at some time (the claim was contested)


class PastAction(NamedTuple):
    """A history entry dated on or before the as-of date."""

    action_id: int
    kind: ActionKind
    occurred_on: date
    invoice_ids: frozenset[int] = frozenset()
    step_id: int | None = None
    channel: Channel | None = None
    details: Mapping[str, object] = NO_DETAILS


@dataclass(frozen=True, slots=True)
class PromiseCase:
    """A promise to pay and its state on the as-of date (judged from payments by app.domain.kpis)."""

    promise_id: int
    made_on: date
    promised_on: date
    amount_cents: int
    invoice_ids: frozenset[int]
    state: PromiseState


@dataclass(frozen=True, slots=True)
class PlanCase:
    """A payment plan: its instalments in due order and what the client paid since it was agreed."""

    plan_id: int
    agreed_on: date
    invoice_ids: frozenset[int]
    instalments: tuple[tuple[date, int], ...]
    paid_cents: int = 0
    cancelled_on: date | None = None


class ClientCase(NamedTuple):
    """Everything the engine needs about one client on the as-of date (one per client of a large dossier)."""

    client_id: int
    code: str
    name: str
    ladder: LadderRule
    invoices: tuple[OpenInvoice, ...]
    segment_code: str | None = None
    is_consumer: bool = False
    do_not_remind: bool = False
    credit_limit_cents: int | None = None
    credits_cents: int = 0  # unallocated credit notes and cash
    risk_grade: str = "C"
    history: tuple[PastAction, ...] = ()
    promises: tuple[PromiseCase, ...] = ()
    plans: tuple[PlanCase, ...] = ()


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Dossier settings the rules read."""

    promise_grace_days: int = 3
    bank_max_age_days: int = 5
    last_bank_import: date | None = None
    prescription_warning_days: int = 90
    delivery_wait_days: int = 7  # after this, a mise en demeure without delivery dates asks for them
    small_claim_ceiling_cents: int = SMALL_CLAIM_CEILING_CENTS


_NO_PARAMS: Mapping[str, str | int] = MappingProxyType({})


class Why(NamedTuple):
    """A reason or warning: ``code`` is a value of app.services.todo_dto.ReasonCode (a named tuple: a list of
    thousands of suggestions gives each several)."""

    code: str
    params: Mapping[str, str | int] = _NO_PARAMS


class ProposedInvoice(NamedTuple):
    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    open_cents: int
    days_late: int
    step_position: int | None
    flag: str | None = None  # BROKEN_PROMISE or MISSED_INSTALMENT


class Proposal(NamedTuple):
    """One suggestion for a client (fields as app.services.todo_dto.Suggestion, client identity apart)."""

    key: str
    kind: SuggestionKind
    client_id: int
    step: StepRule | None
    step_name: str
    channel: Channel
    tone: Tone
    invoices: tuple[ProposedInvoice, ...]
    overdue_cents: int
    credits_cents: int
    claimed_cents: int
    priority: int
    reasons: tuple[Why, ...]
    warnings: tuple[Why, ...] = ()
    related_action_id: int | None = None

"""The demo dossier: a Lyon workshop, its clients, two years of invoices, payments, cases and reminders."""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.domain.kinds import (
    ActionKind,
    Channel,
    CostKind,
    DisputeOutcome,
    DisputeReason,
    InvoiceKind,
    Language,
    PaymentMethod,
    Source,
)
from app.domain.records import SettlementKind
from app.models import Base, LadderStep, Segment
from app.models.lock import WriteLock
from app.paths import data_dir
from app.services import demo_names as names
from app.services.clock import fixed_clock
from app.services.dto import CompanyInput
from app.services.workspace import create_workspace

Row = dict[str, Any]
Rows = dict[str, list[Row]]
Pay = tuple[date, int, str]  # day, cents, grouping key: one payment per client and key

DEMO_COMPANY = CompanyInput(
    legal_name="Atelier Durand & Fils", legal_form="SARL", siren="817342561", siret="81734256100021",
    vat_number="FR03817342561", address_line1="14 rue Saint-Jean", postcode="69005", city="Lyon",
    email="compta@atelier-durand.fr", phone="04 78 42 17 63", iban="FR7610096185200003456780148",
    bic="CMCIFRPP", signatory_name="Marc Durand", signatory_title="Gérant", payment_terms_days=30,
)

# Tables in an order that satisfies their foreign keys.
TABLE_ORDER = (
    "clients", "contacts", "invoices", "payments", "allocations", "disputes", "dispute_invoices",
    "promises", "promise_invoices", "plans", "instalments", "plan_invoices", "actions", "action_invoices",
    "recovery_costs",
)

_DAY = timedelta(days=1)
_SPAN_DAYS = 730  # 24 months of invoices end on as_of
_PARTIAL_SHARE = 0.3  # of invoices of 600 € or more, paid in two transfers
_DEMO_SOURCE = str(Source.DEMO)
_LRAR_CENTS = 724
_STAMP_CENTS = 139
_KIND_OF_CHANNEL = {
    Channel.EMAIL: ActionKind.REMINDER, Channel.LETTER: ActionKind.LETTER, Channel.PHONE: ActionKind.CALL,
    Channel.REGISTERED_LETTER: ActionKind.FORMAL_NOTICE, Channel.JUDICIAL: ActionKind.COURT,
}
_METHODS = {
    "strategic": (PaymentMethod.TRANSFER, PaymentMethod.TRANSFER, PaymentMethod.LCR),
    "standard": (PaymentMethod.TRANSFER, PaymentMethod.TRANSFER, PaymentMethod.CHEQUE,
                 PaymentMethod.DIRECT_DEBIT),
    "at_risk": (PaymentMethod.TRANSFER, PaymentMethod.CHEQUE),
}
_TERMS = {"strategic": (45, 60, 30, 60), "standard": (30, 30, 45, 60), "at_risk": (30, 30, 45)}
_SCALE_EUROS = {"strategic": 4200.0, "standard": 1600.0, "at_risk": 1300.0}
_WEIGHT = {"strategic": 3.0, "standard": 1.0, "at_risk": 0.8}
_REASONS = (DisputeReason.QUALITY, DisputeReason.PRICE, DisputeReason.QUANTITY, DisputeReason.NOT_RECEIVED,
            DisputeReason.ALREADY_PAID)
_OUTCOMES = (DisputeOutcome.CREDIT_NOTE, DisputeOutcome.PAID, DisputeOutcome.REJECTED)


@dataclass(frozen=True, slots=True)
class DemoSize:
    """How much a demo holds; the rarer cases scale with it."""

    clients: int
    invoices: int
    consumers: int
    credit_notes: int
    unallocated_credit_notes: int
    open_disputes: int
    resolved_disputes: int
    kept_promises: int
    broken_promises: int
    pending_promises: int
    plans: int
    write_offs: int
    do_not_remind: int
    overpayments: int
    history_days: int  # reminders are recorded from this many days before as_of on


NORMAL_SIZE = DemoSize(
    clients=60, invoices=1500, consumers=3, credit_notes=16, unallocated_credit_notes=1, open_disputes=3,
    resolved_disputes=5, kept_promises=4, broken_promises=4, pending_promises=2, plans=1, write_offs=2,
    do_not_remind=1, overpayments=4, history_days=365,
)
LARGE_SIZE = DemoSize(
    clients=5000, invoices=200_000, consumers=150, credit_notes=1600, unallocated_credit_notes=40,
    open_disputes=150, resolved_disputes=300, kept_promises=300, broken_promises=300, pending_promises=100,
    plans=40, write_offs=150, do_not_remind=25, overpayments=300, history_days=180,
)


@dataclass(frozen=True, slots=True)
class StepInfo:
    """A ladder step as the history generator needs it."""

    id: int
    position: int
    name: str
    offset_days: int
    channel: Channel


def default_demo_path() -> Path:
    """Where "Ouvrir la démo" keeps its dossier."""
    return data_dir() / "demo" / "demo.encaisse"


def create_demo_dossier(path: Path, *, as_of: date, large: bool = False, seed: int = 7,
                        size: DemoSize | None = None) -> Path:
    """Replace ``path`` by a demo dossier whose data ends on ``as_of``; same seed and date, same file.

    Raises DossierLocked (and leaves the file alone) when another Encaisse has it open.
    """
    chosen = size or (LARGE_SIZE if large else NORMAL_SIZE)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_dossier(path)
    workspace = create_workspace(path, DEMO_COMPANY, clock=fixed_clock(as_of))
    try:
        with _gc_paused(), workspace.dossier.transaction() as session:
            rows = generate_rows(as_of=as_of, size=chosen, seed=seed, ladders=read_ladders(session))
            insert_rows(session, rows)
    except BaseException:
        workspace.close()
        _remove_dossier(path)
        raise
    workspace.dossier.refresh_statistics()
    workspace.close()
    return workspace.path


def _remove_dossier(path: Path) -> None:
    """Delete a dossier and its WAL files, unless another Encaisse holds its lock."""
    if not path.exists():
        return
    lock = WriteLock(path)
    lock.acquire()
    try:
        for name in (path.name, path.name + "-wal", path.name + "-shm"):
            path.with_name(name).unlink(missing_ok=True)
    finally:
        lock.release()


def read_ladders(session: Session) -> dict[str, tuple[StepInfo, ...]]:
    """The steps of each segment's ladder, in order."""
    query = (
        select(Segment.code, LadderStep.id, LadderStep.position, LadderStep.name, LadderStep.offset_days,
               LadderStep.channel)
        .join(LadderStep, LadderStep.ladder_id == Segment.ladder_id)
        .order_by(Segment.code, LadderStep.position)
    )
    steps: dict[str, list[StepInfo]] = {}
    for code, step_id, position, name, offset, channel in session.execute(query):
        steps.setdefault(code, []).append(StepInfo(step_id, position, name, offset, Channel(channel)))
    return {code: tuple(found) for code, found in steps.items()}


def insert_rows(session: Session, rows: Mapping[str, list[Row]]) -> None:
    """Bulk-insert generated rows (Core executemany, ids already set), parents first."""
    for name in TABLE_ORDER:
        if rows.get(name):
            session.execute(insert(Base.metadata.tables[name]), rows[name])


def generate_rows(*, as_of: date, size: DemoSize, seed: int,
                  ladders: Mapping[str, tuple[StepInfo, ...]]) -> Rows:
    """Every row of a demo dossier but those create_workspace writes, as plain dicts per table."""
    with _gc_paused():
        return _Builder(as_of, size, random.Random(seed), ladders).build()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Bulk generation makes a million small objects and no garbage: the cycle collector only slows it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- small helpers ---------------------------------------------------------------------------------


def _euros(cents: int) -> str:
    units = f"{cents // 100:,}".replace(",", "\u202f")
    return f"{units},{cents % 100:02d} €"


def _friday_if_weekend(day: date) -> date:
    return day - timedelta(days=max(0, day.weekday() - 4))


def _monday_if_weekend(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _next_tenth(day: date) -> date:
    """Batch payers pay on the 10th: that of this month if not passed, else next month's."""
    if day.day <= 10:
        return day.replace(day=10)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=10)


def _days_late(rng: random.Random, segment: str) -> int | None:
    """Days after the due date a client of ``segment`` pays; None: it never pays."""
    draw = rng.random()
    if segment == "strategic":
        return names.randint(rng, -5, 8) if draw < 0.85 else names.randint(rng, 9, 30)
    if segment == "standard":
        return names.randint(rng, -3, 0) if draw < 0.1 else int(rng.triangular(0, 40, 12))
    return None if draw < 0.08 else names.randint(rng, 60, 150)


# --- generated objects -----------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Client:
    id: int
    segment: str
    consumer: bool
    terms: int
    scale: float
    batches: bool
    method: PaymentMethod
    email: str
    row: Row
    bank_name: str = ""  # the name as it appears on bank statements
    terms_delta: timedelta = _DAY


@dataclass(slots=True, eq=False)
class _Credit:
    seq: int
    client: _Client
    on: date
    amount: int
    invoice: _Invoice | None
    notes: str
    id: int = 0
    number: str = ""


@dataclass(slots=True, eq=False)
class _Invoice:
    id: int
    client: _Client
    number: str
    issue: date
    due: date
    amount: int
    pays: list[Pay] = field(default_factory=list)
    credit: _Credit | None = None
    write_off: tuple[date, int, str] | None = None
    stop: date | None = None  # no reminder from this day on (dispute, plan, pending promise)
    pause: tuple[date, date] | None = None  # no reminder between these days (promise)
    special: bool = False

    def open_on(self, day: date) -> int:
        settled = sum(cents for on, cents, _key in self.pays if on <= day)
        if self.credit is not None and self.credit.on <= day:
            settled += self.credit.amount
        if self.write_off is not None and self.write_off[0] <= day:
            settled += self.write_off[1]
        return self.amount - settled

    def settled_on(self, as_of: date) -> date | None:
        """The day the open amount reached zero, or None if still open on ``as_of``."""
        if self.open_on(as_of) > 0:
            return None
        days = [on for on, _cents, _key in self.pays if on <= as_of]
        days += [self.credit.on] if self.credit is not None else []
        days += [self.write_off[0]] if self.write_off is not None else []
        return max(days)


@dataclass(slots=True, eq=False)
class _Payment:
    seq: int
    client: _Client
    on: date
    amount: int
    allocs: list[tuple[_Invoice, int]]
    notes: str = ""
    id: int = 0


@dataclass(slots=True, eq=False)
class _Event:
    seq: int
    on: date
    client: _Client
    kind: ActionKind
    recorded_at: datetime
    recorded_by: str
    invoices: list[_Invoice]
    summary: str = ""
    channel: Channel | None = None
    step: StepInfo | None = None
    details: dict[str, Any] = field(default_factory=dict)
    cost: tuple[CostKind, int, str] | None = None
    id: int = 0


class _Builder:
    """Draws the whole demo from one random generator, in a fixed order, so a seed gives one dossier."""

    def __init__(self, as_of: date, size: DemoSize, rng: random.Random,
                 ladders: Mapping[str, tuple[StepInfo, ...]]) -> None:
        self.as_of, self.size, self.rng, self.ladders = as_of, size, rng, ladders
        self.clients: list[_Client] = []
        self.contacts: list[Row] = []
        self.invoices: list[_Invoice] = []
        self.by_client: dict[int, list[_Invoice]] = {}
        self.credits: list[_Credit] = []
        self.payments: list[_Payment] = []
        self.events: list[_Event] = []
        self.reminders: dict[tuple[int, int, date], _Event] = {}
        self.paid_by: dict[int, list[tuple[date, int]]] = {}
        self.rows: Rows = {name: [] for name in TABLE_ORDER}

    def _int(self, low: int, high: int) -> int:
        return names.randint(self.rng, low, high)

    def build(self) -> Rows:
        self._make_clients()
        self._make_invoices()
        self._flag_do_not_remind()
        self._write_offs()
        self._credit_notes()
        self._resolved_disputes()
        self._open_disputes()
        self._plans()
        self._unallocated_credit_notes()
        self._build_payments()
        self._overpayments()
        self._promises()
        self._reminders()
        return self._emit()

    # -- clients ---------------------------------------------------------------------------------

    def _make_clients(self) -> None:
        count = self.size.clients
        fifth = max(1, count // 5)
        segments = ["strategic"] * fifth + ["at_risk"] * fifth + ["standard"] * (count - 2 * fifth)
        self.rng.shuffle(segments)
        standard = [index for index, segment in enumerate(segments) if segment == "standard"]
        consumers = set(self.rng.sample(standard, min(self.size.consumers, len(standard))))
        english = segments.index("strategic")
        names_taken: set[str] = set()
        codes_taken: set[str] = set()
        for index, segment in enumerate(segments):
            identity = names.identity(self.rng, english=index == english, consumer=index in consumers,
                                      taken=names_taken)
            self.clients.append(self._client(index + 1, segment, identity, codes_taken))

    def _client(self, client_id: int, segment: str, identity: Row, codes: set[str]) -> _Client:
        rng = self.rng
        consumer = bool(identity["is_consumer"])
        scale = (600.0 if consumer else _SCALE_EUROS[segment]) * rng.lognormvariate(0, 0.45)
        terms = 30 if consumer else rng.choice(_TERMS[segment])
        limit = None if consumer or rng.random() < 0.6 else int(scale * rng.choice((4, 6, 10)) / 1000 + 1) * 100_000
        row: Row = {
            "id": client_id, "account_code": names.account_code(identity["key"], codes),
            "name": identity["name"], "siren": identity["siren"], "vat_number": identity["vat_number"],
            "address_line1": identity["address_line1"], "address_line2": identity["address_line2"],
            "postcode": identity["postcode"], "city": identity["city"], "country": identity["country"],
            "language": identity["language"], "is_consumer": consumer, "segment_code": segment,
            "ladder_id": None, "credit_limit_cents": limit, "payment_terms_days": terms,
            "do_not_remind": False, "do_not_remind_reason": "", "notes": "",
            "created_at": datetime.combine(self.as_of - timedelta(days=_SPAN_DAYS + names.randint(rng, 1, 2000)),
                                           time(9, names.randint(rng, 0, 59))),
        }
        self._add_contacts(client_id, identity, consumer)
        method = PaymentMethod.CARD if consumer else rng.choice(_METHODS[segment])
        batches = segment != "at_risk" and not consumer and rng.random() < 0.3
        return _Client(client_id, segment, consumer, terms, scale, batches, method, identity["email"], row,
                       names.slug(identity["name"]).upper()[:24], timedelta(days=terms))

    def _add_contacts(self, client_id: int, identity: Row, consumer: bool) -> None:
        self.contacts.append({
            "id": len(self.contacts) + 1, "client_id": client_id, "name": identity["contact"],
            "role": identity["role"], "email": identity["email"], "phone": identity["phone"], "is_billing": True,
        })
        if consumer or self.rng.random() > 0.3:
            return
        second = names.second_contact(self.rng, str(identity["email"]))
        self.contacts.append({"id": len(self.contacts) + 1, "client_id": client_id, **second, "is_billing": False})

    def _flag_do_not_remind(self) -> None:
        pool = [c for c in self.clients if not c.consumer and c.row["language"] == Language.FR.value]
        for index, client in enumerate(self.rng.sample(pool, min(self.size.do_not_remind, len(pool)))):
            client.row["do_not_remind"] = True
            reasons = names.DO_NOT_REMIND_REASONS
            client.row["do_not_remind_reason"] = reasons[index % len(reasons)]

    # -- invoices and their planned payments -----------------------------------------------------

    def _make_invoices(self) -> None:
        rng, start = self.rng, self.as_of - timedelta(days=_SPAN_DAYS - 1)
        weights, total = [], 0.0
        for client in self.clients:
            total += (0.15 if client.consumer else _WEIGHT[client.segment]) * rng.uniform(0.5, 1.5)
            weights.append(total)
        picks = rng.choices(self.clients, cum_weights=weights, k=self.size.invoices)
        # Invoices are issued on working days, a little more often lately (the business grows).
        calendar = [max(start, _friday_if_weekend(start + timedelta(days=n))) for n in range(_SPAN_DAYS)]
        offsets = sorted(int(_SPAN_DAYS * rng.random() ** 0.9) for _ in range(self.size.invoices))
        sequence: dict[int, int] = {}
        for index, (client, offset) in enumerate(zip(picks, offsets, strict=True)):
            issue = calendar[offset]
            sequence[issue.year] = number = sequence.get(issue.year, 0) + 1
            euros = min(25_000.0, max(150.0, client.scale * rng.lognormvariate(0, 0.55)))
            invoice = _Invoice(index + 1, client, f"F{issue.year}-{number:05d}", issue, issue + client.terms_delta,
                               int(euros * 100))
            invoice.pays = self._planned_pays(invoice)
            self.invoices.append(invoice)
            self.by_client.setdefault(client.id, []).append(invoice)

    def _planned_pays(self, invoice: _Invoice) -> list[Pay]:
        """When the client's habit says it pays, in one or two transfers (possibly after as_of)."""
        rng, client = self.rng, invoice.client
        late = _days_late(rng, client.segment)
        if late is None:
            return []
        day = max(invoice.issue, invoice.due + timedelta(days=late))
        if client.batches:
            day, key = _next_tenth(day), f"b{_next_tenth(day).isoformat()}"
        else:
            day, key = _monday_if_weekend(day), f"i{invoice.id}"
        if invoice.amount >= 60_000 and rng.random() < _PARTIAL_SHARE:
            first = int(invoice.amount * rng.uniform(0.3, 0.6))
            first_day = max(invoice.issue, day - timedelta(days=names.randint(rng, 10, 30)))
            return [(first_day, first, f"a{invoice.id}"), (day, invoice.amount - first, key)]
        return [(day, invoice.amount, key)]

    def _pick(self, candidates: list[_Invoice], count: int) -> list[_Invoice]:
        candidates = [invoice for invoice in candidates if not invoice.special]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        for invoice in chosen:
            invoice.special = True
        return chosen

    def _is_open_on(self, invoice: _Invoice, day: date) -> bool:
        return all(on > day for on, _cents, _key in invoice.pays) and invoice.credit is None

    def _event(self, on: date, client: _Client, kind: ActionKind, invoices: list[_Invoice], **extra: Any) -> _Event:
        rng = self.rng
        event = _Event(len(self.events), on, client, kind,
                       datetime.combine(on, time(names.randint(rng, 8, 17), names.randint(rng, 0, 59))),
                       rng.choice(names.USERS), invoices, **extra)
        self.events.append(event)
        return event

    # -- special cases ---------------------------------------------------------------------------

    def _write_offs(self) -> None:
        limit = self.as_of - timedelta(days=240)
        pool = [i for i in self.invoices if i.client.segment == "at_risk" and not i.pays and i.due <= limit]
        for index, invoice in enumerate(self._pick(pool, self.size.write_offs)):
            day = min(self.as_of, invoice.due + timedelta(days=self._int(180, 230)))
            reason = names.WRITE_OFF_REASONS[index % len(names.WRITE_OFF_REASONS)]
            invoice.write_off = (day, invoice.amount, reason)
            self._event(day, invoice.client, ActionKind.WRITE_OFF, [invoice],
                        summary=f"Passage en perte de {invoice.number} ({_euros(invoice.amount)})",
                        details={"reason": reason})

    def _credit(self, invoice: _Invoice, day: date, cents: int, notes: str, pay_day: date) -> None:
        """Credit ``cents`` of ``invoice`` on ``day``; the client pays the rest on ``pay_day``."""
        credit = _Credit(len(self.credits), invoice.client, day, cents, invoice, notes)
        self.credits.append(credit)
        invoice.credit = credit
        rest = invoice.amount - cents
        invoice.pays = [(pay_day, rest, f"i{invoice.id}")] if rest > 0 else []

    def _credit_notes(self) -> None:
        latest = self.as_of - timedelta(days=30)
        pool = [i for i in self.invoices if len(i.pays) == 1 and not i.client.consumer and i.issue <= latest]
        for invoice in self._pick(pool, self.size.credit_notes):
            day = _friday_if_weekend(invoice.issue + timedelta(days=self._int(3, 25)))
            share = self.rng.choice((10, 15, 20, 25, 50, 100))
            notes = "Annulation de la facture (erreur de facturation)" if share == 100 else (
                f"Remise de {share} % accordée sur {invoice.number}")
            self._credit(invoice, day, invoice.amount * share // 100, notes,
                         max(day, invoice.pays[0][0]))

    def _dispute(self, invoice: _Invoice, opened: date, index: int) -> Row:
        reason = _REASONS[index % len(_REASONS)]
        row: Row = {
            "id": len(self.rows["disputes"]) + 1, "client_id": invoice.client.id, "opened_on": opened,
            "reason": reason.value, "notes": names.DISPUTE_NOTES[reason.value], "resolved_on": None,
            "outcome": None,
        }
        self.rows["disputes"].append(row)
        self.rows["dispute_invoices"].append({"dispute_id": row["id"], "invoice_id": invoice.id})
        self._event(opened, invoice.client, ActionKind.DISPUTE_OPENED, [invoice],
                    summary=f"Litige ouvert sur {invoice.number}", details={"reason": reason.value})
        invoice.stop = opened
        return row

    def _resolved_disputes(self) -> None:
        latest = self.as_of - timedelta(days=120)
        pool = [i for i in self.invoices if len(i.pays) == 1 and i.pays[0][0] <= self.as_of
                and not i.client.consumer and i.issue <= latest]
        for index, invoice in enumerate(self._pick(pool, self.size.resolved_disputes)):
            opened = _friday_if_weekend(invoice.issue + timedelta(days=self._int(5, 20)))
            resolved = _friday_if_weekend(opened + timedelta(days=self._int(10, 45)))
            pay_day = min(self.as_of, max(invoice.pays[0][0], resolved + timedelta(days=self._int(1, 10))))
            outcome = _OUTCOMES[index % len(_OUTCOMES)]
            if outcome is DisputeOutcome.CREDIT_NOTE:
                self._credit(invoice, resolved, invoice.amount * self.rng.choice((10, 20, 30)) // 100,
                             f"Avoir suite au litige sur {invoice.number}", pay_day)
            else:
                invoice.pays = [(pay_day, invoice.amount, f"i{invoice.id}")]
            row = self._dispute(invoice, opened, index)
            row.update(resolved_on=resolved, outcome=outcome.value)
            self._event(resolved, invoice.client, ActionKind.DISPUTE_RESOLVED, [invoice],
                        summary=f"Litige clos sur {invoice.number}", details={"outcome": outcome.value})

    def _open_disputes(self) -> None:
        pool = [i for i in self.invoices if self._is_open_on(i, self.as_of) and not i.client.consumer
                and i.issue <= self.as_of - timedelta(days=10) and i.due >= self.as_of - timedelta(days=120)]
        for index, invoice in enumerate(self._pick(pool, self.size.open_disputes)):
            opened = invoice.due + timedelta(days=self._int(-10, 20))
            opened = min(self.as_of, max(invoice.issue + timedelta(days=3), opened))
            self._dispute(invoice, opened, index)

    def _plans(self) -> None:
        clients = [c for c in self.clients if c.segment != "strategic" and not c.consumer
                   and not c.row["do_not_remind"]]
        made = 0
        for client in self.rng.sample(clients, len(clients)):
            if made == self.size.plans:
                return
            agreed = _friday_if_weekend(self.as_of - timedelta(days=self._int(60, 80)))
            covered = [i for i in self.by_client.get(client.id, []) if not i.special and i.write_off is None
                       and i.due < agreed - timedelta(days=15) and self._is_open_on(i, self.as_of)][:3]
            if len(covered) >= 2:
                made += 1
                self._plan(client, agreed, covered)

    def _plan(self, client: _Client, agreed: date, covered: list[_Invoice]) -> None:
        plan_id = len(self.rows["plans"]) + 1
        total = sum(invoice.amount for invoice in covered)
        self.rows["plans"].append({
            "id": plan_id, "client_id": client.id, "agreed_on": agreed, "signed_document_id": None,
            "cancelled_on": None, "notes": f"Échéancier en 4 mensualités, total {_euros(total)}",
        })
        for invoice in covered:
            invoice.special, invoice.pays, invoice.stop = True, [], agreed
            self.rows["plan_invoices"].append({"plan_id": plan_id, "invoice_id": invoice.id})
        base = total // 4
        for number in range(4):
            due_on = agreed + timedelta(days=15 + 30 * number)
            amount = base if number < 3 else total - 3 * base
            self.rows["instalments"].append({
                "id": len(self.rows["instalments"]) + 1, "plan_id": plan_id, "due_on": due_on, "amount_cents": amount,
            })
            paid_on = due_on + timedelta(days=self._int(0, 3))
            if paid_on <= self.as_of:
                self._pay_waterfall(covered, paid_on, amount, f"p{plan_id}-{number}")
        self._event(agreed, client, ActionKind.PLAN, covered,
                    summary=f"Échéancier accordé : 4 mensualités, total {_euros(total)}")

    def _pay_waterfall(self, covered: list[_Invoice], day: date, cents: int, key: str) -> None:
        """Spread one instalment over the plan's invoices, oldest first."""
        for invoice in covered:
            part = min(cents, invoice.amount - sum(p[1] for p in invoice.pays))
            if part > 0:
                invoice.pays.append((day, part, key))
                cents -= part

    def _unallocated_credit_notes(self) -> None:
        pool = [c for c in self.clients if not c.consumer]
        for client in self.rng.sample(pool, min(self.size.unallocated_credit_notes, len(pool))):
            day = _friday_if_weekend(self.as_of - timedelta(days=self._int(5, 40)))
            self.credits.append(_Credit(len(self.credits), client, day, self._int(150, 800) * 100, None,
                                        "Avoir commercial (geste commercial), à imputer sur une prochaine facture"))

    # -- payments --------------------------------------------------------------------------------

    def _build_payments(self) -> None:
        groups: dict[tuple[int, str], _Payment] = {}
        for invoice in self.invoices:
            for on, cents, key in invoice.pays:
                if on > self.as_of:
                    continue
                payment = groups.get((invoice.client.id, key))
                if payment is None:
                    payment = groups[(invoice.client.id, key)] = _Payment(len(groups), invoice.client, on, 0, [])
                payment.amount += cents
                payment.allocs.append((invoice, cents))
        self.payments = list(groups.values())

    def _overpayments(self) -> None:
        pool = [p for p in self.payments if len(p.allocs) == 1 and p.on <= self.as_of - timedelta(days=15)]
        for index, payment in enumerate(self.rng.sample(pool, min(self.size.overpayments, len(pool)))):
            if index % 2 == 0:
                extra = self.rng.choice((1000, 2000, 5000, payment.amount // 10 or 100))
                payment.amount += extra
                payment.notes = f"Trop-perçu de {_euros(extra)} à rembourser ou imputer"
                continue
            day = _monday_if_weekend(payment.on + timedelta(days=self._int(2, 10)))
            self.payments.append(_Payment(len(self.payments), payment.client, day, payment.amount, [],
                                          f"Règlement en double de {payment.allocs[0][0].number}"))

    # -- promises --------------------------------------------------------------------------------

    def _promises(self) -> None:
        self._payments_by_client()
        self._kept_promises()
        self._broken_promises()
        self._pending_promises()

    def _payments_by_client(self) -> None:
        for payment in self.payments:
            self.paid_by.setdefault(payment.client.id, []).append((payment.on, payment.amount))

    def _window_paid(self, client: _Client, start: date, end: date) -> int:
        return sum(cents for on, cents in self.paid_by.get(client.id, []) if start <= on <= end)

    def _promise(self, invoice: _Invoice, made: date, promised: date, amount: int) -> None:
        promise_id = len(self.rows["promises"]) + 1
        user = self.rng.choice(names.USERS)
        self.rows["promises"].append({
            "id": promise_id, "client_id": invoice.client.id, "made_on": made, "promised_on": promised,
            "amount_cents": amount, "recorded_by": user, "notes": "Promesse obtenue par téléphone",
        })
        self.rows["promise_invoices"].append({"promise_id": promise_id, "invoice_id": invoice.id})
        self._event(made, invoice.client, ActionKind.PROMISE, [invoice], channel=Channel.PHONE,
                    summary=f"Promesse de paiement de {_euros(amount)} au {promised.strftime('%d/%m/%Y')}")
        invoice.special = True
        invoice.pause = (made, promised + timedelta(days=3))

    def _kept_promises(self) -> None:
        pool = [i for i in self.invoices if len(i.pays) == 1 and i.pays[0][0] <= self.as_of
                and i.pays[0][0] - i.due >= timedelta(days=15) and not i.client.row["do_not_remind"]]
        for invoice in self._pick(pool, self.size.kept_promises):
            paid_on, cents, _key = invoice.pays[0]
            made = paid_on - timedelta(days=self._int(6, 15))
            promised = paid_on - timedelta(days=self._int(0, 3))
            if self._window_paid(invoice.client, made, promised + timedelta(days=3)) >= cents:
                self._promise(invoice, made, promised, cents)

    def _broken_promises(self) -> None:
        pool = [i for i in self.invoices if not i.special and i.due <= self.as_of - timedelta(days=45)
                and i.credit is None and not i.client.row["do_not_remind"]]
        made_count = 0
        for invoice in self.rng.sample(pool, min(len(pool), 20 * self.size.broken_promises)):
            if made_count == self.size.broken_promises:
                return
            made = _monday_if_weekend(invoice.due + timedelta(days=self._int(10, 20)))
            promised = made + timedelta(days=self._int(5, 12))
            grace_end = promised + timedelta(days=3)
            if grace_end >= self.as_of or not self._is_open_on(invoice, grace_end):
                continue
            if self._window_paid(invoice.client, made, grace_end) < invoice.amount:
                self._promise(invoice, made, promised, invoice.amount)
                made_count += 1

    def _pending_promises(self) -> None:
        pool = [i for i in self.invoices if not i.special and self._is_open_on(i, self.as_of)
                and i.write_off is None and i.due <= self.as_of - timedelta(days=5)
                and not i.client.row["do_not_remind"]]
        for invoice in self._pick(pool, self.size.pending_promises):
            made = max(invoice.due, self.as_of - timedelta(days=self._int(1, 6)))
            promised = self.as_of + timedelta(days=self._int(3, 14))
            self._promise(invoice, made, promised, invoice.amount)
            invoice.stop = made

    # -- reminder history ------------------------------------------------------------------------

    def _reminders(self) -> None:
        start = self.as_of - timedelta(days=self.size.history_days)
        for invoice in self.invoices:
            if invoice.client.row["do_not_remind"] or invoice.due + timedelta(days=70) < start:
                continue
            for step, day in self._steps_taken(invoice, start):
                self._remind(invoice, step, day)

    def _steps_taken(self, invoice: _Invoice, start: date) -> Iterator[tuple[StepInfo, date]]:
        """The ladder steps done for an invoice: due, still unpaid, before any dispute or plan."""
        settled = invoice.settled_on(self.as_of)
        end = min(d for d in (settled, invoice.stop, self.as_of + _DAY) if d is not None)
        for step in self.ladders[invoice.client.segment]:
            day = _monday_if_weekend(invoice.due + timedelta(days=step.offset_days))
            if day >= end:
                return
            if (self.as_of - day).days < 7 and self.rng.random() < 0.6:
                return  # left for today's to-do list
            if day >= start and not (invoice.pause and invoice.pause[0] <= day <= invoice.pause[1]):
                yield step, day

    def _remind(self, invoice: _Invoice, step: StepInfo, day: date) -> None:
        key = (invoice.client.id, step.id, day)
        event = self.reminders.get(key)
        if event is None:
            event = self.reminders[key] = self._event(
                day, invoice.client, _KIND_OF_CHANNEL[step.channel], [], channel=step.channel, step=step,
                **self._step_extras(invoice.client, step, day))
        event.invoices.append(invoice)

    def _step_extras(self, client: _Client, step: StepInfo, day: date) -> Row:
        if step.channel is Channel.PHONE:
            return {"details": {"outcome": self.rng.choice(names.CALL_OUTCOMES)}}
        if step.channel is Channel.EMAIL:
            return {"details": {"to": client.email}}
        if step.channel is Channel.LETTER:
            return {"cost": (CostKind.POSTAGE, _STAMP_CENTS, "Lettre verte")}
        number = f"1A {self._int(100, 999)} {self._int(100, 999)} {self._int(1000, 9999)} 1"
        details: Row = {"lrar_number": number, "deadline_days": 8}
        if day + timedelta(days=2) <= self.as_of:
            details["received_on"] = (day + timedelta(days=2)).isoformat()
        return {"details": details, "cost": (CostKind.REGISTERED_LETTER, _LRAR_CENTS, f"LRAR n° {number}")}

    # -- rows ------------------------------------------------------------------------------------

    def _emit(self) -> Rows:
        rows = self.rows
        rows["clients"] = [client.row for client in self.clients]
        rows["contacts"] = self.contacts
        rows["invoices"] = [self._invoice_row(i) for i in self.invoices] + self._credit_rows()
        rows["payments"] = self._payment_rows()
        rows["allocations"] = self._allocation_rows()
        self._action_rows()
        return rows

    def _invoice_row(self, invoice: _Invoice, kind: InvoiceKind = InvoiceKind.INVOICE, notes: str = "") -> Row:
        return {
            "id": invoice.id, "number": invoice.number, "kind": str(kind), "client_id": invoice.client.id,
            "issue_date": invoice.issue, "due_date": invoice.due,
            "amount_excl_cents": (invoice.amount * 10 + 6) // 12, "amount_incl_cents": invoice.amount,
            "currency": "EUR", "source": _DEMO_SOURCE, "external_key": None, "original_document_id": None,
            "no_reminder": False, "notes": notes,
        }

    def _credit_rows(self) -> list[Row]:
        rows: list[Row] = []
        sequence: dict[int, int] = {}
        for index, credit in enumerate(sorted(self.credits, key=lambda c: (c.on, c.seq))):
            sequence[credit.on.year] = sequence.get(credit.on.year, 0) + 1
            credit.id = len(self.invoices) + index + 1
            credit.number = f"AV{credit.on.year}-{sequence[credit.on.year]:05d}"
            as_invoice = _Invoice(credit.id, credit.client, credit.number, credit.on, credit.on, credit.amount)
            rows.append(self._invoice_row(as_invoice, InvoiceKind.CREDIT_NOTE, credit.notes))
        return rows

    def _payment_rows(self) -> list[Row]:
        rows: list[Row] = []
        for index, payment in enumerate(sorted(self.payments, key=lambda p: (p.on, p.seq))):
            payment.id = index + 1
            rows.append({
                "id": payment.id, "client_id": payment.client.id, "received_on": payment.on,
                "amount_cents": payment.amount, "currency": "EUR", "method": str(payment.client.method),
                "bank_reference": self._bank_reference(payment), "source": _DEMO_SOURCE,
                "external_key": None, "notes": payment.notes,
            })
        return rows

    def _bank_reference(self, payment: _Payment) -> str:
        method = payment.client.method
        what = payment.allocs[0][0].number if len(payment.allocs) == 1 else f"{len(payment.allocs)} FACTURES"
        what = what if payment.allocs else "REGLEMENT"
        if method is PaymentMethod.CHEQUE:
            return f"REMISE CHQ {payment.id:07d}"
        if method is PaymentMethod.CARD:
            return f"CB {payment.id:06d}"
        prefix = {PaymentMethod.LCR: "LCR", PaymentMethod.DIRECT_DEBIT: "PRLV SEPA"}.get(method, "VIR SEPA")
        return f"{prefix} {payment.client.bank_name} {what}"

    def _allocation_rows(self) -> list[Row]:
        rows: list[Row] = []

        def add(invoice: _Invoice, kind: SettlementKind, cents: int, on: date, **refs: Any) -> None:
            rows.append({"id": len(rows) + 1, "invoice_id": invoice.id, "kind": str(kind),
                         "payment_id": refs.get("payment_id"), "credit_note_id": refs.get("credit_note_id"),
                         "amount_cents": cents, "on_date": on, "reason": refs.get("reason", "")})

        for payment in sorted(self.payments, key=lambda p: p.id):
            for invoice, cents in payment.allocs:
                add(invoice, SettlementKind.PAYMENT, cents, payment.on, payment_id=payment.id)
        for credit in sorted(self.credits, key=lambda c: c.id):
            if credit.invoice is not None:
                add(credit.invoice, SettlementKind.CREDIT_NOTE, credit.amount, credit.on, credit_note_id=credit.id)
        for invoice in self.invoices:
            if invoice.write_off is not None:
                day, cents, reason = invoice.write_off
                add(invoice, SettlementKind.WRITE_OFF, cents, day, reason=reason)
        return rows

    def _action_rows(self) -> None:
        for index, event in enumerate(sorted(self.events, key=lambda e: (e.on, e.seq))):
            event.id = index + 1
            self.rows["actions"].append({
                "id": event.id, "client_id": event.client.id, "kind": event.kind.value, "occurred_on": event.on,
                "recorded_at": event.recorded_at, "channel": event.channel.value if event.channel else None,
                "ladder_step_id": event.step.id if event.step else None, "summary": self._summary(event),
                "details": json.dumps(event.details, ensure_ascii=False, sort_keys=True), "document_id": None,
                "corrects_action_id": None, "recorded_by": event.recorded_by,
            })
            self.rows["action_invoices"] += [{"action_id": event.id, "invoice_id": i.id} for i in event.invoices]
            if event.cost is not None:
                kind, cents, notes = event.cost
                self.rows["recovery_costs"].append({
                    "id": len(self.rows["recovery_costs"]) + 1, "client_id": event.client.id, "on_date": event.on,
                    "kind": kind.value, "amount_cents": cents, "notes": notes, "action_id": event.id,
                })

    def _summary(self, event: _Event) -> str:
        if event.summary or event.step is None:
            return event.summary
        numbers = [invoice.number for invoice in event.invoices]
        listed = ", ".join(numbers[:3]) + (f" et {len(numbers) - 3} autres" if len(numbers) > 3 else "")
        return f"{event.step.name} : {listed}"

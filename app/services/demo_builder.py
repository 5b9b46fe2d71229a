"""Draws a demo dossier from one random generator: clients, invoices, payments, cases and reminders as rows."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.kinds import (
    ActionKind,
    Channel,
    CostKind,
    DisputeOutcome,
    InvoiceKind,
    Language,
    PaymentMethod,
)
from app.services import demo_names as names
from app.services.demo_records import (
    DAY,
    DEMO_SOURCE,
    KIND_OF_CHANNEL,
    LRAR_CENTS,
    METHODS,
    OUTCOMES,
    PARTIAL_SHARE,
    REASONS,
    SCALE_EUROS,
    SPAN_DAYS,
    STAMP_CENTS,
    TABLE_ORDER,
    TERMS,
    WEIGHT,
    ClientDraft,
    CreditDraft,
    DemoSize,
    EventDraft,
    InvoiceDraft,
    Pay,
    PaymentDraft,
    Row,
    Rows,
    StepInfo,
    action_summary,
    allocation_rows,
    bank_reference,
    draw_days_late,
    euros,
    friday_if_weekend,
    invoice_row,
    monday_if_weekend,
    next_tenth,
)


class Builder:
    """Draws the whole demo from one random generator, in a fixed order, so a seed gives one dossier."""

    def __init__(self, as_of: date, size: DemoSize, rng: random.Random,
                 ladders: Mapping[str, tuple[StepInfo, ...]]) -> None:
        self.as_of, self.size, self.rng, self.ladders = as_of, size, rng, ladders
        self.clients: list[ClientDraft] = []
        self.contacts: list[Row] = []
        self.invoices: list[InvoiceDraft] = []
        self.by_client: dict[int, list[InvoiceDraft]] = {}
        self.credits: list[CreditDraft] = []
        self.payments: list[PaymentDraft] = []
        self.events: list[EventDraft] = []
        self.reminders: dict[tuple[int, int, date], EventDraft] = {}
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

    def _client(self, client_id: int, segment: str, identity: Row, codes: set[str]) -> ClientDraft:
        rng = self.rng
        consumer = bool(identity["is_consumer"])
        scale = (600.0 if consumer else SCALE_EUROS[segment]) * rng.lognormvariate(0, 0.45)
        terms = 30 if consumer else rng.choice(TERMS[segment])
        limit = None if consumer or rng.random() < 0.6 else int(scale * rng.choice((4, 6, 10)) / 1000 + 1) * 100_000
        row: Row = {
            "id": client_id, "account_code": names.account_code(identity["key"], codes),
            "name": identity["name"], "siren": identity["siren"], "vat_number": identity["vat_number"],
            "address_line1": identity["address_line1"], "address_line2": identity["address_line2"],
            "postcode": identity["postcode"], "city": identity["city"], "country": identity["country"],
            "language": identity["language"], "is_consumer": consumer, "segment_code": segment,
            "ladder_id": None, "credit_limit_cents": limit, "payment_terms_days": terms,
            "do_not_remind": False, "do_not_remind_reason": "", "notes": "",
            "created_at": datetime.combine(self.as_of - timedelta(days=SPAN_DAYS + names.randint(rng, 1, 2000)),
                                           time(9, names.randint(rng, 0, 59))),
        }
        self._add_contacts(client_id, identity, consumer)
        method = PaymentMethod.CARD if consumer else rng.choice(METHODS[segment])
        batches = segment != "at_risk" and not consumer and rng.random() < 0.3
        return ClientDraft(client_id, segment, consumer, terms, scale, batches, method, identity["email"], row,
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
        rng, start = self.rng, self.as_of - timedelta(days=SPAN_DAYS - 1)
        weights, total = [], 0.0
        for client in self.clients:
            total += (0.15 if client.consumer else WEIGHT[client.segment]) * rng.uniform(0.5, 1.5)
            weights.append(total)
        picks = rng.choices(self.clients, cum_weights=weights, k=self.size.invoices)
        # Invoices are issued on working days, a little more often lately (the business grows).
        calendar = [max(start, friday_if_weekend(start + timedelta(days=n))) for n in range(SPAN_DAYS)]
        offsets = sorted(int(SPAN_DAYS * rng.random() ** 0.9) for _ in range(self.size.invoices))
        sequence: dict[int, int] = {}
        for index, (client, offset) in enumerate(zip(picks, offsets, strict=True)):
            issue = calendar[offset]
            sequence[issue.year] = number = sequence.get(issue.year, 0) + 1
            euros = min(25_000.0, max(150.0, client.scale * rng.lognormvariate(0, 0.55)))
            invoice = InvoiceDraft(index + 1, client, f"F{issue.year}-{number:05d}", issue, issue + client.terms_delta,
                               int(euros * 100))
            invoice.pays = self._planned_pays(invoice)
            self.invoices.append(invoice)
            self.by_client.setdefault(client.id, []).append(invoice)

    def _planned_pays(self, invoice: InvoiceDraft) -> list[Pay]:
        """When the client's habit says it pays, in one or two transfers (possibly after as_of)."""
        rng, client = self.rng, invoice.client
        late = draw_days_late(rng, client.segment)
        if late is None:
            return []
        day = max(invoice.issue, invoice.due + timedelta(days=late))
        if client.batches:
            day, key = next_tenth(day), f"b{next_tenth(day).isoformat()}"
        else:
            day, key = monday_if_weekend(day), f"i{invoice.id}"
        if invoice.amount >= 60_000 and rng.random() < PARTIAL_SHARE:
            first = int(invoice.amount * rng.uniform(0.3, 0.6))
            first_day = max(invoice.issue, day - timedelta(days=names.randint(rng, 10, 30)))
            return [(first_day, first, f"a{invoice.id}"), (day, invoice.amount - first, key)]
        return [(day, invoice.amount, key)]

    def _pick(self, candidates: list[InvoiceDraft], count: int) -> list[InvoiceDraft]:
        candidates = [invoice for invoice in candidates if not invoice.special]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        for invoice in chosen:
            invoice.special = True
        return chosen

    def _is_open_on(self, invoice: InvoiceDraft, day: date) -> bool:
        return all(on > day for on, _cents, _key in invoice.pays) and invoice.credit is None

    def _event(self, on: date, client: ClientDraft, kind: ActionKind, invoices: list[InvoiceDraft],
               **extra: Any) -> EventDraft:
        rng = self.rng
        event = EventDraft(len(self.events), on, client, kind,
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
                        summary=f"Passage en perte de {invoice.number} ({euros(invoice.amount)})",
                        details={"reason": reason})

    def _credit(self, invoice: InvoiceDraft, day: date, cents: int, notes: str, pay_day: date) -> None:
        """Credit ``cents`` of ``invoice`` on ``day``; the client pays the rest on ``pay_day``."""
        credit = CreditDraft(len(self.credits), invoice.client, day, cents, invoice, notes)
        self.credits.append(credit)
        invoice.credit = credit
        rest = invoice.amount - cents
        invoice.pays = [(pay_day, rest, f"i{invoice.id}")] if rest > 0 else []

    def _credit_notes(self) -> None:
        latest = self.as_of - timedelta(days=30)
        pool = [i for i in self.invoices if len(i.pays) == 1 and not i.client.consumer and i.issue <= latest]
        for invoice in self._pick(pool, self.size.credit_notes):
            day = friday_if_weekend(invoice.issue + timedelta(days=self._int(3, 25)))
            share = self.rng.choice((10, 15, 20, 25, 50, 100))
            notes = "Annulation de la facture (erreur de facturation)" if share == 100 else (
                f"Remise de {share} % accordée sur {invoice.number}")
            self._credit(invoice, day, invoice.amount * share // 100, notes,
                         max(day, invoice.pays[0][0]))

    def _dispute(self, invoice: InvoiceDraft, opened: date, index: int) -> Row:
        reason = REASONS[index % len(REASONS)]
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
            opened = friday_if_weekend(invoice.issue + timedelta(days=self._int(5, 20)))
            resolved = friday_if_weekend(opened + timedelta(days=self._int(10, 45)))
            pay_day = min(self.as_of, max(invoice.pays[0][0], resolved + timedelta(days=self._int(1, 10))))
            outcome = OUTCOMES[index % len(OUTCOMES)]
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
            agreed = friday_if_weekend(self.as_of - timedelta(days=self._int(60, 80)))
            covered = [i for i in self.by_client.get(client.id, []) if not i.special and i.write_off is None
                       and i.due < agreed - timedelta(days=15) and self._is_open_on(i, self.as_of)][:3]
            if len(covered) >= 2:
                made += 1
                self._plan(client, agreed, covered)

    def _plan(self, client: ClientDraft, agreed: date, covered: list[InvoiceDraft]) -> None:
        plan_id = len(self.rows["plans"]) + 1
        total = sum(invoice.amount for invoice in covered)
        self.rows["plans"].append({
            "id": plan_id, "client_id": client.id, "agreed_on": agreed, "signed_document_id": None,
            "cancelled_on": None, "notes": f"Échéancier en 4 mensualités, total {euros(total)}",
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
                    summary=f"Échéancier accordé : 4 mensualités, total {euros(total)}")

    def _pay_waterfall(self, covered: list[InvoiceDraft], day: date, cents: int, key: str) -> None:
        """Spread one instalment over the plan's invoices, oldest first."""
        for invoice in covered:
            part = min(cents, invoice.amount - sum(p[1] for p in invoice.pays))
            if part > 0:
                invoice.pays.append((day, part, key))
                cents -= part

    def _unallocated_credit_notes(self) -> None:
        pool = [c for c in self.clients if not c.consumer]
        for client in self.rng.sample(pool, min(self.size.unallocated_credit_notes, len(pool))):
            day = friday_if_weekend(self.as_of - timedelta(days=self._int(5, 40)))
            self.credits.append(CreditDraft(len(self.credits), client, day, self._int(150, 800) * 100, None,
                                        "Avoir commercial (geste commercial), à imputer sur une prochaine facture"))

    # -- payments --------------------------------------------------------------------------------

    def _build_payments(self) -> None:
        groups: dict[tuple[int, str], PaymentDraft] = {}
        for invoice in self.invoices:
            for on, cents, key in invoice.pays:
                if on > self.as_of:
                    continue
                payment = groups.get((invoice.client.id, key))
                if payment is None:
                    payment = groups[(invoice.client.id, key)] = PaymentDraft(len(groups), invoice.client, on, 0, [])
                payment.amount += cents
                payment.allocs.append((invoice, cents))
        self.payments = list(groups.values())

    def _overpayments(self) -> None:
        pool = [p for p in self.payments if len(p.allocs) == 1 and p.on <= self.as_of - timedelta(days=15)]
        for index, payment in enumerate(self.rng.sample(pool, min(self.size.overpayments, len(pool)))):
            if index % 2 == 0:
                extra = self.rng.choice((1000, 2000, 5000, payment.amount // 10 or 100))
                payment.amount += extra
                payment.notes = f"Trop-perçu de {euros(extra)} à rembourser ou imputer"
                continue
            day = monday_if_weekend(payment.on + timedelta(days=self._int(2, 10)))
            self.payments.append(PaymentDraft(len(self.payments), payment.client, day, payment.amount, [],
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

    def _window_paid(self, client: ClientDraft, start: date, end: date) -> int:
        return sum(cents for on, cents in self.paid_by.get(client.id, []) if start <= on <= end)

    def _promise(self, invoice: InvoiceDraft, made: date, promised: date, amount: int) -> None:
        promise_id = len(self.rows["promises"]) + 1
        user = self.rng.choice(names.USERS)
        self.rows["promises"].append({
            "id": promise_id, "client_id": invoice.client.id, "made_on": made, "promised_on": promised,
            "amount_cents": amount, "recorded_by": user, "notes": "Promesse obtenue par téléphone",
        })
        self.rows["promise_invoices"].append({"promise_id": promise_id, "invoice_id": invoice.id})
        self._event(made, invoice.client, ActionKind.PROMISE, [invoice], channel=Channel.PHONE,
                    summary=f"Promesse de paiement de {euros(amount)} au {promised.strftime('%d/%m/%Y')}")
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
            made = monday_if_weekend(invoice.due + timedelta(days=self._int(10, 20)))
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

    def _steps_taken(self, invoice: InvoiceDraft, start: date) -> Iterator[tuple[StepInfo, date]]:
        """The ladder steps done for an invoice: due, still unpaid, before any dispute or plan."""
        settled = invoice.settled_on(self.as_of)
        end = min(d for d in (settled, invoice.stop, self.as_of + DAY) if d is not None)
        for step in self.ladders[invoice.client.segment]:
            day = monday_if_weekend(invoice.due + timedelta(days=step.offset_days))
            if day >= end:
                return
            if (self.as_of - day).days < 7 and self.rng.random() < 0.6:
                return  # left for today's to-do list
            if day >= start and not (invoice.pause and invoice.pause[0] <= day <= invoice.pause[1]):
                yield step, day

    def _remind(self, invoice: InvoiceDraft, step: StepInfo, day: date) -> None:
        key = (invoice.client.id, step.id, day)
        event = self.reminders.get(key)
        if event is None:
            event = self.reminders[key] = self._event(
                day, invoice.client, KIND_OF_CHANNEL[step.channel], [], channel=step.channel, step=step,
                **self._step_extras(invoice.client, step, day))
        event.invoices.append(invoice)

    def _step_extras(self, client: ClientDraft, step: StepInfo, day: date) -> Row:
        if step.channel is Channel.PHONE:
            return {"details": {"outcome": self.rng.choice(names.CALL_OUTCOMES)}}
        if step.channel is Channel.EMAIL:
            return {"details": {"to": client.email}}
        if step.channel is Channel.LETTER:
            return {"cost": (CostKind.POSTAGE, STAMP_CENTS, "Lettre verte")}
        number = f"1A {self._int(100, 999)} {self._int(100, 999)} {self._int(1000, 9999)} 1"
        details: Row = {"lrar_number": number, "deadline_days": 8}
        if day + timedelta(days=2) <= self.as_of:
            details["received_on"] = (day + timedelta(days=2)).isoformat()
        return {"details": details, "cost": (CostKind.REGISTERED_LETTER, LRAR_CENTS, f"LRAR n° {number}")}

    # -- rows ------------------------------------------------------------------------------------

    def _emit(self) -> Rows:
        rows = self.rows
        rows["clients"] = [client.row for client in self.clients]
        rows["contacts"] = self.contacts
        rows["invoices"] = [invoice_row(i) for i in self.invoices] + self._credit_rows()
        rows["payments"] = self._payment_rows()
        rows["allocations"] = allocation_rows(self.payments, self.credits, self.invoices)
        self._action_rows()
        return rows

    def _credit_rows(self) -> list[Row]:
        rows: list[Row] = []
        sequence: dict[int, int] = {}
        for index, credit in enumerate(sorted(self.credits, key=lambda c: (c.on, c.seq))):
            sequence[credit.on.year] = sequence.get(credit.on.year, 0) + 1
            credit.id = len(self.invoices) + index + 1
            credit.number = f"AV{credit.on.year}-{sequence[credit.on.year]:05d}"
            as_invoice = InvoiceDraft(credit.id, credit.client, credit.number, credit.on, credit.on, credit.amount)
            rows.append(invoice_row(as_invoice, InvoiceKind.CREDIT_NOTE, credit.notes))
        return rows

    def _payment_rows(self) -> list[Row]:
        rows: list[Row] = []
        for index, payment in enumerate(sorted(self.payments, key=lambda p: (p.on, p.seq))):
            payment.id = index + 1
            rows.append({
                "id": payment.id, "client_id": payment.client.id, "received_on": payment.on,
                "amount_cents": payment.amount, "currency": "EUR", "method": str(payment.client.method),
                "bank_reference": bank_reference(payment), "source": DEMO_SOURCE,
                "external_key": None, "notes": payment.notes,
            })
        return rows

    def _action_rows(self) -> None:
        for index, event in enumerate(sorted(self.events, key=lambda e: (e.on, e.seq))):
            event.id = index + 1
            self.rows["actions"].append({
                "id": event.id, "client_id": event.client.id, "kind": event.kind.value, "occurred_on": event.on,
                "recorded_at": event.recorded_at, "channel": event.channel.value if event.channel else None,
                "ladder_step_id": event.step.id if event.step else None, "summary": action_summary(event),
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

"""The settlements an invoice-side import would record: payments and credit notes with the allocations the
file gives (FEC lettrage, CSV "paid" columns), capped at what is open, and lettrage a newer FEC undoes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import itemgetter
from typing import TypeVar

from app.domain.kinds import InvoiceKind, Source
from app.formatting import format_cents
from app.i18n import _
from app.io.import_records import AllocationRecord, InvoiceRecord, ParsedFile, PaymentRecord, SourceRef
from app.services.import_dto import PreviewRow, RecordType
from app.services.import_plan import lettrage_reason
from app.services.import_steps import (
    AllocationStep,
    ClientStep,
    DossierFacts,
    OpenInvoices,
    PaymentStep,
    Plan,
    Unlettered,
)

# The fields ``SettlementPlanner.payments`` reads, in one call (not 7 attribute lookups) for each of 100,000 records
_PAYMENT_FIELDS = itemgetter(*map(PaymentRecord._fields.index, (
    "client_key", "external_key", "received_on", "amount_cents", "allocations", "cumulative", "ref")))
_NO_ALLOCATION = AllocationRecord("", 0)  # stands for none, or several, in the common case of ``payments``
_NOWHERE: tuple[int | str | None, date] = (None, date.min)  # no invoice of that number: nobody's
K = TypeVar("K")
V = TypeVar("V")


def _dossier_invoices(dossier: DossierFacts) -> tuple[dict[str, int], dict[str, tuple[int | str | None, date]]]:
    """What is open on each invoice of the dossier, and where each one stands (as ``OpenInvoices``)."""
    open_: dict[str, int] = {}
    placed: dict[str, tuple[int | str | None, date]] = {}
    invoice = InvoiceKind.INVOICE.value
    for number, existing in dossier.invoices.items():
        if existing.kind == invoice:
            open_[number] = existing.amount_incl_cents - existing.settled_cents
            placed[number] = (existing.client_id, existing.issue_date)
        else:
            placed[number] = (None, existing.issue_date)  # a credit note is nobody's open invoice
    return open_, placed


def _over(first: dict[K, V], then: dict[K, V]) -> dict[K, V]:
    """``first`` updated with ``then`` (without copying ``then`` when there is nothing under it)."""
    return first | then if first else then


class SettlementPlanner:
    """Payments and the allocations the file gives (FEC lettrage, CSV "paid" columns), capped at what is open."""

    def __init__(self, plan: Plan, dossier: DossierFacts, book: OpenInvoices) -> None:
        self.plan, self.dossier = plan, dossier
        self.planned_numbers: set[str] | None = None
        self.settles = _("settles {numbers}")  # looked up once: 100,000 payments may say it
        # Its text around "{numbers}" when that is its only field: a concatenation then says it, not a format call.
        before, field, after = self.settles.partition("{numbers}")
        plain = bool(field) and not any(brace in before + after for brace in "{}")
        self.settles_around: tuple[str, str] | None = (before, after) if plain else None
        self.fec = plan.source == Source.FEC
        self.refs = book.refs
        # What is open on each invoice number (the dossier's, and those the file creates or updates), their client
        # and issue date: the file's, from ``book``, over the dossier's.
        open_, placed = _dossier_invoices(dossier)
        self.open, self.placed = _over(open_, book.open), _over(placed, book.placed)
        self.numbers: dict[int, str] = {}

    def run(self, parsed: ParsedFile) -> None:
        self.numbers = {existing.id: number for number, existing in self.dossier.invoices.items()}
        self.payments(parsed.payments)
        for note in parsed.invoices:
            if note.is_credit_note and note.client_key in self.plan.clients and (
                    note.allocations or note.number in self.dossier.invoices):
                self.credit_note(note)

    def payments(self, records: Sequence[PaymentRecord]) -> None:
        """``payment`` for each record, with its common case inline (a first import of a 500,000-line FEC has 100,000
        of them): a new payment of a client the file creates, with one allocation that fits whole in one of the new
        invoices of that client. Whatever ``payment`` and ``allocate`` would do besides is left to them."""
        known, invoices, given = self.dossier.payments, self.dossier.invoices, self.dossier.allocated
        open_, placed, fec = self.open, self.placed, self.fec
        # The clients the file creates, each with its owner reference and name.
        newcomers = {key: (step, self.refs[key], step.name) for key, step in self.plan.clients.items()
                     if step.client_id is None}
        steps, created, allocations = self.plan.payments, self.plan.created, self.plan.allocations
        new, payment = tuple.__new__, RecordType.PAYMENT
        plain, (before, after) = self.settles_around is not None, self.settles_around or ("", "")
        for record in records:
            client_key, key, on, cents, items, cumulative, source = _PAYMENT_FIELDS(record)
            newcomer = newcomers.get(client_key)
            if newcomer is None or cumulative or key in known:
                self.payment(record)
                continue
            client, ref, name = newcomer
            # As ``payment`` for a payment_id of None: no lettrage to undo, nothing used yet.
            number, wanted, letter = items[0] if len(items) == 1 else _NO_ALLOCATION
            left = open_.get(number, 0)
            owner, day = placed.get(number, _NOWHERE)
            if 0 < wanted <= left and wanted <= cents and owner == ref \
                    and number not in invoices:  # (else what the payment already gives counts: ``allocate``)
                open_[number] = left - wanted  # and ``day`` is its issue date (later than ``on``: paid in advance)
                allocations.append(new(AllocationStep, (number, wanted, on if on >= day else day, key, "",
                                                        lettrage_reason(letter) if fec else "")))
                settles = before + number + after if plain else self._settles([number])
            else:
                settles = self._settles(self.allocate(items, on, cents, source, client, given, 0, key, ""))
            steps.append(new(PaymentStep, (record, None)))
            created.append(new(PreviewRow, (payment, key, name, source, settles, cents, on)))

    def unletter(self, source: tuple[int, int], allocations: tuple[AllocationRecord, ...], key: str) -> list[str]:
        """Undo what earlier FEC lettrage allocated from ``source`` beyond what the file letters now.

        The file is the books: a code emptied (or moved to another invoice) takes the allocation it made away and
        the invoice is open again; what the file still letters is added back by ``allocate``. Allocations made by
        hand carry no lettrage reason and are never touched.
        """
        wanted: dict[str, int] = {}
        for item in allocations:
            wanted[item.invoice_number] = wanted.get(item.invoice_number, 0) + item.amount_cents
        undone: list[str] = []
        payment_id, note_id = source
        for invoice_id, items in self.dossier.lettered.get(source, {}).items():
            number = self.numbers.get(invoice_id, "")
            given = self.dossier.allocated if payment_id else self.dossier.credit_allocated
            pair = (payment_id or note_id, invoice_id)
            if wanted.get(number, 0) >= given.get(pair, 0):
                continue
            cents = sum(amount for _id, amount in items)
            given[pair] = given.get(pair, 0) - cents
            used = self.dossier.paid_by_payment if payment_id else self.dossier.credit_used
            used[payment_id or note_id] = used.get(payment_id or note_id, 0) - cents
            if number in self.open:
                self.open[number] += cents
            existing = self.dossier.invoices[number]
            self.plan.unlettered.append(Unlettered([allocation_id for allocation_id, _c in items], existing.client_id,
                                                   invoice_id, number, key, cents))
            owner = self.dossier.clients.get(existing.client_id)
            self.plan.updated.append(PreviewRow(RecordType.INVOICE, number, owner.name if owner else "", None, _(
                "lettrage with {source} removed in the new file: {amount} open again").format(
                source=key, amount=format_cents(cents)), existing.amount_incl_cents, existing.issue_date))
            undone.append(number)
        return undone

    def running_total(self, record: PaymentRecord) -> PaymentRecord | None:
        """A "paid to date" amount as the increase since earlier imports (None: nothing new was paid)."""
        recorded = self.dossier.running.get(record.external_key, 0)
        increase = record.amount_cents - recorded
        if increase < 0:
            self.plan.refused.append(PreviewRow(RecordType.PAYMENT, record.external_key, "", record.ref, _(
                "The amount paid went down from {before} to {now}; correct the payments by hand.").format(
                before=format_cents(recorded), now=format_cents(record.amount_cents)), record.amount_cents))
            return None
        if increase == 0:
            self.plan.unchanged += 1
            return None
        if not recorded:
            return record
        allocations = tuple(AllocationRecord(item.invoice_number, min(item.amount_cents, increase))
                            for item in record.allocations)
        return record._replace(amount_cents=increase, external_key=f"{record.external_key}|{record.amount_cents}",
                               allocations=allocations, cumulative=False)

    def payment(self, record: PaymentRecord) -> None:
        if record.cumulative:
            found = self.running_total(record)
            if found is None:
                return
            record = found
        if record.client_key not in self.plan.clients:
            reason = _("No client of the dossier has this e-mail and no invoice has this number: import the clients "
                       "or the invoices first.") if record.client_key.startswith("payer:") \
                else _("No client for this payment.")
            self.plan.refused.append(PreviewRow(RecordType.PAYMENT, record.external_key, "", record.ref, reason,
                                                record.amount_cents))
            return
        client = self.plan.clients[record.client_key]
        existing = self.dossier.payments.get(record.external_key)
        if existing is not None and (existing[1] != client.client_id or existing[2] != record.amount_cents):
            self.plan.refused.append(PreviewRow(RecordType.PAYMENT, record.external_key, "", record.ref,
                                                _("This payment was imported before with another client or amount; "
                                                  "correct it by hand."), record.amount_cents))
            return
        payment_id = existing[0] if existing else None
        undone = self.unletter((payment_id, 0), record.allocations, record.external_key) if payment_id else []
        used = self.dossier.paid_by_payment.get(payment_id, 0) if payment_id else 0
        added = self.allocate(record.allocations, record.received_on, record.amount_cents - used, record.ref,
                              client, self.dossier.allocated, payment_id or 0, payment_key=record.external_key)
        if payment_id is None:
            self.plan.payments.append(PaymentStep(record, None))
            self.plan.created.append(PreviewRow(RecordType.PAYMENT, record.external_key, client.name, record.ref,
                                                self._settles(added), record.amount_cents, record.received_on))
        elif added or undone:
            self.plan.payments.append(PaymentStep(record, payment_id))
            detail = "; ".join(filter(None, (
                _("no longer settles {numbers}").format(numbers=", ".join(undone)) if undone else "",
                _("settles {numbers}").format(numbers=", ".join(added)) if added else "")))
            self.plan.updated.append(PreviewRow(RecordType.PAYMENT, record.external_key, client.name, record.ref,
                                                detail, record.amount_cents, record.received_on))
        else:
            self.plan.unchanged += 1

    def _settles(self, added: list[str]) -> str:
        if not added:
            return ""
        if self.settles_around is None:
            return self.settles.format(numbers=", ".join(added))
        before, after = self.settles_around
        return before + ", ".join(added) + after  # what format gives when {numbers} is the template's only field

    def _planned_numbers(self) -> set[str]:
        """The numbers the plan creates or updates (planned before the settlements), gathered at the first need: a
        scan of every step per credit note would be quadratic."""
        if self.planned_numbers is None:
            self.planned_numbers = {step.record.number for step in self.plan.invoices}
        return self.planned_numbers

    def credit_note(self, record: InvoiceRecord) -> None:
        client = self.plan.clients[record.client_key]
        existing = self.dossier.invoices.get(record.number)
        note_id = existing.id if existing is not None else 0
        if note_id:
            self.unletter((0, note_id), record.allocations, record.number)
        used = self.dossier.credit_used.get(note_id, 0)
        added = self.allocate(record.allocations, record.issue_date, record.amount_incl_cents - used, record.ref,
                              client, self.dossier.credit_allocated, note_id, credit_note_number=record.number)
        if added and existing is not None and record.number not in self._planned_numbers():
            self.plan.updated.append(PreviewRow(RecordType.CREDIT_NOTE, record.number, client.name, record.ref,
                                                _("settles {numbers}").format(numbers=", ".join(added))))

    def allocate(self, allocations: tuple[AllocationRecord, ...], on: date, available: int, ref: SourceRef,
                 client: ClientStep, given: dict[tuple[int, int], int], source_id: int, payment_key: str = "",
                 credit_note_number: str = "") -> list[str]:
        """Add the allocations not yet in the dossier, within what the invoice and the payment still hold.

        ``given[(source_id, invoice id)]``: what the payment or credit note already gives each invoice of the dossier.
        """
        added: list[str] = []
        owner = self.refs[client.record.key]  # the same key as the plan's (see _plan_clients)
        known, open_, placed, fec = self.dossier.invoices, self.open, self.placed, self.fec
        for item in allocations:
            number = item.invoice_number
            existing = known.get(number)
            missing = item.amount_cents - (given.get((source_id, existing.id), 0) if existing is not None else 0)
            if missing <= 0:
                continue
            if number not in open_ or placed.get(number, _NOWHERE)[0] != owner:
                self._refuse_allocation(ref, number, _("invoice {number} is not an open invoice of this client")
                                        .format(number=number))
                continue
            amount = min(missing, open_[number], available)
            if amount <= 0:
                continue
            if amount < missing:
                self.plan.notes.append(_("{ref}: {amount} of the {wanted} lettered to {number} allocated; the rest "
                                         "exceeds what is open.").format(ref=ref, amount=format_cents(amount),
                                                                         wanted=format_cents(missing), number=number))
            open_[number] -= amount
            available -= amount
            self.plan.allocations.append(AllocationStep(number, amount, max(on, placed.get(number, (None, on))[1]),
                                                        payment_key, credit_note_number,
                                                        lettrage_reason(item.letter) if fec else ""))
            added.append(number)
        return added

    def _refuse_allocation(self, ref: SourceRef, number: str, reason: str) -> None:
        self.plan.notes.append(_("{ref}: allocation to {number} left out: {reason}.").format(
            ref=ref, number=number, reason=reason))

"""The settlements an invoice-side import would record: payments and credit notes with the allocations the
file gives (FEC lettrage, CSV "paid" columns), capped at what is open, and lettrage a newer FEC undoes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from app.domain.kinds import InvoiceKind, Source
from app.formatting import format_cents
from app.i18n import _
from app.io.import_records import AllocationRecord, InvoiceRecord, ParsedFile, PaymentRecord, SourceRef
from app.services.import_dto import PreviewRow, RecordType
from app.services.import_plan import (
    AllocationStep,
    ClientStep,
    DossierFacts,
    PaymentStep,
    Plan,
    Unlettered,
    lettrage_reason,
)


class SettlementPlanner:
    """Payments and the allocations the file gives (FEC lettrage, CSV "paid" columns), capped at what is open."""

    def __init__(self, plan: Plan, dossier: DossierFacts) -> None:
        self.plan, self.dossier = plan, dossier
        self.settles = _("settles {numbers}")  # looked up once: 100,000 payments may say it
        # What is open on each invoice number (the dossier's, and those about to be created), and their client.
        self.open: dict[str, int] = {}
        self.owner: dict[str, int | str] = {}
        for number, existing in dossier.invoices.items():
            if existing.kind == InvoiceKind.INVOICE.value:
                self.open[number] = existing.amount_incl_cents - existing.settled_cents
                self.owner[number] = existing.client_id
        for step in plan.invoices:
            record = step.record
            if record.is_credit_note:
                continue
            if step.invoice_id is None:
                self.open[record.number] = record.amount_incl_cents
                self.owner[record.number] = self._client_ref(record.client_key)
            else:
                self.open[record.number] = record.amount_incl_cents - dossier.invoices[record.number].settled_cents
        self.issued: dict[str, date] = {n: e.issue_date for n, e in dossier.invoices.items()}
        self.issued.update({s.record.number: s.record.issue_date for s in plan.invoices})

    def _client_ref(self, client_key: str) -> int | str:
        step = self.plan.clients.get(client_key)
        if step is None:
            return ""
        return step.client_id if step.client_id is not None else f"new:{client_key}"

    def run(self, parsed: ParsedFile) -> None:
        self.numbers = {existing.id: number for number, existing in self.dossier.invoices.items()}
        for payment in parsed.payments:
            self.payment(payment)
        for note in parsed.invoices:
            if note.is_credit_note and note.client_key in self.plan.clients and (
                    note.allocations or note.number in self.dossier.invoices):
                self.credit_note(note)

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
                              client, payment_key=record.external_key,
                              already=lambda invoice_id: self.dossier.allocated.get((payment_id or 0, invoice_id), 0))
        shown = (client.name, record.ref)
        if payment_id is None:
            self.plan.payments.append(PaymentStep(record, None))
            settles = self.settles.format(numbers=", ".join(added)) if added else ""
            self.plan.created.append(PreviewRow(RecordType.PAYMENT, record.external_key, *shown, settles,
                                                record.amount_cents, record.received_on))
        elif added or undone:
            self.plan.payments.append(PaymentStep(record, payment_id))
            detail = "; ".join(filter(None, (
                _("no longer settles {numbers}").format(numbers=", ".join(undone)) if undone else "",
                _("settles {numbers}").format(numbers=", ".join(added)) if added else "")))
            self.plan.updated.append(PreviewRow(RecordType.PAYMENT, record.external_key, *shown, detail,
                                                record.amount_cents, record.received_on))
        else:
            self.plan.unchanged += 1

    def credit_note(self, record: InvoiceRecord) -> None:
        client = self.plan.clients[record.client_key]
        existing = self.dossier.invoices.get(record.number)
        note_id = existing.id if existing is not None else 0
        if note_id:
            self.unletter((0, note_id), record.allocations, record.number)
        used = self.dossier.credit_used.get(note_id, 0)
        added = self.allocate(record.allocations, record.issue_date, record.amount_incl_cents - used, record.ref,
                              client, credit_note_number=record.number,
                              already=lambda invoice_id: self.dossier.credit_allocated.get((note_id, invoice_id), 0))
        if added and existing is not None and not any(s.record.number == record.number for s in self.plan.invoices):
            self.plan.updated.append(PreviewRow(RecordType.CREDIT_NOTE, record.number, client.name, record.ref,
                                                _("settles {numbers}").format(numbers=", ".join(added))))

    def allocate(self, allocations: tuple[AllocationRecord, ...], on: date, available: int, ref: SourceRef,
                 client: ClientStep, *, already: Callable[[int], int], payment_key: str = "",
                 credit_note_number: str = "") -> list[str]:
        """Add the allocations not yet in the dossier, within what the invoice and the payment still hold."""
        added: list[str] = []
        owner: int | str = client.client_id if client.client_id is not None else f"new:{client.record.key}"
        for item in allocations:
            number, wanted = item.invoice_number, item.amount_cents
            existing = self.dossier.invoices.get(number)
            done = already(existing.id) if existing is not None else 0
            missing = wanted - done
            if missing <= 0:
                continue
            if number not in self.open or self.owner.get(number) != owner:
                self._refuse_allocation(ref, number, _("invoice {number} is not an open invoice of this client")
                                        .format(number=number))
                continue
            amount = min(missing, self.open[number], available)
            if amount <= 0:
                continue
            if amount < missing:
                self.plan.notes.append(_("{ref}: {amount} of the {wanted} lettered to {number} allocated; the rest "
                                         "exceeds what is open.").format(ref=ref, amount=format_cents(amount),
                                                                         wanted=format_cents(missing), number=number))
            self.open[number] -= amount
            available -= amount
            reason = lettrage_reason(item.letter) if self.plan.source == Source.FEC else ""
            self.plan.allocations.append(AllocationStep(number, amount, max(on, self.issued.get(number, on)),
                                                        payment_key, credit_note_number, reason))
            added.append(number)
        return added

    def _refuse_allocation(self, ref: SourceRef, number: str, reason: str) -> None:
        self.plan.notes.append(_("{ref}: allocation to {number} left out: {reason}.").format(
            ref=ref, number=number, reason=reason))

"""FEC customer lines → invoices, credit notes and payments, with the allocations their lettrage makes."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, repeat
from operator import itemgetter, le, neg, not_

from app.i18n import _
from app.io.fec_columns import PLACEHOLDER_CASES, CustomerLine, LineColumns, ScanState, tuples
from app.io.import_records import AllocationRecord, InvoiceRecord, PaymentRecord, RowProblem, SourceRef

_BANK_REFERENCE = itemgetter(slice(120))
_POSITIVE, _NEGATIVE = (0).__lt__, (0).__gt__

_Item = tuple[CustomerLine, str, str]  # a line, "invoice"/"credit"/"payment", its record's key


@dataclass(slots=True)
class _Group:
    """The customer lines of one invoice, credit note or payment."""

    kind: str
    lines: list[CustomerLine]


@dataclass
class _Open:
    on: date
    number: str
    cents: int


@dataclass
class _Sides:
    """Each line's side and record key: a debit is an invoice, a credit in an entry with a sales line a credit
    note, both numbered by PieceRef (by journal and entry for a placeholder; ``number/client`` when another client's
    line took the number first); any other credit is a payment, keyed by journal, entry and client."""

    debits: list[bool]
    invoicing: list[bool]  # invoice or credit note
    paying: list[bool]  # payment
    numbers: list[str]  # of the invoicing lines, in order
    payments: list[str]  # keys of the other lines, in order
    unique: bool  # no two invoicing lines with the same number

    def kinds(self) -> list[str]:
        return ["invoice" if debit else "credit" if invoice else "payment" for debit, invoice in zip(
            self.debits, self.invoicing, strict=True)]

    def keys(self) -> list[str]:
        """Every line's record key, in line order."""
        if not self.payments or not self.numbers:
            return self.numbers or self.payments
        next_number, next_payment = iter(self.numbers).__next__, iter(self.payments).__next__
        return [next_number() if invoice else next_payment() for invoice in self.invoicing]


def build(state: ScanState, notes: list[str]) -> tuple[list[InvoiceRecord], list[PaymentRecord]]:
    """The records of the customer lines (lines of zero are left out); problems go to ``state.problems``."""
    lines = state.lines
    if 0 in lines.cents:
        lines = lines.compress(lines.cents)
    sides = _sides(lines, state.sales_entries)
    if state.lumps:
        notes.append(_("{count} customer debit(s) have no invoice reference (opening balance not detailed?); "
                       "they are imported under their journal and entry number.").format(count=state.lumps))
    records = _single_lines(state, lines, sides)
    if records is not None:
        return records
    items = list(zip(lines.lines(state.file), sides.kinds(), sides.keys(), strict=True))
    by_credit, by_payment = _lettrage(items)
    invoices = [_invoice(state, key, group, by_credit.get(key, [])) for key, group in _groups(
        [item for item in items if item[1] != "payment"]).items()]
    payments = [_payment(key, group, by_payment.get(key, [])) for key, group in _groups(
        [item for item in items if item[1] == "payment"]).items()]
    return [record for record in invoices if record is not None], payments


def _sides(lines: LineColumns, sales: dict[str, int]) -> _Sides:
    debits = list(map(_POSITIVE, lines.cents))
    invoicing = debits.copy()
    credits = list(compress(range(len(debits)), map(not_, debits)))
    notes = list(compress(credits, map(sales.__contains__, map(lines.entry_keys.__getitem__, credits))))
    for position in notes:
        invoicing[position] = True
    paying = list(map(not_, invoicing))
    numbers = list(compress(lines.invoice_keys, invoicing))
    if notes:  # the scan keyed credits as payments: credit notes are numbered like invoices
        numbers = [_number(lines, position) if credit else number for position, credit, number in zip(
            compress(range(len(debits)), invoicing), map(not_, compress(debits, invoicing)), numbers, strict=True)]
    unique = len(set(numbers)) == len(numbers)
    if not unique:
        clients = list(compress(lines.clients, invoicing))
        owner_of = dict(zip(reversed(numbers), reversed(clients), strict=True))  # the first line's client wins
        numbers = [number if owner_of[number] == client else f"{number}/{client}"[:60] for number, client in zip(
            numbers, clients, strict=True)]
        unique = len(set(numbers)) == len(numbers)
    return _Sides(debits, invoicing, paying, numbers, list(compress(lines.payment_keys, paying)), unique)


def _number(lines: LineColumns, position: int) -> str:
    piece = lines.pieces[position]
    if piece in PLACEHOLDER_CASES:
        return f"{lines.journals[position]}{lines.entries[position]}"[:60]
    return piece[:60]


def _single_lines(state: ScanState, lines: LineColumns,
                  sides: _Sides) -> tuple[list[InvoiceRecord], list[PaymentRecord]] | None:
    """The usual file, a column at a time: one line per invoice, credit note and payment, and each letter on one
    debit and one credit. None for any other file (the general path then reads it line by line)."""
    if not sides.unique or len(set(sides.payments)) < len(sides.payments):
        return None
    invoicing, paying = sides.invoicing, sides.paying
    owed = _Side(list(compress(lines.numbers, invoicing)), list(compress(lines.clients, invoicing)),
                 list(compress(lines.cents, invoicing)), list(compress(lines.letters, invoicing)),
                 list(compress(lines.letterings, invoicing)), sides.numbers)
    paid = _Side(list(compress(lines.numbers, paying)), list(compress(lines.clients, paying)),
                 list(compress(lines.cents, paying)), list(compress(lines.letters, paying)),
                 list(compress(lines.letterings, paying)), sides.payments)
    if not _paired(owed, paid):
        return None
    return (_invoices(state, owed, compress(lines.piece_dates, invoicing), compress(lines.entry_keys, invoicing)),
            _payments(state, paid, compress(lines.ons, paying), compress(lines.pieces, paying)))


@dataclass
class _Side:
    """The lines of invoices and credit notes, or of payments, a column at a time, with their records' keys."""

    numbers: list[int]
    clients: list[str]
    cents: list[int]
    letters: list[str]
    letterings: list[str]
    keys: list[str]
    settled: list[tuple[AllocationRecord, ...]] = field(default_factory=list)

    def lettered(self) -> tuple[list[int], list[int]]:
        """The positions of the lettered debits and credits."""
        found = list(compress(range(len(self.cents)), self.letterings))
        amounts = list(map(self.cents.__getitem__, found))
        debits = list(compress(found, map(_POSITIVE, amounts)))
        if len(debits) == len(found):
            return debits, []
        return debits, list(compress(found, map(_NEGATIVE, amounts)))

    def letter_keys(self, positions: list[int]) -> list[str]:
        return list(map(self.letterings.__getitem__, positions))

    def settle(self, positions: list[int], debits: list[int], owed: _Side) -> None:
        """Each credit at ``positions`` settles the debit of ``owed`` at the same place in ``debits``, up to the
        smaller amount (both are positive)."""
        settled: list[tuple[AllocationRecord, ...]] = [()] * len(self.cents)
        self.settled = settled
        if not positions:
            return
        shares = map(min, map(owed.cents.__getitem__, debits), map(neg, map(self.cents.__getitem__, positions)))
        made = tuples(AllocationRecord, zip(map(owed.keys.__getitem__, debits), shares,
                                            map(self.letters.__getitem__, positions), strict=True))
        # settled[position] = (allocation,) for each, at C speed (80,000 of them)
        deque(map(settled.__setitem__, positions, zip(made, strict=True)), maxlen=0)


def _paired(owed: _Side, paid: _Side) -> bool:
    """Fill both sides' allocations when every letter of a client is on exactly one debit and one credit (a
    payment or a credit note): the credit settles the debit. False otherwise."""
    debits, notes = owed.lettered()
    payments_debits, payments = paid.lettered()
    debit_at = dict(zip(owed.letter_keys(debits), debits, strict=True))
    credit_keys = paid.letter_keys(payments) + owed.letter_keys(notes)
    if payments_debits or len(debit_at) != len(debits) or len(credit_keys) != len(debits) or len(
            set(credit_keys)) != len(debits):
        return False
    matched = list(map(debit_at.get, credit_keys))
    if None in matched:
        return False
    paid.settle(payments, matched[:len(payments)], owed)  # type: ignore[arg-type]
    owed.settle(notes, matched[len(payments):], owed)  # type: ignore[arg-type]
    return True


def _invoices(state: ScanState, owed: _Side, issued: Iterable[date], entries: Iterable[str]) -> list[InvoiceRecord]:
    """One invoice or credit note per line (its amount the line's, positive: never a problem)."""
    amounts = list(map(abs, owed.cents))
    sales = list(map(abs, map(state.sales_entries.get, entries, repeat(0))))
    excluding: list[int | None] = list(sales)
    if 0 in sales or not all(map(le, sales, amounts)):  # else the usual: every HT known and below its TTC
        excluding = [excl if 0 < excl <= amount else None for excl, amount in zip(sales, amounts, strict=True)]
    # Every field, in order (tuples() skips InvoiceRecord's Python-level __new__: 100,000 calls).
    return tuples(InvoiceRecord, zip(
        tuples(SourceRef, zip(repeat(state.file), owed.numbers)), owed.keys, owed.clients, issued, amounts,
        repeat(None), excluding, repeat("EUR"), map(_NEGATIVE, owed.cents), owed.keys, repeat(None), repeat(""),
        owed.settled, repeat(None), repeat("")))


def _payments(state: ScanState, paid: _Side, received: Iterable[date], pieces: Iterable[str]) -> list[PaymentRecord]:
    """One payment per line; every field, in order, as in _invoices."""
    return tuples(PaymentRecord, zip(
        tuples(SourceRef, zip(repeat(state.file), paid.numbers)), paid.clients, received, map(neg, paid.cents),
        paid.keys, repeat("transfer"), map(_BANK_REFERENCE, pieces), paid.settled, repeat(False), repeat("EUR")))


def _groups(items: list[_Item]) -> dict[str, _Group]:
    """The items of each record key, in the order keys first appear; a group's kind is its first line's."""
    groups: dict[str, _Group] = {}
    for line, kind, key in items:
        found = groups.get(key)
        if found is None:
            groups[key] = _Group(kind, [line])
        else:
            found.lines.append(line)
    return groups


def _invoice(state: ScanState, number: str, group: _Group, allocations: list[AllocationRecord]) -> InvoiceRecord | None:
    lines = group.lines
    first = lines[0]
    total = first.cents if len(lines) == 1 else sum(line.cents for line in lines)
    is_credit = group.kind == "credit"
    amount = -total if is_credit else total
    if amount <= 0:
        state.problems.append(RowProblem(first.ref, "PieceRef", _(
            "Invoice {number}: its lines on the customer account sum to zero or change sign.").format(number=number)))
        return None
    entries = {state.entry_key(line.journal, line.entry) for line in lines}
    excl = sum(abs(state.sales_entries.get(entry, 0)) for entry in entries)
    return InvoiceRecord(first.ref, number, first.client, first.piece_date, amount,
                         amount_excl_cents=excl if 0 < excl <= amount else None, is_credit_note=is_credit,
                         external_key=number, allocations=tuple(_merge(allocations)))


def _payment(key: str, group: _Group, allocations: list[AllocationRecord]) -> PaymentRecord:
    lines = group.lines
    first = lines[0]
    amount = -first.cents if len(lines) == 1 else -sum(line.cents for line in lines)
    return PaymentRecord(first.ref, first.client, first.on, amount, key, bank_reference=first.piece[:120],
                         allocations=tuple(_merge(allocations)))


def _lettrage(items: list[_Item]) -> tuple[dict[str, list[AllocationRecord]], dict[str, list[AllocationRecord]]]:
    """Per (customer, letter): credits settle the debits in date order (FIFO), up to what each holds. Returns the
    allocations of credit notes (by number) and of payments (by key)."""
    result: dict[str, dict[str, list[AllocationRecord]]] = {"credit": {}, "payment": {}}
    groups: dict[tuple[str, str], list[_Item]] = {}
    for item in items:
        if item[0].letter:
            groups.setdefault((item[0].client, item[0].letter), []).append(item)
    unlettered: dict[str, list[tuple[_Open, CustomerLine]]] | None = None
    for members in groups.values():
        if len(members) == 2 and _pair(members, result):
            continue  # the usual case: one invoice, one payment lettered together
        debits = sorted((_Open(line.on, number, line.cents) for line, kind, number in members
                         if kind == "invoice"), key=lambda d: (d.on, d.number))
        for line, kind, key in sorted(members, key=lambda m: (m[0].on, m[2])):
            if kind == "invoice":
                continue
            if not debits and unlettered is None:
                unlettered = _unlettered_debits(items)
            # Some exports letter only the payment side: find its invoice among the client's unlettered ones.
            candidates = debits or _counterpart(line, (unlettered or {}).get(line.client, []))
            _settle(result[kind].setdefault(key, []), -line.cents, candidates, line.letter)
    return result["credit"], result["payment"]


def _pair(members: list[_Item], result: dict[str, dict[str, list[AllocationRecord]]]) -> bool:
    """Settle a lettered pair of one debit and one credit directly; False when the pair is not that."""
    (first, first_kind, first_key), (second, second_kind, second_key) = members
    if first_kind == "invoice" and second_kind != "invoice":
        debit, number, credit, kind, key = first, first_key, second, second_kind, second_key
    elif second_kind == "invoice" and first_kind != "invoice":
        debit, number, credit, kind, key = second, second_key, first, first_kind, first_key
    else:
        return False
    share = min(debit.cents, -credit.cents)
    if share > 0:
        result[kind].setdefault(key, []).append(AllocationRecord(number, share, credit.letter))
    return True


def _settle(into: list[AllocationRecord], amount: int, debits: list[_Open], letter: str) -> None:
    remaining = amount
    for debit in debits:
        share = min(remaining, debit.cents)
        if share <= 0:
            continue
        into.append(AllocationRecord(debit.number, share, letter))
        debit.cents -= share
        remaining -= share
        if remaining == 0:
            break


def _unlettered_debits(items: list[_Item]) -> dict[str, list[tuple[_Open, CustomerLine]]]:
    found: dict[str, list[tuple[_Open, CustomerLine]]] = defaultdict(list)
    for line, kind, number in items:
        if kind == "invoice" and not line.letter:
            found[line.client].append((_Open(line.on, number, line.cents), line))
    return found


def _counterpart(credit: CustomerLine, debits: list[tuple[_Open, CustomerLine]]) -> list[_Open]:
    """The unlettered invoice a lettered credit names in its label, else the only one of exactly its amount."""
    named = [debit for debit, line in debits if debit.cents > 0 and line.piece and line.piece in credit.label]
    if named:
        return named
    same = [debit for debit, _line in debits if debit.cents == -credit.cents]
    return same[:1] if len(same) == 1 else []


def _merge(allocations: list[AllocationRecord]) -> list[AllocationRecord]:
    if len(allocations) < 2:
        return allocations
    totals: dict[str, int] = {}
    letters: dict[str, str] = {}
    for item in allocations:
        totals[item.invoice_number] = totals.get(item.invoice_number, 0) + item.amount_cents
        letters.setdefault(item.invoice_number, item.letter)
    return [AllocationRecord(number, cents, letters[number]) for number, cents in totals.items()]

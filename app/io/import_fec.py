"""FEC (Fichier des Écritures Comptables, LPF A47 A-1) → clients, invoices, credit notes, payments and lettrage.

Only the customer accounts (411…, and 416/413) are read, plus the class-7 lines that give an invoice's
amount excluding tax. A debit on a customer account is an invoice; a credit is a credit note when its
entry holds a sales line (class 7), a payment otherwise. Lines lettered with the same code on the same
customer settle each other: credits go to debits in date order (FIFO), which also covers partial lettrage.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from app.i18n import _
from app.io.import_detect import decode_text
from app.io.import_records import (
    AllocationRecord,
    Cancelled,
    ClientRecord,
    ImportKind,
    ImportRefused,
    InvoiceRecord,
    ParsedFile,
    PaymentRecord,
    Progress,
    RowProblem,
    SourceRef,
    check_cancel,
)

RECEIVABLE_PREFIXES = ("411", "416", "413")
REPORT_EVERY = 50_000
_FILE_NAME = re.compile(r"(\d{9})FEC(\d{8})", re.IGNORECASE)
_REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib",
             "PieceRef", "PieceDate", "EcritureLet")
_PLACEHOLDER_REFS = {"", "-", "/", "0", "NA", "N/A"}
_KEPT_FIRST = frozenset({"4", "7", " "})  # customer accounts (411, 416, 413), sales (class 7), padded numbers
_ZEROES = frozenset({"0", "0,00", "0.00", "0,0", "0.0", "-0,00", "0,00-", ""})
_RECEIVABLE_HEADS = frozenset(RECEIVABLE_PREFIXES)


class _BadValue(ValueError):
    pass


@dataclass(slots=True)
class _Line:
    """One customer-account line, kept for the second pass (classification and lettrage)."""

    ref: SourceRef
    journal: str
    entry: str
    client: str
    piece: str
    on: date
    piece_date: date
    cents: int  # debit − credit
    letter: str
    label: str = ""


@dataclass
class _Columns:
    """Positions of the fields read (looked up once: the loop runs 500,000 times); ``signed``: Montant + Sens."""

    index: dict[str, int]
    signed: bool

    def __post_init__(self) -> None:
        get = self.index.get
        self.width = max(self.index.values()) + 1
        self.journal, self.entry, self.on = get("journalcode", 0), get("ecriturenum", 0), get("ecrituredate", 0)
        self.account, self.account_name = get("comptenum", 0), get("comptelib", 0)
        self.aux, self.aux_name = get("compauxnum", 0), get("compauxlib", 0)
        self.piece, self.piece_date = get("pieceref", 0), get("piecedate", 0)
        self.letter, self.label = get("ecriturelet", 0), get("ecriturelib", self.width)
        self.debit, self.credit = get("debit", 0), get("credit", 0)
        self.amount, self.sense = get("montant", 0), get("sens", 0)
        self.width = max(self.width, self.label + 1)


@dataclass
class _State:
    file: str
    clients: dict[str, ClientRecord] = field(default_factory=dict)
    lines: list[_Line] = field(default_factory=list)
    sales_entries: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))  # HT per entry
    problems: list[RowProblem] = field(default_factory=list)
    dates: dict[str, date] = field(default_factory=dict)


def parse_fec(data: bytes, file: str, *, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ParsedFile:
    """Read a FEC (tab or ``|`` separated, decimal comma or dot); bad lines become problems."""
    text, _encoding = decode_text(data)
    lines = text.splitlines()
    if not lines:
        raise ImportRefused(_("{file} is empty.").format(file=file))
    separator = _separator(lines[0])
    columns = _columns(lines[0], separator, file)
    state = _State(file)
    total = len(lines)
    _scan(state, columns, lines, separator, progress, cancelled)
    match = _FILE_NAME.search(file)
    notes = [_("FEC lines read: {count}; customer lines: {customers}.").format(count=total - 1,
                                                                               customers=len(state.lines))]
    invoices, payments = _Builder(state).build(notes)
    return ParsedFile(ImportKind.FEC, file, tuple(state.clients.values()), tuple(invoices), tuple(payments),
                      problems=tuple(state.problems), notes=tuple(notes),
                      company_siren=match.group(1) if match else "",
                      period=_period(state.lines, match.group(2) if match else ""))


def _scan(state: _State, columns: _Columns, lines: list[str], separator: str, progress: Progress | None,
          cancelled: Cancelled | None) -> None:
    """Every line after the header; most (bank, VAT, purchases) are skipped before any other work."""
    total = len(lines)
    account = columns.account
    for number in range(1, total):
        if number % REPORT_EVERY == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(number, total)
        cells = lines[number].split(separator)
        head = cells[account][:3] if len(cells) > account else ""
        if head in _RECEIVABLE_HEADS:
            if not _read_plain(state, columns, cells, number + 1):
                _read_line(state, columns, cells, number + 1)
        elif head[:1] == "7":
            if not _read_plain_sale(state, columns, cells):
                _read_line(state, columns, cells, number + 1)
        elif head[:1] == " ":
            _read_line(state, columns, cells, number + 1)


def _read_plain_sale(state: _State, columns: _Columns, cells: list[str]) -> bool:
    """A sales line as most files write it (a plain credit): HT = credit − debit, per entry; False otherwise."""
    if len(cells) < columns.width or columns.signed or cells[columns.debit] not in _ZEROES:
        return False
    cents = _plain_cents(cells[columns.credit])
    if cents is None:
        return False
    state.sales_entries[(cells[columns.journal].strip(), cells[columns.entry].strip())] += cents
    return True


def _period(lines: list[_Line], closing: str) -> tuple[date, date] | None:
    """From the first customer line to the closing date of the file name (the fiscal year's end), else the last."""
    if not lines:
        return None
    entered, pieces = [line.on for line in lines], [line.piece_date for line in lines]
    first, last = min(min(entered), min(pieces)), max(max(entered), max(pieces))
    with contextlib.suppress(ValueError):  # without a closing date in the name: the file's own last date
        last = max(last, date(int(closing[:4]), int(closing[4:6]), int(closing[6:])))
    return first, last


def _separator(header: str) -> str:
    for candidate in ("\t", "|", ";"):
        if candidate in header:
            return candidate
    return "\t"


def _columns(header: str, separator: str, file: str) -> _Columns:
    names = [cell.strip().strip('"').lstrip("\ufeff") for cell in header.split(separator)]
    index = {name.casefold(): position for position, name in enumerate(names) if name}
    missing = [name for name in _REQUIRED if name.casefold() not in index]
    signed = "debit" not in index and "montant" in index and "sens" in index
    if not signed and ("debit" not in index or "credit" not in index):
        missing.append("Debit/Credit")
    if missing:
        raise ImportRefused(_("{file}:1: not a FEC header; missing column(s) {names}.").format(
            file=file, names=", ".join(missing)))
    return _Columns(index, signed)


def _read_plain(state: _State, columns: _Columns, cells: list[str], line: int) -> bool:
    """A customer line as most files write it (Debit/Credit, ``1234,56``, AAAAMMJJ dates already seen, unpadded
    codes), read without the checks; False sends the line to ``_read_line``, which says what is wrong with it."""
    if columns.signed or len(cells) < columns.width:
        return False
    debit, credit = cells[columns.debit], cells[columns.credit]
    if credit in _ZEROES:
        cents = _plain_cents(debit)
    elif debit in _ZEROES:
        cents = _plain_cents(credit)
        cents = -cents if cents is not None else None
    else:
        return False
    dates = state.dates
    on = dates.get(cells[columns.on])
    piece_text = cells[columns.piece_date]
    piece_date = dates.get(piece_text) if piece_text else on
    aux = cells[columns.aux]
    if cents is None or on is None or piece_date is None or not aux or aux[0] == " " or aux[-1] == " ":
        return False
    ref = SourceRef(state.file, line)
    if aux not in state.clients:
        state.clients[aux] = ClientRecord(ref, aux, cells[columns.aux_name].strip() or aux, account_code=aux)
    state.lines.append(_Line(ref, cells[columns.journal].strip(), cells[columns.entry].strip(), aux,
                             cells[columns.piece].strip(), on, piece_date, cents, cells[columns.letter].strip(),
                             cells[columns.label].strip()))
    return True


def _read_line(state: _State, columns: _Columns, cells: list[str], line: int) -> None:
    width = columns.width
    if len(cells) < width:
        cells = cells + [""] * (width - len(cells))
    account = cells[columns.account]
    if account[:1] == " ":
        account = account.strip()
    receivable = account.startswith(RECEIVABLE_PREFIXES)
    if not receivable and account[:1] != "7":
        return  # purchases, bank, VAT: nothing Encaisse keeps
    try:
        cents = _amount(columns, cells)
        if not receivable:  # sales are credits on class 7: HT = credit − debit, per entry
            state.sales_entries[(cells[columns.journal].strip(), cells[columns.entry].strip())] -= cents
            return
        on = _date(state, cells[columns.on])
    except _BadValue as exc:
        state.problems.append(RowProblem(SourceRef(state.file, line), exc.args[1], exc.args[0]))
        return
    ref = SourceRef(state.file, line)
    piece_text = cells[columns.piece_date]
    try:
        piece_date = _date(state, piece_text) if piece_text.strip() else on
    except _BadValue as exc:
        state.problems.append(RowProblem(ref, "PieceDate", exc.args[0]))
        return
    aux = cells[columns.aux].strip()
    key = aux or account
    if key not in state.clients:
        name = (cells[columns.aux_name] if aux else cells[columns.account_name]).strip() or key
        state.clients[key] = ClientRecord(ref, key, name, account_code=key)
    state.lines.append(_Line(ref, cells[columns.journal].strip(), cells[columns.entry].strip(), key,
                             cells[columns.piece].strip(), on, piece_date, cents, cells[columns.letter].strip(),
                             cells[columns.label].strip()))


def _amount(columns: _Columns, cells: list[str]) -> int:
    """Debit − credit in cents; Montant + Sens (D/C or +1/-1) when the file has no Debit/Credit columns."""
    if columns.signed:
        value = _cents(cells[columns.amount].strip(), "Montant")
        sense = cells[columns.sense].strip().upper()
        if sense in ("C", "-1"):
            return -value
        if sense in ("D", "+1", "1"):
            return value
        raise _BadValue(_("Sens must be D, C, +1 or -1, not “{value}”.").format(value=sense), "Sens")
    return _cents(cells[columns.debit], "Debit") - _cents(cells[columns.credit], "Credit")


def _plain_cents(value: str) -> int | None:
    """The usual ``1234,56`` (or ``1234.56``) in cents with one int() call; None for anything else."""
    if len(value) > 3 and value[-3] in ",." and value[0] != "-":
        digits = value[:-3] + value[-2:]
        if digits.isascii() and digits.isdigit() and len(digits) <= 15:
            return int(digits)
    return None


def _cents(text: str, name: str) -> int:
    """A FEC number: decimal comma or dot, no grouping, sign first or last; empty is zero."""
    value = text.strip()
    if not value or value in _ZEROES:
        return 0
    if len(value) > 3 and value[-3] in ",." and value[0] != "-":  # the usual 1234,56: one int() call
        digits = value[:-3] + value[-2:]
        if digits.isascii() and digits.isdigit() and len(digits) <= 15:
            return int(digits)
    value = value.replace(" ", "").replace("\xa0", "").replace(",", ".")
    negative = value[0] == "-" or value[-1] == "-"
    value = value.strip("+-")
    whole, _dot, fraction = value.partition(".")
    if not (whole or fraction) or not (whole.isdigit() or not whole) or (fraction and not fraction.isdigit()):
        raise _BadValue(_("“{value}” is not an amount.").format(value=text), name)
    if len(whole) > 13:
        raise _BadValue(_("“{value}” is too large an amount.").format(value=text), name)
    cents = int(whole or "0") * 100 + int((fraction + "00")[:2])
    if len(fraction) > 2 and fraction[2] >= "5":
        cents += 1
    return -cents if negative else cents


def _date(state: _State, text: str) -> date:
    """AAAAMMJJ as the regulation says; dd/mm/yyyy and yyyy-mm-dd tolerated (some exports)."""
    found = state.dates.get(text)
    if found is not None:
        return found
    digits = text.strip().replace("-", "").replace("/", "")
    try:
        if len(digits) != 8 or not digits.isdigit():
            raise ValueError
        if "/" in text:
            value = date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        else:
            value = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise _BadValue(_("“{value}” is not a date (expected YYYYMMDD).").format(value=text), "EcritureDate") from None
    state.dates[text] = value
    return value


@dataclass(slots=True)
class _Group:
    """The customer lines of one invoice, credit note or payment."""

    kind: str
    lines: list[_Line]


@dataclass
class _Open:
    on: date
    number: str
    cents: int


class _Builder:
    """Second pass: group customer lines into invoices, credit notes and payments, then apply the lettrage."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.invoices: dict[str, _Group] = {}
        self.payments: dict[str, _Group] = {}
        self.owner_of_number: dict[str, str] = {}

    def build(self, notes: list[str]) -> tuple[list[InvoiceRecord], list[PaymentRecord]]:
        items: list[tuple[_Line, str, str]] = []  # line, "invoice"/"credit"/"payment", record key
        for line in self.state.lines:
            if line.cents == 0:
                continue
            items.append((line, *self._classify(line)))
        allocations = self._lettrage(items)
        invoices = [self._invoice(key, values, allocations.get(("credit", key), [])) for key, values in
                    self.invoices.items()]
        payments = [self._payment(key, values, allocations.get(("payment", key), [])) for key, values in
                    self.payments.items()]
        lumps = sum(1 for line in self.state.lines if line.piece.upper() in _PLACEHOLDER_REFS and line.cents > 0)
        if lumps:
            notes.append(_("{count} customer debit(s) have no invoice reference (opening balance not detailed?); "
                           "they are imported under their journal and entry number.").format(count=lumps))
        return [record for record in invoices if record is not None], payments

    def _number(self, line: _Line) -> str:
        if line.piece.upper() in _PLACEHOLDER_REFS:
            return f"{line.journal}{line.entry}"[:60]
        return line.piece[:60]

    def _classify(self, line: _Line) -> tuple[str, str]:
        if line.cents > 0 or (line.journal, line.entry) in self.state.sales_entries:
            kind = "invoice" if line.cents > 0 else "credit"
            number = self._number(line)
            owner = self.owner_of_number.setdefault(number, line.client)
            if owner != line.client:
                number = f"{number}/{line.client}"[:60]
            _group(self.invoices, number, kind, line)
            return kind, number
        key = f"{line.journal}-{line.entry}-{line.client}"[:120]
        _group(self.payments, key, "payment", line)
        return "payment", key

    def _lettrage(self, items: list[tuple[_Line, str, str]]) -> dict[tuple[str, str], list[AllocationRecord]]:
        """Per (customer, letter): credits settle the debits in date order (FIFO), up to what each holds."""
        groups: dict[tuple[str, str], list[tuple[_Line, str, str]]] = defaultdict(list)
        for item in items:
            if item[0].letter:
                groups[(item[0].client, item[0].letter)].append(item)
        result: dict[tuple[str, str], list[AllocationRecord]] = defaultdict(list)
        unlettered = _unlettered_debits(items)
        for members in groups.values():
            if len(members) == 2 and _pair(members, result):
                continue  # the usual case: one invoice, one payment lettered together
            debits = sorted((_Open(line.on, number, line.cents) for line, kind, number in members
                             if kind == "invoice"), key=lambda d: (d.on, d.number))
            for line, kind, key in sorted(members, key=lambda m: (m[0].on, m[2])):
                if kind == "invoice":
                    continue
                # Some exports letter only the payment side: find its invoice among the client's unlettered ones.
                candidates = debits or _counterpart(line, unlettered.get(line.client, []))
                _settle(result[(kind, key)], -line.cents, candidates, line.letter)
        return result

    def _invoice(self, number: str, group: _Group, allocations: list[AllocationRecord]) -> InvoiceRecord | None:
        lines = group.lines
        first = lines[0]
        total = first.cents if len(lines) == 1 else sum(line.cents for line in lines)
        is_credit = group.kind == "credit"
        amount = -total if is_credit else total
        if amount <= 0:
            self.state.problems.append(RowProblem(first.ref, "PieceRef", _(
                "Invoice {number}: its lines on the customer account sum to zero or change sign.").format(
                number=number)))
            return None
        entries = {(line.journal, line.entry) for line in lines} if len(lines) > 1 else {(first.journal, first.entry)}
        excl = sum(abs(self.state.sales_entries.get(entry, 0)) for entry in entries)
        return InvoiceRecord(first.ref, number, first.client, first.piece_date, amount,
                             amount_excl_cents=excl if 0 < excl <= amount else None, is_credit_note=is_credit,
                             external_key=number, allocations=tuple(_merge(allocations)))

    def _payment(self, key: str, group: _Group, allocations: list[AllocationRecord]) -> PaymentRecord:
        lines = group.lines
        first = lines[0]
        amount = -first.cents if len(lines) == 1 else -sum(line.cents for line in lines)
        return PaymentRecord(first.ref, first.client, first.on, amount, key, bank_reference=first.piece[:120],
                             allocations=tuple(_merge(allocations)))


def _pair(members: list[tuple[_Line, str, str]], result: dict[tuple[str, str], list[AllocationRecord]]) -> bool:
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
        result[(kind, key)].append(AllocationRecord(number, share, credit.letter))
    return True


def _group(groups: dict[str, _Group], key: str, kind: str, line: _Line) -> None:
    found = groups.get(key)
    if found is None:
        groups[key] = _Group(kind, [line])
    else:
        found.lines.append(line)


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


def _unlettered_debits(items: list[tuple[_Line, str, str]]) -> dict[str, list[tuple[_Open, _Line]]]:
    found: dict[str, list[tuple[_Open, _Line]]] = defaultdict(list)
    for line, kind, number in items:
        if kind == "invoice" and not line.letter:
            found[line.client].append((_Open(line.on, number, line.cents), line))
    return found


def _counterpart(credit: _Line, debits: list[tuple[_Open, _Line]]) -> list[_Open]:
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

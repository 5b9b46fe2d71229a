"""FEC body → customer lines and sales totals: plain lines are read a column at a time, the others line by line."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, filterfalse, repeat
from operator import and_, itemgetter, sub
from typing import Any, NamedTuple, TypeVar

from app.i18n import _
from app.io.import_records import Cancelled, Progress, RowProblem, SourceRef, check_cancel

RECEIVABLE_PREFIXES = ("411", "416", "413")
REPORT_EVERY = 50_000
BLOCK = 1_000
# PieceRef values that name no invoice, in any case (``n/a``): no character but n and a uppercases to N or A, so
# this is ``piece.upper() in {"", "-", "/", "0", "NA", "N/A"}`` without an upper() per line.
PLACEHOLDER_CASES = frozenset({"", "-", "/", "0", "NA", "Na", "nA", "na", "N/A", "N/a", "n/A", "n/a"})
_POSITIVE = (0).__lt__
_NUMBER, _PAYMENT_KEY = itemgetter(slice(60)), itemgetter(slice(120))
_ZEROES = frozenset({"0", "0,00", "0.00", "0,0", "0.0", "-0,00", "0,00-", ""})
# The usual ``1234,56`` (or ``1234.56``), maybe signed: what one int() reads once the separator is gone. Anything
# else (grouping, sign last, 3 decimals, padding) goes to the careful reader, which reads this form to the same cents.
_PLAIN = r"-?[0-9]{1,13}[.,][0-9]{2}"
_PLAIN_AMOUNT = re.compile(_PLAIN)
_PLAIN_AMOUNTS = re.compile(rf"(?:{_PLAIN}\n)*{_PLAIN}")  # a whole column joined by "\n", checked in one call
_T = TypeVar("_T", bound=tuple[Any, ...])


class BadValue(ValueError):
    pass


class CustomerLine(NamedTuple):
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
    label: str
    name: str  # the client's name as this line writes it, unstripped ("" → the client's key)


@dataclass
class Columns:
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
        # Lines are split up to the last field read: the columns after it (DateLet, ValidDate, devise) stay joined.
        self.used = 1 + max(self.journal, self.entry, self.on, self.account, self.account_name, self.aux,
                            self.aux_name, self.piece, self.piece_date, self.letter, self.label, self.debit,
                            self.credit, self.amount, self.sense)


@dataclass(slots=True)
class LineColumns:
    """Customer lines a column at a time: the fast paths read whole columns, not 200,000 objects."""

    numbers: list[int] = field(default_factory=list)  # the line in the file
    journals: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    ons: list[date] = field(default_factory=list)
    piece_dates: list[date] = field(default_factory=list)
    cents: list[int] = field(default_factory=list)  # debit − credit
    letters: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # unstripped: only the general path reads them
    names: list[str] = field(default_factory=list)  # CustomerLine.name
    # Worked out per block, while its strings are in the processor's cache (the records' pass then reads these new,
    # adjacent strings instead of touching 200,000 scattered cells again), see fec_records._Sides: the
    # sales_entries key of the line's entry; its invoice number were it a debit, its payment key were it a credit;
    # and its client and letter joined by the separator (which no cell holds: no two pairs give the same string;
    # "" when not lettered).
    entry_keys: list[str] = field(default_factory=list)
    invoice_keys: list[str] = field(default_factory=list)
    payment_keys: list[str] = field(default_factory=list)
    letterings: list[str] = field(default_factory=list)
    separator: str = "\t"
    firsts: dict[str, int] = field(default_factory=dict)  # the position of each client's first line

    def first_lines(self) -> list[tuple[str, int]]:
        """Each client and the position of its first line, in the order clients first appear."""
        return sorted(self.firsts.items(), key=itemgetter(1))

    def all(self) -> tuple[list[Any], ...]:
        return (self.numbers, self.journals, self.entries, self.clients, self.pieces, self.ons, self.piece_dates,
                self.cents, self.letters, self.labels, self.names, self.entry_keys, self.invoice_keys,
                self.payment_keys, self.letterings)

    def extend(self, columns: Sequence[Sequence[Any]]) -> int:
        """Add a block's lines (the CustomerLine columns but ``ref``, as numbers); returns how many debits have a
        placeholder PieceRef."""
        _numbers, journals, entries, clients, pieces, _ons, _piece_dates, cents, letters, _labels, _names = columns
        join = self.separator.join
        placeholders = list(map(PLACEHOLDER_CASES.__contains__, pieces))
        invoices = list(map(_NUMBER, pieces))
        lumps = 0
        if any(placeholders):
            invoices = [f"{journal}{entry}"[:60] if placeholder else number for journal, entry, number, placeholder in
                        zip(journals, entries, invoices, placeholders, strict=True)]
            lumps = sum(map(and_, placeholders, map(_POSITIVE, cents)))
        derived = (list(map(join, zip(journals, entries, strict=True))), invoices,
                   list(map(_PAYMENT_KEY, map("-".join, zip(journals, entries, clients, strict=True)))),
                   [join((client, letter)) if letter else "" for client, letter in zip(clients, letters, strict=True)])
        start = len(self.numbers)
        for client in filterfalse(self.firsts.__contains__, dict.fromkeys(clients)):  # new clients: few
            self.firsts[client] = start + clients.index(client)
        for mine, more in zip(self.all(), (*columns, *derived), strict=True):
            mine += more
        return lumps

    def compress(self, keep: Iterable[object]) -> LineColumns:
        kept = list(keep)
        found = LineColumns(separator=self.separator)
        for mine, column in zip(found.all(), self.all(), strict=True):
            mine += compress(column, kept)
        return found

    def lines(self, file: str) -> list[CustomerLine]:
        refs = tuples(SourceRef, zip(repeat(file), self.numbers, strict=False))
        columns = self.all()
        return tuples(CustomerLine, zip(refs, *columns[1:9], map(str.strip, self.labels), self.names, strict=True))


@dataclass
class _Accounts:
    """The accounts seen, by what a line on them is: a set lookup per line instead of prefix tests (a FEC uses a
    few hundred accounts over 500,000 lines)."""

    seen: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    sales: set[str] = field(default_factory=set)
    padded: set[str] = field(default_factory=set)

    def learn(self, accounts: list[str]) -> None:
        if self.seen.issuperset(accounts):
            return
        for account in set(accounts).difference(self.seen):
            self.seen.add(account)
            if account.startswith(RECEIVABLE_PREFIXES):
                self.customers.add(account)
            elif account.startswith("7"):
                self.sales.add(account)
            elif account.startswith(" "):
                self.padded.add(account)


@dataclass
class ScanState:
    file: str
    separator: str = "\t"
    accounts: _Accounts = field(default_factory=_Accounts)
    lines: LineColumns = field(init=False)
    lumps: int = 0  # debits with a placeholder PieceRef
    sales_entries: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # HT per entry_key()
    problems: list[RowProblem] = field(default_factory=list)
    dates: dict[str, date] = field(default_factory=dict)
    # One string object per journal and client: the later passes over those columns then touch a few thousand
    # objects, all in the processor's cache, instead of 200,000 scattered ones.
    strings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lines = LineColumns(separator=self.separator)

    def entry_key(self, journal: str, entry: str) -> str:
        return self.separator.join((journal, entry))

    def canonical(self, texts: Sequence[str]) -> list[str]:
        """Each of ``texts`` stripped, always the same object for the same value."""
        strings = self.strings
        found = list(map(strings.get, texts))
        if None in found:
            for text in set(texts).difference(strings):
                stripped = text.strip()
                strings[text] = strings.setdefault(stripped, stripped)
            found = list(map(strings.__getitem__, texts))
        return found  # type: ignore[return-value]


def scan(state: ScanState, columns: Columns, lines: list[str], separator: str, progress: Progress | None,
         cancelled: Cancelled | None) -> None:
    """Every line after the header; progress and cancel every REPORT_EVERY lines."""
    total = len(lines)
    starts = [1, *range(REPORT_EVERY, total, REPORT_EVERY)]
    for start, end in zip(starts, [*starts[1:], total], strict=True):
        if start > 1:
            check_cancel(cancelled)
            if progress is not None:
                progress(start, total)
        # Small blocks: the cells just split are still in the processor's cache when their columns are read.
        for block in range(start, end, BLOCK):
            rows = list(map(str.split, lines[block:min(block + BLOCK, end)], repeat(separator), repeat(columns.used)))
            _scan_block(state, columns, rows, block + 1)


def _scan_block(state: ScanState, columns: Columns, rows: list[list[str]], first: int) -> None:
    """Rows numbered from ``first``; most (bank, VAT, purchases) are dropped on their account alone."""
    account = columns.account
    try:
        accounts = list(map(itemgetter(account), rows))
    except IndexError:  # a short line (a blank one at least): no account, skipped
        accounts = [row[account] if len(row) > account else "" for row in rows]
    kinds = state.accounts
    kinds.learn(accounts)
    numbers = range(first, first + len(rows))
    customer = list(map(kinds.customers.__contains__, accounts))
    sale = list(map(kinds.sales.__contains__, accounts))
    lines, refused = read_plain_customers(state, columns, list(compress(rows, customer)),
                                          list(compress(numbers, customer)))
    refused += read_plain_sales(state, columns, list(compress(rows, sale)), list(compress(numbers, sale)))
    if kinds.padded:  # only read_line strips them
        refused += compress(numbers, map(kinds.padded.__contains__, accounts))
    if refused:
        careful = [read_line(state, columns, rows[number - first], number) for number in sorted(refused)]
        merged = sorted([*zip(*lines, strict=True), *((line.ref.line, *line[1:]) for line in careful if line)])
        # read_line strips the label; LineColumns keeps it as written (stripped again when read: the same)
        lines = list(zip(*merged, strict=True)) or lines
    state.lumps += state.lines.extend(lines)


def tuples(kind: type[_T], values: Iterable[tuple[Any, ...]]) -> list[_T]:
    """``kind._make`` of each of ``values`` without its Python-level call (200,000 NamedTuples per FEC): every
    field must be given, in order."""
    made: list[_T] = list(map(tuple.__new__, repeat(kind), values))
    if made and len(made[0]) != len(kind._fields):  # type: ignore[attr-defined]
        raise TypeError(f"{kind.__name__} has {len(kind._fields)} fields, not {len(made[0])}")  # type: ignore[attr-defined]
    return made


def _split_short(rows: list[list[str]], numbers: list[int], width: int) -> tuple[list[list[str]], list[int], list[int]]:
    """Rows with every field read, their numbers, and the numbers of the short ones (the careful reader pads)."""
    if not rows or min(map(len, rows)) >= width:
        return rows, numbers, []
    keep = [len(row) >= width for row in rows]
    short = [number for number, kept in zip(numbers, keep, strict=True) if not kept]
    return list(compress(rows, keep)), list(compress(numbers, keep)), short


def read_plain_customers(state: ScanState, columns: Columns, rows: list[list[str]],
                         numbers: list[int]) -> tuple[list[Sequence[Any]], list[int]]:
    """Customer lines as most files write them (Debit/Credit in ``1234,56``, dates that parse, a CompAuxNum), a
    column at a time, as LineColumns' columns; and the numbers of the others, for ``read_line`` to say what is
    wrong with them."""
    if columns.signed:
        return [[] for _column in range(11)], numbers
    rows, numbers, refused = _split_short(rows, numbers, columns.used)
    if not rows:
        return [[] for _column in range(11)], refused
    fields = itemgetter(columns.journal, columns.entry, columns.aux, columns.aux_name, columns.piece, columns.on,
                        columns.piece_date, columns.debit, columns.credit, columns.letter, columns.label)
    journals, entries, auxes, names, pieces, entered, piece_texts, debits, credits, letters, labels = zip(
        *map(fields, rows), strict=True)
    # A debit when the credit is zero, else a credit when the debit is zero: read_line's difference, in one column.
    cents = _cents_column([debit if credit in _ZEROES else "-" + credit if debit in _ZEROES else "?"
                           for debit, credit in zip(debits, credits, strict=True)])
    on_days, piece_days = _days(state, entered, piece_texts)
    keys = state.canonical(auxes)
    strip = str.strip
    read: list[Sequence[Any]] = [numbers, state.canonical(journals), list(map(strip, entries)), keys,
                                 list(map(strip, pieces)), on_days, piece_days, cents, list(map(strip, letters)),
                                 labels, names]
    if None in cents or None in on_days or None in piece_days or "" in keys:  # rare: only then a per-line mask
        keep = [cent is not None and on is not None and piece is not None and key != "" for cent, on, piece, key
                in zip(cents, on_days, piece_days, keys, strict=True)]
        refused = sorted(refused + [number for number, kept in zip(numbers, keep, strict=True) if not kept])
        read = [list(compress(column, keep)) for column in read]
    return read, refused


def read_plain_sales(state: ScanState, columns: Columns, rows: list[list[str]], numbers: list[int]) -> list[int]:
    """Sales lines with plain amounts: HT = credit − debit, added per entry; returns the numbers of the others,
    for ``read_line``."""
    if columns.signed:
        return numbers
    rows, numbers, refused = _split_short(rows, numbers, columns.used)
    if not rows:
        return refused
    journals, entries, debits, credits = zip(*map(itemgetter(columns.journal, columns.entry, columns.debit,
                                                             columns.credit), rows), strict=True)
    totals = state.sales_entries
    keys = list(map(state.separator.join, zip(state.canonical(journals), map(str.strip, entries), strict=True)))
    if all(map(_ZEROES.__contains__, debits)):  # sales lines are credits: HT = credit
        received = _cents_column(credits)
        if None not in received and len(set(keys)) == len(keys) and totals.keys().isdisjoint(keys):
            totals.update(zip(keys, received, strict=True))  # type: ignore[arg-type]  # one line per entry: nothing to add up
            return refused
    for key, number, cents in zip(keys, numbers, _differences(debits, credits), strict=True):
        if cents is None:
            refused.append(number)
        else:
            totals[key] -= cents
    return sorted(refused)


def _differences(debits: Sequence[str], credits: Sequence[str]) -> list[int | None]:
    """Debit − credit in cents where both are plain amounts (or zero), else None."""
    owed, paid = _cents_column(debits), _cents_column(credits)
    if None not in owed and None not in paid:
        return list(map(sub, owed, paid))
    return [None if debit is None or credit is None else debit - credit for debit, credit in zip(owed, paid,
                                                                                                strict=True)]


def _cents_column(values: Sequence[str]) -> list[int | None]:
    """Plain amounts in cents, 0 for the zeroes, None for the others; a whole column is checked and read in a few
    calls (one regex over the column joined by newlines, one int() per value)."""
    joined = "\n".join(values)
    if _PLAIN_AMOUNTS.fullmatch(joined):
        return list(map(int, joined.replace(",", "").replace(".", "").split("\n")))
    return [0 if value in _ZEROES else int(value.replace(",", "").replace(".", "")) if _PLAIN_AMOUNT.fullmatch(
        value) else None for value in values]


def _days(state: ScanState, entered: Sequence[str], pieces: Sequence[str]) -> tuple[list[date | None],
                                                                                   list[date | None]]:
    """EcritureDate and PieceDate (empty: the EcritureDate) of each line; each distinct text is parsed once."""
    same = pieces == entered  # the usual: a document dated the day it is entered
    distinct = set(entered) if same else set(pieces)
    for text in filterfalse(state.dates.__contains__, distinct if same else distinct.union(entered)):
        with contextlib.suppress(BadValue):
            parse_date(state, text)
    get = state.dates.get
    on_days = list(map(get, entered))
    if same:
        return on_days, on_days
    if "" not in distinct:
        return on_days, list(map(get, pieces))
    return on_days, [get(piece) if piece else on for piece, on in zip(pieces, on_days, strict=True)]


def read_line(state: ScanState, columns: Columns, cells: list[str], line: int) -> CustomerLine | None:
    """Any line, with every check: a customer line returned, a sales line added to its entry's HT, a bad value
    added to the problems (None then)."""
    width = columns.width
    if len(cells) < width:
        cells = cells + [""] * (width - len(cells))
    account = cells[columns.account]
    if account[:1] == " ":
        account = account.strip()
    receivable = account.startswith(RECEIVABLE_PREFIXES)
    if not receivable and account[:1] != "7":
        return None  # purchases, bank, VAT: nothing Encaisse keeps
    try:
        cents = _amount(columns, cells)
        if not receivable:  # sales are credits on class 7: HT = credit − debit, per entry
            state.sales_entries[state.entry_key(cells[columns.journal].strip(), cells[columns.entry].strip())] -= cents
            return None
        on = parse_date(state, cells[columns.on])
    except BadValue as exc:
        state.problems.append(RowProblem(SourceRef(state.file, line), exc.args[1], exc.args[0]))
        return None
    ref = SourceRef(state.file, line)
    piece_text = cells[columns.piece_date]
    try:
        piece_date = parse_date(state, piece_text) if piece_text.strip() else on
    except BadValue as exc:
        state.problems.append(RowProblem(ref, "PieceDate", exc.args[0]))
        return None
    aux = cells[columns.aux].strip()
    return CustomerLine(ref, cells[columns.journal].strip(), cells[columns.entry].strip(), aux or account,
                        cells[columns.piece].strip(), on, piece_date, cents, cells[columns.letter].strip(),
                        cells[columns.label].strip(), cells[columns.aux_name] if aux else cells[columns.account_name])


def _amount(columns: Columns, cells: list[str]) -> int:
    """Debit − credit in cents; Montant + Sens (D/C or +1/-1) when the file has no Debit/Credit columns."""
    if columns.signed:
        value = _cents(cells[columns.amount].strip(), "Montant")
        sense = cells[columns.sense].strip().upper()
        if sense in ("C", "-1"):
            return -value
        if sense in ("D", "+1", "1"):
            return value
        raise BadValue(_("Sens must be D, C, +1 or -1, not “{value}”.").format(value=sense), "Sens")
    return _cents(cells[columns.debit], "Debit") - _cents(cells[columns.credit], "Credit")


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
        raise BadValue(_("“{value}” is not an amount.").format(value=text), name)
    if len(whole) > 13:
        raise BadValue(_("“{value}” is too large an amount.").format(value=text), name)
    cents = int(whole or "0") * 100 + int((fraction + "00")[:2])
    if len(fraction) > 2 and fraction[2] >= "5":
        cents += 1
    return -cents if negative else cents


def parse_date(state: ScanState, text: str) -> date:
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
        raise BadValue(_("“{value}” is not a date (expected YYYYMMDD).").format(value=text), "EcritureDate") from None
    state.dates[text] = value
    return value

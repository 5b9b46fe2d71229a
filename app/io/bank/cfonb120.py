"""CFONB 120 ("relevé de compte 120 caractères"): records 01/04/05/07, with or without line breaks.

Layout and the signed-last-character amounts follow the CFONB brochure as summarised in legal-fr.md §G.2.
A 05 record completes the 04 operation before it (payer name, remittance text, end-to-end reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.formatting import format_cents
from app.i18n import _
from app.io.bank.records import BankLine, BankProblem, ParsedStatement
from app.io.bank.text import References, decode, squeeze, yymmdd

KIND = "cfonb120"
WIDTH = 120
_POSITIVE = "{ABCDEFGHI"
_NEGATIVE = "}JKLMNOPQR"
# 05 qualifiers whose text a payer writes or a bank copies from the order (legal-fr.md §G.2).
_REMITTANCE = ("LCC", "LC2", "LCS", "LIB")
_PAYER = ("NPY", "NBU")


def signed_amount(field: str, decimals: int) -> int | None:
    """Cents of a 14-character CFONB amount whose last character carries the last digit and the sign."""
    if len(field) != 14 or not field[:13].isdigit():
        return None
    last = field[13]
    if last in _POSITIVE:
        sign, digit = 1, _POSITIVE.index(last)
    elif last in _NEGATIVE:
        sign, digit = -1, _NEGATIVE.index(last)
    else:
        return None
    units = int(field[:13]) * 10 + digit  # in 10^-decimals of the currency
    if decimals <= 2:
        return sign * units * int(10 ** (2 - decimals))
    step = int(10 ** (decimals - 2))
    return None if units % step else sign * (units // step)


def records(text: str) -> list[tuple[int, str]]:
    """(line number, 120-character record): a file without line breaks is cut every 120 characters."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > WIDTH and len(line.rstrip()) > WIDTH:
            found.extend((number, line[start:start + WIDTH].ljust(WIDTH)) for start in range(0, len(line), WIDTH)
                         if line[start:start + WIDTH].strip())
        else:
            found.append((number, line.ljust(WIDTH)))
    return found


@dataclass
class _Operation:
    line: int
    account: str
    currency: str
    booked: date
    value: date | None
    amount: int
    label: str
    reference: str
    details: dict[str, list[str]] = field(default_factory=dict)


def parse(data: bytes, file: str, text: str | None = None) -> ParsedStatement:
    """Every 04 operation of a CFONB 120 file with its 05 complements; each 01…07 block's balances are checked."""
    content = text if text is not None else decode(data, "cp1252")
    reader = _Reader(file)
    found = records(content)
    for number, record in found:
        reader.read(number, record)
    if not found or not any(r[:2] in ("01", "04", "07") for _n, r in found):
        reader.problems.append(BankProblem(file, 1, _(
            "This is not a CFONB 120 statement (no 01/04/05/07 records).")))
    references = References(KIND)
    return ParsedStatement(file, KIND, tuple(_line(o, file, references) for o in reader.operations),
                           tuple(reader.problems), tuple(reader.notes))


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[BankProblem] = []
        self.notes: list[str] = []
        self.operations: list[_Operation] = []
        self.opening: int | None = None  # the 01 balance, then plus every 04 of its block
        self.decimals = 2

    def read(self, number: int, record: str) -> None:
        code = record[:2]
        if code == "04":
            operation = _operation(record, number, self.file, self.problems)
            if operation is not None:
                self.operations.append(operation)
                self.decimals = int(record[19]) if record[19].isdigit() else self.decimals
                self.opening = None if self.opening is None else self.opening + operation.amount
        elif code == "05":
            self.detail(number, record)
        elif code in ("01", "07"):
            self.balance(number, record)
        else:
            self.problems.append(BankProblem(self.file, number, _("Unknown CFONB record code '{code}'.").format(
                code=code), "code"))

    def detail(self, number: int, record: str) -> None:
        if not self.operations or self.operations[-1].account != record[21:32].strip():
            self.problems.append(BankProblem(self.file, number, _(
                "Operation detail (05) without its operation (04)."), "05"))
            return
        qualifier, detail = record[45:48], record[48:118].strip()
        self.operations[-1].details.setdefault(qualifier, []).append(detail)

    def balance(self, number: int, record: str) -> None:
        # Some banks leave the decimals blank on balances (legal-fr.md §G.2): the operations' count then.
        decimals = int(record[19]) if record[19].isdigit() else self.decimals
        amount = signed_amount(record[90:104], decimals)
        if record[:2] == "01":
            self.opening = amount
        elif self.opening is not None and amount is not None and amount != self.opening:
            self.notes.append(_("{file}:{line}: the new balance ({new}) is not the previous balance plus the "
                                "operations ({expected}); some operations may be missing.").format(
                file=self.file, line=number, new=format_cents(amount), expected=format_cents(self.opening)))
        if record[:2] == "07":
            self.opening = None


def _operation(record: str, number: int, file: str, problems: list[BankProblem]) -> _Operation | None:
    decimals = int(record[19]) if record[19].isdigit() else 2
    amount = signed_amount(record[90:104], decimals)
    booked = yymmdd(record[34:40], day_first=True)
    if amount is None or booked is None:
        problems.append(BankProblem(file, number, _("Operation (04) without a readable amount or date."), "04"))
        return None
    return _Operation(line=number, account=record[21:32].strip(), currency=record[16:19].strip() or "EUR",
                      booked=booked, value=yymmdd(record[42:48], day_first=True), amount=amount,
                      label=squeeze(record[48:79]), reference=squeeze(record[104:120]))


def _line(operation: _Operation, file: str, references: References) -> BankLine:
    details = operation.details
    remittance = squeeze(" ".join(part for key in _REMITTANCE for part in details.get(key, ())))
    payer = next((squeeze(details[key][0]) for key in _PAYER if details.get(key)), "")
    end_to_end = squeeze(details["RCN"][0][:35]) if details.get("RCN") else ""
    reference = squeeze(details["REF"][0]) if details.get("REF") else operation.reference
    own = references.of("", operation.account, operation.booked, operation.amount, operation.label, reference,
                        remittance, end_to_end)
    return BankLine(file=file, line=operation.line, account=operation.account, currency=operation.currency,
                    booking_date=operation.booked, value_date=operation.value, amount_cents=operation.amount,
                    bank_reference=own, counterparty=payer, label=operation.label, remittance=remittance,
                    end_to_end_id=end_to_end)

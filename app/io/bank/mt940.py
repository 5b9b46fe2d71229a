"""MT940 (SWIFT customer statement): :20: :25: :28C: :60F: :61: :86: :62F:, in the dialects banks write.

Read tag by tag from the start of a line; SWIFT envelopes ({1:}{2:}{4: … -}), control characters and
fields wrapped at any column (ING, SNS) are tolerated. The :86: text is kept whole as the remittance and
its structured forms give the counterparty: ING/ABN ``/CNTP/iban/bic/name/``, German ``?32``/``?33`` name
and ``?31`` IBAN, PostFinance ``AUFTRAGGEBER:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.formatting import format_cents
from app.i18n import _
from app.io.bank.records import BankLine, BankProblem, ParsedStatement
from app.io.bank.text import References, cents, decode, make_date, squeeze, yymmdd

KIND = "mt940"
_TAG = re.compile(r"^:(\d{2}[A-Z]?):")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_STATEMENT = re.compile(
    r"^(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>R?[DC])(?P<funds>[A-Z])?\s?(?P<amount>\d[\d,.]*)"
    r"(?P<type>[A-Z][A-Z0-9]{3})?(?P<customer>(?:(?!//)[^\n])*)(?://(?P<bank>[^\n]*))?(?:\n(?P<extra>.*))?$",
    re.DOTALL)
_BALANCE = re.compile(r"^(?P<mark>[DC])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>[\d,.]+)")
_GERMAN = re.compile(r"\?(\d{2})")


@dataclass
class _Field:
    tag: str
    line: int
    text: str


def fields(text: str) -> list[_Field]:
    """Tags in file order, each with the line it starts on and its (possibly several-line) content."""
    found: list[_Field] = []
    for number, raw in enumerate(_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n"), 1):
        line = raw.rstrip()
        match = _TAG.match(line)
        if match:
            found.append(_Field(match.group(1), number, line[match.end():]))
        elif found and line not in ("-", "-}", "}") and not line.startswith("{"):
            found[-1].text += "\n" + line
    return found


def parse(data: bytes, file: str) -> ParsedStatement:
    """Every :61: movement of every statement in the file, with its :86: information."""
    reader = _Reader(file)
    found = fields(decode(data, "utf-8"))
    if not any(f.tag == "61" or f.tag.startswith("60") for f in found):
        return ParsedStatement(file, KIND, problems=(BankProblem(file, 1, _(
            "This is not an MT940 statement (no :60F: or :61: field)."), ),))
    for item in found:
        reader.read(item)
    reader.flush()
    return ParsedStatement(file, KIND, tuple(reader.lines), tuple(reader.problems), tuple(reader.notes))


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.account, self.currency = "", ""
        self.pending: tuple[_Field, re.Match[str]] | None = None
        self.running: int | None = None  # the opening balance plus the movements read since
        self.info = ""
        self.lines: list[BankLine] = []
        self.problems: list[BankProblem] = []
        self.notes: list[str] = []
        self.references = References(KIND)

    def read(self, item: _Field) -> None:
        if item.tag == "20":
            self.flush()
            self.account, self.currency = "", ""
        elif item.tag == "25":
            self.account = (item.text.split() or [""])[0]
        elif item.tag[:2] in ("60", "62"):
            self.flush()
            self.balance(item)
        elif item.tag == "61":
            self.flush()
            match = _STATEMENT.match(item.text.strip(" "))
            if match is None:
                self.problems.append(BankProblem(self.file, item.line, _("Unreadable :61: movement."), ":61:"))
            else:
                self.pending = (item, match)
        elif item.tag == "86" and self.pending is not None:
            self.info = item.text

    def balance(self, item: _Field) -> None:
        """Opening (:60F:/:60M:) and closing (:62F:/:62M:) balances: the movements between must add up."""
        match = _BALANCE.match(squeeze(item.text).replace(" ", ""))
        amount = cents(match.group("amount").replace(".", ",")) if match else None
        if match is None or amount is None:
            return
        self.currency = self.currency or match.group("currency")
        signed = amount if match.group("mark") == "C" else -amount
        if item.tag.startswith("60"):
            self.running = signed
        elif self.running is not None and signed != self.running:
            self.notes.append(_("{file}:{line}: the closing balance ({closing}) is not the opening balance plus "
                                "the movements ({expected}); some movements may be missing.").format(
                file=self.file, line=item.line, closing=format_cents(signed, self.currency),
                expected=format_cents(self.running, self.currency)))
        if item.tag.startswith("62"):
            self.running = None

    def flush(self) -> None:
        if self.pending is None:
            return
        item, match = self.pending
        self.pending, info = None, self.info
        self.info = ""
        line = self._line(item, match, info)
        if line is None:
            self.problems.append(BankProblem(self.file, item.line, _(
                "The :61: movement has no readable amount or date."), ":61:"))
        else:
            self.lines.append(line)
            self.running = None if self.running is None else self.running + line.amount_cents

    def _line(self, item: _Field, match: re.Match[str], info: str) -> BankLine | None:
        value = yymmdd(match.group("value"))
        amount = cents(match.group("amount").replace(".", ","))
        if value is None or amount is None:
            return None
        booked = _entry_date(value, match.group("entry")) or value
        mark = match.group("mark")
        sign = 1 if mark in ("C", "RD") else -1  # a reversed debit gives money back
        name, iban, text = _counterparty(info)
        if not name and not iban:  # Rabobank and SNS put the payer's account and name in the :61: itself
            name, iban = _account_and_name(_customer_and_details(match))
        bank_ref = squeeze(match.group("bank") or "")
        customer = squeeze(match.group("customer") or "")
        label = squeeze(" ".join(filter(None, [customer if customer != "NONREF" else "",
                                               squeeze(match.group("extra") or "")])))
        reference = self.references.of("", self.account, booked, sign * amount, bank_ref, customer, info)
        return BankLine(file=self.file, line=item.line, account=self.account, currency=self.currency,
                        booking_date=booked, value_date=value, amount_cents=sign * amount, bank_reference=reference,
                        counterparty=name, counterparty_iban=iban, label=label, remittance=text,
                        end_to_end_id=_tag_value(info, "EREF"), reversal=mark.startswith("R"))


def _customer_and_details(match: re.Match[str]) -> str:
    return squeeze(f"{match.group('customer') or ''} {match.group('extra') or ''}")


_IBAN_AND_NAME = re.compile(r"^([A-Z]{2}\d{2}[A-Z0-9]{10,30}) (.+)$")


def _account_and_name(text: str) -> tuple[str, str]:
    """(name, IBAN) from supplementary details that start with an IBAN, else empty strings."""
    match = _IBAN_AND_NAME.match(text)
    return (squeeze(match.group(2)), match.group(1)) if match else ("", "")


def _entry_date(value: date, entry: str | None) -> date | None:
    """The booking date (MMDD) sits in the value date's year, or the next/previous one across a new year."""
    if not entry:
        return None
    month, day = int(entry[:2]), int(entry[2:])
    year = value.year + (1 if value.month == 12 and month == 1 else -1 if value.month == 1 and month == 12 else 0)
    return make_date(year, month, day)


_SLASH_TAGS = re.compile(r"/(EREF|CNTP|REMI|NAME|ORDP|BENM|ADDR|ISDT|PREF|MARF|CSID|RTRN|TRCD|SUM|BUSP|PURP|"
                         r"ULTC|ULTD|ULTB|IREF|KREF|ORIG|EXCH|CHGS|SVCL|FX)/")


def _slash_tags(info: str) -> dict[str, str]:
    """ING/ABN/Rabobank ``/TAG/value`` pairs of a :86: field, lines joined (they wrap at any column)."""
    pieces = _SLASH_TAGS.split(info.replace("\n", ""))
    found: dict[str, str] = {}
    for index in range(1, len(pieces) - 1, 2):
        found.setdefault(pieces[index], pieces[index + 1].strip("/"))
    return found


def _tag_value(info: str, tag: str) -> str:
    return squeeze(_slash_tags(info).get(tag, ""))


def _counterparty(info: str) -> tuple[str, str, str]:
    """(name, IBAN, remittance text) from a :86: field in whichever dialect it is written."""
    flat = info.replace("\n", "")
    tags = _slash_tags(info)
    if tags:
        parts = tags.get("CNTP", "").split("/")
        name = tags.get("NAME") or (parts[2] if len(parts) > 2 else "")
        remit = re.sub(r"^(USTD|STRD)/+(CUR/+)?", "", tags.get("REMI", ""))
        return squeeze(name), parts[0] if parts[0] else "", squeeze(remit.strip("/")) or squeeze(info)
    if _GERMAN.search(flat):
        german = dict(_german_parts(flat))
        name = squeeze(german.get("32", "") + german.get("33", ""))
        text = squeeze("".join(german.get(str(code), "") for code in range(20, 30)))
        return name, german.get("31", ""), re.sub(r"^(EREF|SVWZ)\+", "", text) or squeeze(info)
    payer = re.search(r"AUFTRAGGEBER:\s*(.*?)(?:\s{2,}|\d{4,}|$)", squeeze(flat))
    return (squeeze(payer.group(1)) if payer else ""), "", squeeze(info)


def _german_parts(flat: str) -> list[tuple[str, str]]:
    pieces = _GERMAN.split(flat)
    return [(pieces[index], pieces[index + 1]) for index in range(1, len(pieces) - 1, 2)]

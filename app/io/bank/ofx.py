"""OFX 1.x (SGML, unclosed leaf tags) and 2.x (XML) / QFX statements, read by one tolerant tag scanner.

No XML parser is involved: tags are scanned with a regular expression, so entities are never expanded and
unclosed SGML leaves read like closed XML ones. Bank and credit-card statements, several accounts per file.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from datetime import date

from app.i18n import _
from app.io.bank.records import BankLine, BankProblem, ParsedStatement
from app.io.bank.text import References, cents, decode, make_date, squeeze

KIND = "ofx"
_TAG = re.compile(r"<(/?)([A-Za-z0-9_.]+)[^>]*>([^<]*)")
_CHARSET = re.compile(r"(?:CHARSET:\s*([\w-]+))|(?:encoding=[\"']([\w-]+)[\"'])", re.IGNORECASE)
_CHARSETS = {"1252": "cp1252", "8859-1": "latin-1", "ISO-8859-1": "latin-1", "USASCII": "ascii", "NONE": ""}
_STATEMENTS = ("STMTRS", "CCSTMTRS")


@dataclass
class _Transaction:
    line: int
    values: dict[str, str] = field(default_factory=dict)


def charset(data: bytes) -> str:
    """The Python codec named by the OFX header (``CHARSET:1252``) or the XML declaration."""
    match = _CHARSET.search(data[:600].decode("ascii", errors="replace"))
    if not match:
        return ""
    name = (match.group(1) or match.group(2) or "").upper()
    return _CHARSETS.get(name, name.lower())


def parse(data: bytes, file: str) -> ParsedStatement:
    """Every STMTTRN of every bank or card statement in the file."""
    text = decode(data, charset(data))
    starts = [index for index, char in enumerate(text) if char == "\n"]
    reader = _Reader(file)
    seen_ofx = False
    for match in _TAG.finditer(text):
        closing, name, value = match.group(1) == "/", match.group(2).upper(), html.unescape(match.group(3)).strip()
        seen_ofx = seen_ofx or name == "OFX"
        reader.tag(closing, name, value, bisect.bisect_left(starts, match.start()) + 1)
    reader.end_transaction()
    if not seen_ofx:
        reader.problems.append(BankProblem(file, 1, _("This is not an OFX file (no <OFX> element).")))
    return ParsedStatement(file, KIND, tuple(reader.lines), tuple(reader.problems))


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.account, self.currency = "", ""
        self.current: _Transaction | None = None
        self.lines: list[BankLine] = []
        self.problems: list[BankProblem] = []
        self.references = References(KIND)

    def tag(self, closing: bool, name: str, value: str, line: int) -> None:
        if name in _STATEMENTS and not closing:
            self.end_transaction()
            self.account, self.currency = "", ""
        elif name == "STMTTRN":
            self.end_transaction()
            if not closing:
                self.current = _Transaction(line)
        elif name == "BANKTRANLIST" and closing:
            self.end_transaction()
        elif not closing and value:
            self.leaf(name, value)

    def leaf(self, name: str, value: str) -> None:
        if self.current is not None:
            self.current.values.setdefault(name, value)
        elif name == "ACCTID":
            self.account = value
        elif name == "CURDEF":
            self.currency = value

    def end_transaction(self) -> None:
        current, self.current = self.current, None
        if current is None:
            return
        values = current.values
        amount = cents(values.get("TRNAMT", "").replace(",", "."))
        posted = ofx_date(values.get("DTPOSTED", ""))
        if amount is None or posted is None:
            self.problems.append(BankProblem(self.file, current.line, _(
                "Transaction without a readable TRNAMT or DTPOSTED."), "STMTTRN"))
            return
        name, memo = squeeze(values.get("NAME", "") or values.get("PAYEE", "")), squeeze(values.get("MEMO", ""))
        fitid = values.get("FITID", "").strip()
        currency = values.get("CURRENCY", "") or self.currency
        self.lines.append(BankLine(
            file=self.file, line=current.line, account=self.account, currency=currency[:3], booking_date=posted,
            value_date=ofx_date(values.get("DTAVAIL", "")), amount_cents=amount,
            bank_reference=self.references.of(fitid, self.account, posted, amount, name, memo),
            counterparty=name, label=squeeze(" ".join(filter(None, [values.get("TRNTYPE", ""),
                                                                    values.get("CHECKNUM", "")]))),
            remittance=memo, end_to_end_id=values.get("REFNUM", "")))


def ofx_date(text: str) -> date | None:
    """``YYYYMMDD[HHMMSS[.XXX]][[±h:TZ]]`` → its day."""
    digits = text.strip()[:8]
    if len(digits) != 8 or not digits.isdigit():
        return None
    return make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))

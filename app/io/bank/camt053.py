"""CAMT.053 (ISO 20022 BankToCustomerStatement, v2 to v13): entries and their transaction details, read safely.

Element names are matched on their local part, so every namespace version reads the same; the v8+ paths
(``Sts/Cd``, ``Dbtr/Pty/Nm``) are read beside the older ones. A batch entry with several TxDtls that each
carry their own amount becomes one line per transaction: each is a different payer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from app.i18n import _
from app.io.bank.records import BankLine, BankProblem, ParsedStatement
from app.io.bank.text import References, cents, squeeze

KIND = "camt053"


class _LineBuilder(TreeBuilder):
    """Keeps the line where each element starts, so that problems can name it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _children(element: Element | None, name: str) -> Iterator[Element]:
    if element is not None:
        yield from (child for child in element if _local(child.tag) == name)


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path)
    return squeeze(found.text or "") if found is not None and found.text else ""


def _first(element: Element | None, *paths: tuple[str, ...]) -> str:
    return next((value for value in (_text(element, *path) for path in paths) if value), "")


def _date(element: Element | None, name: str) -> date | None:
    raw = _first(element, (name, "Dt"), (name, "DtTm"))[:10]
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse(data: bytes, file: str) -> ParsedStatement:
    """Every booked entry of every statement (``Stmt``) in a CAMT.053 file."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except (ParseError, DefusedXmlException, ValueError) as exc:
        return ParsedStatement(file, KIND, problems=(BankProblem(file, getattr(exc, "position", (0,))[0] or 0, _(
            "This is not a readable CAMT.053 file: {reason}").format(reason=exc)),))
    reader = _Reader(file, builder.lines)
    statements = [s for s in root.iter() if _local(s.tag) == "Stmt"]
    if _local(root.tag) != "Document" or not statements:
        reader.problem(root, _("No bank statement (BkToCstmrStmt/Stmt) in this file."))
    for statement in statements:
        reader.statement(statement)
    return ParsedStatement(file, KIND, tuple(reader.lines), tuple(reader.problems))


class _Reader:
    def __init__(self, file: str, where: dict[int, int]) -> None:
        self.file, self.where = file, where
        self.lines: list[BankLine] = []
        self.problems: list[BankProblem] = []
        self.references = References(KIND)

    def problem(self, element: Element, message: str, field: str = "") -> None:
        self.problems.append(BankProblem(self.file, self.where.get(id(element), 0), message, field))

    def statement(self, stmt: Element) -> None:
        account = _first(stmt, ("Acct", "Id", "IBAN"), ("Acct", "Id", "Othr", "Id"))
        currency = _text(stmt, "Acct", "Ccy")
        for entry in _children(stmt, "Ntry"):
            status = _first(entry, ("Sts", "Cd"), ("Sts",))
            if status and status != "BOOK":
                continue  # pending or information-only entries are not money received yet
            self.entry(entry, account, currency)

    def entry(self, entry: Element, account: str, currency: str) -> None:
        amount_element = _child(entry, "Amt")
        amount = cents(amount_element.text or "") if amount_element is not None else None
        booked = _date(entry, "BookgDt") or _date(entry, "ValDt")
        direction = _text(entry, "CdtDbtInd")
        if amount is None or booked is None or direction not in ("CRDT", "DBIT"):
            self.problem(entry, _("Entry without a readable amount, booking date or credit/debit indicator."),
                         "Ntry")
            return
        if amount_element is not None:
            currency = amount_element.get("Ccy", currency)
        details = list(_transactions(entry))
        with_amounts = [d for d in details if cents(_text(d, "Amt") or _text(d, "AmtDtls", "TxAmt", "Amt")) is not None]
        parts: list[Element | None] = list(with_amounts) if 1 < len(details) == len(with_amounts) else [
            details[0] if details else None]
        for index, detail in enumerate(parts):
            own = amount if len(parts) == 1 else (cents(_text(detail, "Amt") or _text(
                detail, "AmtDtls", "TxAmt", "Amt")) or 0)
            self.add(entry, detail, index, account, currency, booked, own, direction)

    def add(self, entry: Element, detail: Element | None, index: int, account: str, currency: str,
            booked: date, amount: int, direction: str) -> None:
        detail_direction = _text(detail, "CdtDbtInd") or direction
        reversal = _text(entry, "RvslInd").lower() in ("true", "1")
        sign = 1 if detail_direction == "CRDT" else -1
        incoming = detail_direction == "CRDT"
        party = "Dbtr" if incoming else "Cdtr"
        name = _first(detail, ("RltdPties", party, "Nm"), ("RltdPties", party, "Pty", "Nm"),
                      ("RltdPties", f"Ultmt{party}", "Nm"), ("RltdPties", f"Ultmt{party}", "Pty", "Nm"))
        iban = _first(detail, ("RltdPties", f"{party}Acct", "Id", "IBAN"))
        remittance = " ".join(filter(None, [
            *(squeeze(u.text or "") for u in _children(_child(detail, "RmtInf"), "Ustrd")),
            *(_text(s, "CdtrRefInf", "Ref") for s in _children(_child(detail, "RmtInf"), "Strd")),
            *(_text(s, "RfrdDocInf", "Nb") for s in _children(_child(detail, "RmtInf"), "Strd")),
        ]))
        end_to_end = _text(detail, "Refs", "EndToEndId")
        end_to_end = "" if end_to_end.upper() == "NOTPROVIDED" else end_to_end
        own_id = _text(detail, "Refs", "AcctSvcrRef") or _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
        if own_id and index and own_id == (_text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")):
            own_id = f"{own_id}/{index}"
        label = _first(detail, ("AddtlTxInf",)) or _text(entry, "AddtlNtryInf")
        self.lines.append(BankLine(
            file=self.file, line=self.where.get(id(detail if detail is not None else entry), 0), account=account,
            currency=currency, booking_date=booked, value_date=_date(entry, "ValDt"), amount_cents=sign * amount,
            bank_reference=self.references.of(own_id, account, booked, sign * amount, remittance, end_to_end),
            counterparty=name, counterparty_iban=iban, label=label, remittance=remittance,
            end_to_end_id=end_to_end, reversal=reversal))


def _transactions(entry: Element) -> Iterator[Element]:
    for details in _children(entry, "NtryDtls"):
        yield from _children(details, "TxDtls")

"""One entry point for the four bank formats: which one a file is, and its lines and problems."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.i18n import _
from app.io.bank import camt053, cfonb120, mt940, ofx
from app.io.bank.records import BankProblem, ParsedStatement

PARSERS: dict[str, Callable[[bytes, str], ParsedStatement]] = {
    camt053.KIND: camt053.parse, cfonb120.KIND: cfonb120.parse, ofx.KIND: ofx.parse, mt940.KIND: mt940.parse,
}
_MT940 = re.compile(rb"^:(?:20|25|60[FM]|61):", re.MULTILINE)
_CFONB = re.compile(rb"^(?:01|04|05|07)\d{5}")


def sniff(data: bytes) -> str | None:
    """The bank format of ``data`` from its first bytes, or None."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<?OFX" in upper or upper.startswith(b"<OFX>"):
        return ofx.KIND
    if head.startswith(b"<") and b"BkToCstmrStmt" in head:
        return camt053.KIND
    if _MT940.search(head):
        return mt940.KIND
    if _CFONB.match(head):
        return cfonb120.KIND
    return None


def read_statement(data: bytes, file: str, kind: str | None = None) -> ParsedStatement:
    """Lines and problems of a bank statement; an unknown format is one problem, never an exception."""
    kind = kind or sniff(data)
    parser = PARSERS.get(kind or "")
    if parser is None:
        return ParsedStatement(file, kind or "", problems=(BankProblem(file, 0, _(
            "{file} is not a bank statement this program reads (CAMT.053, CFONB 120, OFX, MT940).").format(
                file=file)),))
    return parser(data, file)

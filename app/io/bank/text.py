"""Helpers every bank parser shares: decoding, decimal amounts to cents, stable line references."""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import Counter
from datetime import date

_AMOUNT = re.compile(r"^([+-]?)(\d{0,15})(?:[.,](\d{0,9}))?$")


def decode(data: bytes, declared: str = "") -> str:
    """Text of ``data``: a BOM wins, then the declared charset, then UTF-8, then cp1252 (French banks)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    for name in (declared, "utf-8"):
        if not name:
            continue
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def cents(text: str) -> int | None:
    """``"1234,5"``, ``"-12.34"``, ``"79,"`` → cents; None when not an amount (or sub-cent digits)."""
    match = _AMOUNT.match(text.strip().replace(" ", ""))
    if match is None or not (match.group(2) or match.group(3)):
        return None
    sign, whole, fraction = match.group(1), match.group(2) or "0", (match.group(3) or "")
    if len(fraction.rstrip("0")) > 2:
        return None
    value = int(whole) * 100 + int((fraction + "00")[:2])
    return -value if sign == "-" else value


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def yymmdd(text: str, *, day_first: bool = False) -> date | None:
    """Six digits as a date (YYMMDD, or DDMMYY with ``day_first``); 19YY above 60 (CFONB practice)."""
    if len(text) != 6 or not text.isdigit():
        return None
    if day_first:
        day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
    else:
        year, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    return make_date(1900 + year if year > 60 else 2000 + year, month, day)


class References:
    """Stable references for lines: the bank's own id when it has one, else a hash of the line's content.

    Identical lines in one file (two equal card payments the same day) get an occurrence number in the hash,
    so each keeps its own reference and re-reading the file gives the same ones.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._seen: Counter[str] = Counter()

    def of(self, own_id: str, account: str, booked: date, amount_cents: int, *content: str) -> str:
        if own_id:
            key = f"{self.kind}:{account}:{own_id}"
            self._seen[key] += 1
            count = self._seen[key]
            key = key if count == 1 else f"{key}#{count}"
            if len(key) <= 120:
                return key
        else:
            key = "|".join((account, booked.isoformat(), str(amount_cents), *content))
            self._seen[key] += 1
            key = f"{key}|{self._seen[key]}"
        return f"{self.kind}:{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}"


def squeeze(text: str) -> str:
    """Runs of whitespace (line breaks of wrapped fields included) become one space."""
    return " ".join(text.split())

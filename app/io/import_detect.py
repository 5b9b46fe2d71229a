"""Which import format a file is, read from its content, and the one text decoder every importer uses."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from app.io.import_records import ImportKind

SNIFF_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"
# Bytes 0x80–0x9F are control characters in ISO-8859-15 but letters and signs (€, œ, ’) in cp1252.
_C1 = re.compile(rb"[\x80-\x9f]")
# The bytes where ISO-8859-15 differs from Latin-1/cp1252; 0xA4 is € there and a rare ¤ in cp1252.
_LATIN9_EURO = b"\xa4"
_XML_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_FEC_HEADER = re.compile(r"^\ufeff?\s*\"?JournalCode\"?\s*[\t|;]", re.IGNORECASE)
_MT940_TAGS = re.compile(r"^:(?:20|25|28C?|60[FM]|61|86|62[FM]):", re.MULTILINE)
_CFONB_RECORD = re.compile(r"^(?:01|04|05|07)\d{5}")


def decode_text(data: bytes) -> tuple[str, str]:
    """``data`` as text and the encoding used: UTF-8 (with or without BOM), else cp1252 or ISO-8859-15.

    Never raises: bytes cp1252 leaves undefined are read as ISO-8859-15 instead (which defines every byte).
    """
    if data.startswith(_BOM):
        return data[len(_BOM):].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not _C1.search(data) and _LATIN9_EURO in data:
        return data.decode("iso-8859-15"), "iso-8859-15"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("iso-8859-15"), "iso-8859-15"


def detect_kind(data: bytes, filename: str = "") -> ImportKind | None:
    """The import format of a file from its first bytes (the extension only breaks ties); None if unknown."""
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head[:1024]:
        return ImportKind.FACTURX
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    text, _encoding = decode_text(head)
    stripped = text.lstrip("\ufeff \t\r\n")
    if _is_ofx(stripped):
        return ImportKind.OFX
    if stripped.startswith("<"):
        return _xml_kind(stripped)
    if _FEC_HEADER.match(stripped):
        return ImportKind.FEC
    if _is_mt940(stripped):
        return ImportKind.MT940
    if _is_cfonb(stripped):
        return ImportKind.CFONB120
    if _looks_tabular(stripped) or filename.lower().endswith((".csv", ".txt", ".tsv")):
        return ImportKind.CSV if stripped else None
    return None


def _zip_kind(data: bytes) -> ImportKind | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    return ImportKind.XLSX if "xl/workbook.xml" in names else None


def _is_ofx(text: str) -> bool:
    start = text[:2048].upper()
    return start.startswith("OFXHEADER") or "<?OFX" in start or (start.startswith("<OFX>"))


def _xml_kind(text: str) -> ImportKind | None:
    """The root element's local name (after the prolog and comments) tells the XML format."""
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text[:SNIFF_BYTES], flags=re.DOTALL)
    match = _XML_ROOT.search(body)
    if match is None:
        return None
    root = match.group(1)
    if root in ("CrossIndustryInvoice", "CrossIndustryDocument"):
        return ImportKind.CII
    if root in ("Invoice", "CreditNote") and "oasis" in body[:4096]:
        return ImportKind.UBL
    if root == "Document" and ("camt.053" in body[:4096] or "BkToCstmrStmt" in body[:4096]):
        return ImportKind.CAMT053
    if root == "OFX":
        return ImportKind.OFX
    return None


def _is_mt940(text: str) -> bool:
    start = text[:8192]
    return start.startswith("{1:") or len(_MT940_TAGS.findall(start)) >= 3


def _is_cfonb(text: str) -> bool:
    lines = [line.rstrip("\r") for line in text[:8192].split("\n") if line.strip()][:20]
    if not lines:
        return False
    return all(_CFONB_RECORD.match(line) and len(line.rstrip()) <= 120 for line in lines) and any(
        len(line) >= 100 for line in lines)


def _looks_tabular(text: str) -> bool:
    first = text.split("\n", 1)[0]
    return any(separator in first for separator in (";", ",", "\t", "|"))

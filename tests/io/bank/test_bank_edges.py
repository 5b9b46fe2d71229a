"""Bank format details the samples do not show: CAMT v8+ paths, OFX decimal commas and several accounts,
MT940 booking dates across a new year, CFONB signs and decimals."""

from __future__ import annotations

from datetime import date

from app.io.bank import camt053, cfonb120, mt940, ofx
from app.io.bank.text import cents

CAMT_V8 = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">1200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-11-20</Dt></BookgDt><ValDt><Dt>2026-11-21</Dt></ValDt><AcctSvcrRef>BANKREF-1</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
<RltdPties><Dbtr><Pty><Nm>Alpha SARL</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id>
</DbtrAcct></RltdPties><RmtInf><Ustrd>FACTURE FA-2026-0012</Ustrd><Ustrd>ET FA-2026-0013</Ustrd></RmtInf>
</TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
<BookgDt><Dt>2026-11-21</Dt></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


def test_camt_v8_party_and_status_paths() -> None:
    (line,) = camt053.parse(CAMT_V8, "v8.xml").lines  # the pending entry is not money received yet
    assert (line.amount_cents, line.counterparty, line.counterparty_iban) == (
        120_000, "Alpha SARL", "FR1420041010050500013M02606")
    assert line.remittance == "FACTURE FA-2026-0012 ET FA-2026-0013" and line.end_to_end_id == ""
    assert line.bank_reference == "camt053:FR7630006000011234567890189:BANKREF-1"
    assert (line.booking_date, line.value_date, line.line) == (date(2026, 11, 20), date(2026, 11, 21), 6)  # its TxDtls


OFX_TWO_ACCOUNTS = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
CHARSET:1252

<OFX><BANKMSGSRSV1>
<STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30006<ACCTID>111<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261120<TRNAMT>1234,56<FITID>A1<NAME>Bêta SAS<MEMO>FA 12
</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS>
<STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30006<ACCTID>222<ACCTTYPE>SAVINGS</BANKACCTFROM>
<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261121120000.000[+1:CET]<TRNAMT>-10.00<FITID>A1
</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS>
</BANKMSGSRSV1></OFX>"""


def test_ofx_decimal_comma_several_accounts_and_cp1252() -> None:
    first, second = ofx.parse(OFX_TWO_ACCOUNTS.encode("cp1252"), "two.ofx").lines
    assert (first.account, first.amount_cents, first.counterparty, first.remittance) == ("111", 123_456, "Bêta SAS",
                                                                                          "FA 12")
    assert (second.account, second.amount_cents, second.booking_date) == ("222", -1000, date(2026, 11, 21))
    assert first.bank_reference != second.bank_reference  # the same FITID in two accounts


MT940_NEW_YEAR = b""":20:STMT
:25:NL91ABNA0417164300
:28C:1/1
:60F:C251231EUR100,00
:61:2512310102C50,00NTRFNONREF//B1
:86:/EREF/E2E-1//NAME/Gamma Industries/REMI/USTD//G-2026-1/
:62F:C260102EUR150,00
-"""


def test_mt940_booking_date_in_the_next_year() -> None:
    parsed = mt940.parse(MT940_NEW_YEAR, "ny.sta")
    (line,) = parsed.lines
    assert (line.value_date, line.booking_date) == (date(2025, 12, 31), date(2026, 1, 2))
    assert (line.counterparty, line.remittance, line.end_to_end_id) == ("Gamma Industries", "G-2026-1", "E2E-1")
    assert not parsed.notes and not parsed.problems


def test_cfonb_amount_encoding() -> None:
    assert cfonb120.signed_amount("0000000020000}", 2) == -200_000
    assert cfonb120.signed_amount("0000000012345E", 2) == 123_455
    assert cfonb120.signed_amount("0000000012345E", 3) is None  # sub-cent amounts are refused, not rounded
    assert cfonb120.signed_amount("0000000012340{", 3) == 12_340
    assert cfonb120.signed_amount("00000000123X5E", 2) is None


def test_decimal_amounts() -> None:
    assert [cents(t) for t in ("79,7", "0,", "-12.34", "1 234,56", "abc", "1,234")] == [
        7970, 0, -1234, 123_456, None, None]

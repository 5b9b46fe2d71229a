"""Every bank statement sample reads without problems, with counts, amounts and dates checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from app.io.bank.reader import read_statement, sniff
from app.io.bank.records import ParsedStatement
from tests.conftest import SAMPLES

# file → (kind, lines, credits, problems): counted by reading each file.
EXPECTED = {
    "camt053/OCA_sftp_camt053.xml": ("camt053", 1, 0, 0),
    "camt053/OCA_test-camt053-txdtls.xml": ("camt053", 2, 2, 0),  # one batch entry, two payers
    "camt053/OCA_test-camt053.xml": ("camt053", 4, 1, 0),
    "camt053/genkgo_camt053.v2.all-balance-types.xml": ("camt053", 1, 1, 0),
    "camt053/genkgo_camt053.v2.minimal.ultimate.xml": ("camt053", 1, 1, 0),
    "camt053/genkgo_camt053.v2.minimal.xml": ("camt053", 1, 1, 0),
    "camt053/genkgo_camt053.v2.multi.statement.xml": ("camt053", 2, 1, 0),
    "camt053/genkgo_camt053.v2.with-account-name.xml": ("camt053", 1, 1, 0),
    "camt053/genkgo_camt053.v2.with-party-ids.xml": ("camt053", 1, 1, 0),
    "camt053/genkgo_camt053.v3.xml": ("camt053", 1, 1, 0),
    "camt053/genkgo_camt053.v4.xml": ("camt053", 1, 1, 0),
    "cfonb/akretion_bank_statement.cfo": ("cfonb120", 4, 1, 0),
    "cfonb/pennylane_example.txt": ("cfonb120", 6, 1, 0),
    "cfonb/pennylane_operation.txt": ("cfonb120", 1, 0, 0),
    "cfonb/pennylane_operation_already_defined.txt": ("cfonb120", 2, 0, 0),
    "cfonb/pennylane_operation_detail_without_operation.txt": ("cfonb120", 1, 0, 1),
    "cfonb/silarhi_complex-test.txt": ("cfonb120", 5, 0, 0),
    "cfonb/silarhi_simple-test.txt": ("cfonb120", 0, 0, 0),
    "ofx/OCA_test_ofx.ofx": ("ofx", 4, 0, 0),
    "ofx/OCA_test_ofx_iban.ofx": ("ofx", 4, 0, 0),
    "ofx/actual_8859-1.qfx": ("ofx", 1, 0, 0),
    "ofx/ofxparse_anzcc.ofx": ("ofx", 1, 0, 0),
    "ofx/ofxparse_bank_medium.ofx": ("ofx", 3, 0, 0),
    "ofx/ofxparse_checking.ofx": ("ofx", 3, 1, 0),
    "ofx/ofxparse_multiple_accounts.ofx": ("ofx", 0, 0, 0),
    "ofx/ofxparse_suncorp.ofx": ("ofx", 1, 0, 0),
    "ofx/ofxtools_stmtrs.ofx": ("ofx", 2, 0, 0),
    "mt940/OCA_test-ing.940": ("mt940", 8, 4, 0),
    "mt940/OCA_test-rabo.swi": ("mt940", 2, 1, 0),
    "mt940/OCA_test-sns.940": ("mt940", 8, 0, 0),  # its one "credit" is 0,00
    "mt940/betterplace_sepa_snippet.sta": ("mt940", 11, 8, 0),
    "mt940/cmxl_mt940.sta": ("mt940", 16, 7, 0),
    "mt940/jejik_abnamro.sta": ("mt940", 10, 0, 0),
    "mt940/jejik_ing.sta": ("mt940", 7, 2, 0),
    "mt940/jejik_postfinance.sta": ("mt940", 4, 3, 0),
    "mt940/jejik_triodos.sta": ("mt940", 2, 0, 0),
    "mt940/mBank_mt940.sta": ("mt940", 3, 3, 0),
}


def read(name: str) -> ParsedStatement:
    path = SAMPLES / name
    return read_statement(path.read_bytes(), path.name)


def test_every_bank_sample_is_listed() -> None:
    on_disk = {f"{p.parent.name}/{p.name}" for folder in ("camt053", "cfonb", "ofx", "mt940")
               for p in (SAMPLES / folder).iterdir()}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_reads(name: str) -> None:
    kind, count, credits, problems = EXPECTED[name]
    assert sniff((SAMPLES / name).read_bytes()) == kind
    parsed = read(name)
    assert (parsed.kind, len(parsed.lines), sum(line.amount_cents > 0 for line in parsed.lines),
            len(parsed.problems)) == (kind, count, credits, problems)
    references = [line.bank_reference for line in parsed.lines]
    assert len(set(references)) == len(references)
    assert all(0 < len(ref) <= 120 for ref in references)
    assert read(name) == parsed  # same file, same references: re-imports are recognised


def test_camt053_entries_and_batch() -> None:
    first, *batch, credit = read("camt053/OCA_test-camt053.xml").lines
    assert (first.booking_date, first.amount_cents, first.currency) == (date(2014, 1, 5), -75425, "EUR")
    assert first.end_to_end_id == "435005714488-ABNO33052620"
    assert first.remittance.startswith("Insurance policy 857239")
    assert first.counterparty == "INSURANCE COMPANY TESTX"
    assert [line.amount_cents for line in batch] == [-56405, -10000]  # TxDtls of one 664,05 entry
    assert all(line.reversal for line in batch)
    assert (credit.amount_cents, credit.counterparty) == (140531, "3rd party Media")


def test_camt053_v2_minimal() -> None:
    (line,) = read("camt053/genkgo_camt053.v2.minimal.xml").lines
    assert (line.amount_cents, line.booking_date, line.value_date) == (885, date(2014, 12, 31), date(2015, 1, 2))
    assert (line.remittance, line.counterparty_iban) == ("4654654654654654", "NL56AGDH9619008421")


def test_camt053_batch_of_two_payers() -> None:
    lines = read("camt053/OCA_test-camt053-txdtls.xml").lines
    assert [line.amount_cents for line in lines] == [218700, 129600]  # 3 483,00 CHF in two transfers
    assert {line.currency for line in lines} == {"CHF"}


def test_cfonb_signed_amounts_and_details() -> None:
    lines = read("cfonb/akretion_bank_statement.cfo").lines
    assert [line.amount_cents for line in lines] == [-200000, -100000, 400000, -300000]
    assert lines[0].booking_date == date(2011, 8, 21) and lines[0].value_date == date(2011, 9, 23)
    (operation,) = read("cfonb/pennylane_operation.txt").lines
    assert (operation.amount_cents, operation.counterparty, operation.remittance, operation.end_to_end_id) == (
        -3221, "INTERNET SFR", "MENSUEAUHTR13133", "OTHER REFERENCE")


def test_cfonb_without_line_breaks() -> None:
    path = SAMPLES / "cfonb/silarhi_complex-test.txt"
    unwrapped = path.read_bytes().replace(b"\r", b"").replace(b"\n", b"")
    lines = read_statement(unwrapped, path.name).lines
    expected = read("cfonb/silarhi_complex-test.txt").lines
    assert [(line.amount_cents, line.booking_date, line.remittance) for line in lines] == [
        (line.amount_cents, line.booking_date, line.remittance) for line in expected]


def test_cfonb_balances_are_checked() -> None:
    assert not read("cfonb/silarhi_complex-test.txt").notes  # 16 695,65 − 22,79 = 16 672,86, and so on
    (note,) = read("cfonb/akretion_bank_statement.cfo").notes  # an anonymised fixture: it does not add up
    assert note.startswith("akretion_bank_statement.cfo:6 ") and "11\u202f871,14" in note


def test_mt940_balances_are_checked() -> None:
    assert not read("mt940/OCA_test-ing.940").notes and not read("mt940/cmxl_mt940.sta").notes
    (note,) = read("mt940/jejik_triodos.sta").notes  # 4 975,09 − 15,70 − 700,00 is not 4 370,79
    assert note.startswith("jejik_triodos.sta:12 ") and "4\u202f259,39" in note


def test_ofx_sgml_and_charset() -> None:
    lines = read("ofx/ofxparse_checking.ofx").lines
    assert [(line.booking_date, line.amount_cents) for line in lines] == [
        (date(2011, 3, 31), 1), (date(2011, 4, 5), -3451), (date(2011, 4, 7), -2500)]
    assert lines[0].bank_reference == "ofx:1452687~7:0000486"
    (card,) = read("ofx/actual_8859-1.qfx").lines
    assert card.counterparty == "Paiement facture/Carte prépayée" and card.currency == "CAD"


def test_mt940_ing_balances() -> None:
    lines = read("mt940/OCA_test-ing.940").lines
    assert 66223 + sum(line.amount_cents for line in lines) == 56435  # :60F: + movements = :62F:
    assert (lines[2].counterparty, lines[2].remittance) == ("J.Janssen", "Factuurnr 123456 Klantnr 00123")
    assert lines[0].end_to_end_id == "EV12341REP1231456T1234"


def test_mt940_sns_payer_in_the_movement() -> None:
    first = read("mt940/OCA_test-sns.940").lines[0]
    assert (first.amount_cents, first.counterparty, first.counterparty_iban) == (
        -71313, "gerrits glas en schilderwerk", "NL49RABO0166416932")
    assert "Factuur 17227/248/20" in first.remittance


def test_mt940_german_and_postfinance() -> None:
    first = read("mt940/betterplace_sepa_snippet.sta").lines[0]
    assert (first.amount_cents, first.counterparty, first.counterparty_iban) == (
        5099005, "KARL KAUFMANN", "DE14508800500194785000")
    assert (first.booking_date, first.value_date) == (date(2007, 9, 4), date(2007, 9, 7))
    assert read("mt940/jejik_postfinance.sta").lines[0].amount_cents == 7970


def test_unknown_file_is_a_problem() -> None:
    parsed = read_statement(b"hello", "x.txt")
    assert not parsed.lines and "x.txt" in parsed.problems[0].message


def test_hostile_xml_is_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<Document><BkToCstmrStmt><Stmt>&b;</Stmt></BkToCstmrStmt></Document>")
    parsed = read_statement(bomb, "bomb.xml", "camt053")
    assert not parsed.lines and parsed.problems


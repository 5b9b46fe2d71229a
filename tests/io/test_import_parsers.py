"""Import parsers on the real samples and on hand-made French files: detection, encodings, FEC, e-invoices, tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.io.import_detect import decode_text, detect_kind
from app.io.import_einvoice import parse_einvoice
from app.io.import_fec import parse_fec
from app.io.import_records import ImportKind, ImportRefused, SellerRecord
from app.io.import_tabular import guess_mapping, parse_cents, parse_day, parse_tabular, read_table
from tests.conftest import SAMPLES

FOLDER_KINDS = {"camt053": ImportKind.CAMT053, "cfonb": ImportKind.CFONB120, "cii": ImportKind.CII,
                "csv": ImportKind.CSV, "facturx": ImportKind.FACTURX, "fec": ImportKind.FEC, "mt940": ImportKind.MT940,
                "ofx": ImportKind.OFX, "ubl": ImportKind.UBL, "xlsx": ImportKind.XLSX}


@pytest.mark.parametrize("folder", sorted(FOLDER_KINDS))
def test_every_sample_is_detected_from_its_content(folder: str) -> None:
    for path in sorted((SAMPLES / folder).iterdir()):
        assert detect_kind(path.read_bytes(), "no-extension") is FOLDER_KINDS[folder], path.name


@pytest.mark.parametrize(("data", "text", "encoding"), [
    ("Créance 1 234,56 €".encode(), "Créance 1 234,56 €", "utf-8"),
    (b"\xef\xbb\xbf" + "Échéance".encode(), "Échéance", "utf-8-sig"),
    ("Créance 12 € œuvre".encode("cp1252"), "Créance 12 € œuvre", "cp1252"),
    ("Créance 12 € œuvre".encode("iso-8859-15"), "Créance 12 € œuvre", "iso-8859-15"),
    ("Société Générale".encode("latin-1"), "Société Générale", "cp1252"),
])
def test_decode_text_reads_the_four_encodings(data: bytes, text: str, encoding: str) -> None:
    assert decode_text(data) == (text, encoding)


def test_decode_text_never_raises_on_bytes_cp1252_leaves_undefined() -> None:
    text, encoding = decode_text(b"\x81\x8d\x8f\x90\x9d")
    assert encoding == "iso-8859-15" and len(text) == 5


def test_fec_sample_with_lettrage() -> None:
    path = SAMPLES / "fec" / "adh-studio_123456782FEC20251231.txt"
    parsed = parse_fec(path.read_bytes(), path.name)
    assert parsed.company_siren == "123456782"
    assert [(c.key, c.name) for c in parsed.clients] == [("CLI001", "Client Alpha")]
    (invoice,) = parsed.invoices
    assert (invoice.number, invoice.issue_date, invoice.amount_incl_cents, invoice.amount_excl_cents) == (
        "F2025-001", date(2025, 1, 15), 120000, 100000)
    (payment,) = parsed.payments
    assert payment.amount_cents == 120000 and [(a.invoice_number, a.amount_cents) for a in payment.allocations] == [
        ("F2025-001", 120000)]


def test_fec_pipe_separated_with_montant_sens_and_partial_lettering() -> None:
    header = "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|" \
             "PieceDate|EcritureLib|Montant|Sens|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise"
    rows = ["VE|Ventes|1|20260105|411DUP|Dupont SA|||F1|20260105|Facture F1|1200.00|D|AA|20260301|20260105||",
            "VE|Ventes|1|20260105|706000|Ventes|||F1|20260105|Facture F1|1000.00|C||||",
            "BQ|Banque|2|20260301|411DUP|Dupont SA|||R1|20260301|Acompte|500,00|C|AA|20260301|20260301||"]
    parsed = parse_fec("\n".join([header, *rows]).encode("cp1252"), "export.txt")
    assert [(c.key, c.name) for c in parsed.clients] == [("411DUP", "Dupont SA")]  # no CompAuxNum: the account
    assert parsed.invoices[0].amount_incl_cents == 120000 and parsed.invoices[0].amount_excl_cents == 100000
    assert parsed.payments[0].allocations[0].amount_cents == 50000  # partial: the rest stays open


def test_fec_without_the_mandatory_columns_is_refused_naming_line_1() -> None:
    with pytest.raises(ImportRefused, match=r"x\.txt:1.*CompteNum"):
        parse_fec(b"JournalCode\tEcritureNum\tDebit\tCredit\n", "x.txt")


def test_fec_amounts_sign_last_and_three_decimals_round() -> None:
    header = "\t".join(["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
                        "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
                        "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"])
    line = "\t".join(["VT", "V", "1", "20260101", "411", "Clients", "C1", "Un", "F1", "20260101", "x", "10,005",
                      "0", "", "", "", "", ""])
    refund = "\t".join(["VT", "V", "2", "20260101", "411", "Clients", "C1", "Un", "F2", "20260101", "x", "5,00-",
                        "0", "", "", "", "", ""])
    parsed = parse_fec(f"{header}\n{line}\n{refund}\n".encode(), "s.txt")
    assert parsed.invoices[0].amount_incl_cents == 1001
    assert parsed.payments[0].amount_cents == 500  # a negative debit is a credit


@pytest.mark.parametrize("folder", ["facturx", "cii", "ubl"])
def test_every_einvoice_sample_gives_an_invoice_and_a_buyer(folder: str) -> None:
    for path in sorted((SAMPLES / folder).iterdir()):
        parsed = parse_einvoice(path.read_bytes(), path.name)
        assert parsed.problems == (), path.name
        (invoice,) = parsed.invoices
        (client,) = parsed.clients
        assert invoice.number and invoice.amount_incl_cents > 0 and client.name, path.name
        assert invoice.original == path.read_bytes()


def test_cii_reads_the_french_business_terms() -> None:
    path = SAMPLES / "cii" / "akretion_factur-x-en16931.xml"
    parsed = parse_einvoice(path.read_bytes(), path.name)
    invoice, client = parsed.invoices[0], parsed.clients[0]
    assert (invoice.number, invoice.issue_date, invoice.due_date) == ("F20260023", date(2026, 1, 31),
                                                                      date(2026, 3, 2))
    assert (invoice.amount_incl_cents, invoice.amount_excl_cents, invoice.is_credit_note) == (10490, 10000, False)
    assert (client.siren, client.vat_number, client.email, client.city) == ("987654321", "FR05987654321",
                                                                          "me@buyer.com", "MA VILLE")
    assert any("987654321" in note for note in parsed.notes)  # fails Luhn: warned, not refused


def test_ubl_credit_note_and_zugferd_1() -> None:
    xml = (SAMPLES / "ubl" / "XRG_EN16931_Einfach.ubl.xml").read_bytes().replace(
        b"<cbc:InvoiceTypeCode>380", b"<cbc:InvoiceTypeCode>381")
    assert parse_einvoice(xml, "avoir.xml").invoices[0].is_credit_note
    path = SAMPLES / "facturx" / "intarsys_ZUGFeRD_1p0_COMFORT_Einfach.pdf"
    invoice = parse_einvoice(path.read_bytes(), path.name).invoices[0]
    assert (invoice.number, invoice.due_date, invoice.amount_incl_cents) == ("471102", date(2013, 4, 4), 52987)


XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&x;
</rsm:CrossIndustryInvoice>"""
BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">
&lol3;</Invoice>"""


@pytest.mark.parametrize("data", [XXE, BOMB])
def test_xml_with_entities_is_refused(data: bytes) -> None:
    with pytest.raises(ImportRefused, match=r"evil\.xml"):
        parse_einvoice(data, "evil.xml")


def test_a_pdf_without_an_invoice_inside_is_refused() -> None:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = BytesIO()
    writer.write(buffer)
    with pytest.raises(ImportRefused, match=r"plain\.pdf"):
        parse_einvoice(buffer.getvalue(), "plain.pdf")


@pytest.mark.parametrize(("text", "cents"), [("1 234,56 €", 123456), ("1\u202f234,56", 123456),
                                             ("1\xa0234,5", 123450), ("$1,234.56", 123456), ("(12,00)", -1200),
                                             ("-5", -500), ("1.234,56", 123456), ("EUR 10", 1000)])
def test_amounts_the_french_and_the_english_way(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


def test_dates_day_first_month_first_iso_and_excel_serials() -> None:
    assert parse_day("05/11/2026", "dmy") == date(2026, 11, 5)
    assert parse_day("11/5/2026", "mdy") == date(2026, 11, 5)
    assert parse_day("2026-11-05", "dmy") == date(2026, 11, 5)
    assert parse_day("05.11.26", "dmy") == date(2026, 11, 5)
    assert parse_day("46331", "dmy") == date(2026, 11, 5)


def test_french_excel_csv_is_guessed_and_read(tmp_path: Path) -> None:
    data = ("Export du 23/11/2026;;;;\n"
            "N° facture;Raison sociale;Date d'échéance;Date facture;Montant TTC;Déjà réglé\n"
            "F-1;Café de la Gare;15/12/2026;15/11/2026;1 234,56 €;234,56\n"
            "F-2;Café de la Gare;;16/11/2026;10,00;\n").encode("cp1252")
    table = read_table(data, "ventes.csv")
    assert table.delimiter == ";" and table.encoding == "cp1252" and table.header_line == 2
    mapping = guess_mapping(table)
    assert mapping.target == "invoices" and mapping.columns["due_date"] == "Date d'échéance"
    assert mapping.columns["issue_date"] == "Date facture" and mapping.columns["paid"] == "Déjà réglé"
    parsed = parse_tabular(data, "ventes.csv", ImportKind.CSV)
    first = parsed.invoices[0]
    assert (first.number, first.amount_incl_cents, first.due_date) == ("F-1", 123456, date(2026, 12, 15))
    assert parsed.payments[0].allocations[0].amount_cents == 23456
    assert [c.name for c in parsed.clients] == ["Café de la Gare"]


def test_bad_rows_name_line_and_column() -> None:
    data = b"Invoice number;Client;Date;Amount\nA1;X;31/02/2026;10\nA2;X;01/02/2026;dix\n"
    parsed = parse_tabular(data, "t.csv", ImportKind.CSV)
    assert [(p.ref.line, p.field) for p in parsed.problems] == [(2, "Date"), (3, "Amount")]


@pytest.mark.parametrize("name", sorted(p.name for p in (SAMPLES / "csv").iterdir()))
def test_every_csv_sample_reads_without_problems_but_its_known_ones(name: str) -> None:
    path = SAMPLES / "csv" / name
    parsed = parse_tabular(path.read_bytes(), name, ImportKind.CSV)
    assert parsed.clients
    expected_problems = {"invoiceninja_v4_payments.csv": 2, "wave_invoices.csv": 1}  # refunds; a blank invoice no.
    assert len(parsed.problems) == expected_problems.get(name, 0), parsed.problems


@pytest.mark.parametrize(("folder", "name", "seller"), [
    ("facturx", "OCA_Facture_FR_EN16931.pdf", SellerRecord("Au bon moulin", "999999998", "FR11999999998")),
    ("cii", "akretion_factur-x-minimum.xml", SellerRecord("LE FOURNISSEUR", "123456782", "FR11123456782")),
    ("ubl", "akretion_ubl-21-en16931.xml", SellerRecord("Au bon moulin", "999999998", "FR11999999998")),
    # The German tax number (scheme FC) next to the VAT number is not taken for it.
    ("ubl", "XRG_EN16931_Einfach.ubl.xml", SellerRecord("Lieferant GmbH", "", "DE123456789")),
])
def test_the_seller_of_an_einvoice_is_read(folder: str, name: str, seller: SellerRecord) -> None:
    path = SAMPLES / folder / name
    assert parse_einvoice(path.read_bytes(), name).seller == seller


def test_the_fast_fec_path_reads_every_sample_as_the_checked_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain customer lines skip the checks; a file read with the checks on every line gives the same records."""
    import app.io.import_fec as fec

    for path in sorted((SAMPLES / "fec").iterdir()):
        fast = parse_fec(path.read_bytes(), path.name)
        with monkeypatch.context() as patch:
            patch.setattr(fec, "_read_plain", lambda *_args: False)
            patch.setattr(fec, "_read_plain_sale", lambda *_args: False)
            assert parse_fec(path.read_bytes(), path.name) == fast, path.name

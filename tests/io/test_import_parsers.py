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


def _fec_slow_paths(patch: pytest.MonkeyPatch, *, careful: bool, general: bool) -> None:
    """Send every line through the line-by-line reader (``careful``), every file through the general record
    builder (``general``): the columnar paths must give the same records."""
    import app.io.fec_columns as columns
    import app.io.fec_records as records

    if careful:
        patch.setattr(columns, "read_plain_customers", lambda _state, _columns, _rows, numbers: (
            [[] for _column in range(11)], numbers))
        patch.setattr(columns, "read_plain_sales", lambda _state, _columns, _rows, numbers: numbers)
    if general:
        patch.setattr(records, "_single_lines", lambda *_args: None)


def _odd_fec() -> bytes:
    """Lines of every kind the columnar reader leaves to the careful one, between plain ones, over several blocks."""
    header = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
              "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
              "ValidDate", "Montantdevise", "Idevise"]
    rows = []
    for k in range(1, 1200):  # plain invoices and their payments, lettered, 3 lines in 4
        letter = f"L{k}" if k % 4 else ""
        rows.append(["VT", "Ventes", f"V{k}", "20260105", "411000", "Clients", f"C{k % 7}", f"Client {k % 7}",
                     f"F{k}", "20260105", "Facture", f"{k},50", "0,00", letter, "", "", "", ""])
        rows.append(["VT", "Ventes", f"V{k}", "20260105", "706000", "Ventes", "", "", f"F{k}", "20260105", "x",
                     "0,00", f"{k},00", "", "", "", "", ""])
        rows.append(["BQ", "Banque", f"B{k}", "20260301", "411000", "Clients", f"C{k % 7}", "", f"R{k}", "20260301",
                     f"Virement F{k}", "0,00", f"{k},50", letter, "", "", "", ""])
    odd = [
        ["VT", "V", "X1", "20260105", " 411000", "Clients", "C1", "Un", "P1", "20260105", "x", "50,00", "0,00"],
        ["VT", "V", "X2", "20260105", "411000", "Clients", " C2 ", " Deux ", " P2 ", "20260105", "x", "60,00", "0"],
        ["VT", "V", "X3", "20260105", "411000", "Clients", "C1", "Un", "P3", "20260105", "x", "12a,00", "0,00"],
        ["VT", "V", "X4", "20261340", "411000", "Clients", "C1", "Un", "P4", "20261340", "x", "10,00", "0,00"],
        ["VT", "V", "X5", "20260105", "411000", "Clients", "C1", "Un", "P5"],  # short: no amount, zero
        ["VT", "V", "X6", "20260105", "411000", "Clients", "C1", "Un", "-", "", "x", "30,00", "0,00"],
        ["VT", "V", "X7", "05/01/2026", "411000", "Clients", "", "", "P7", "2026-01-05", "x", "1 234,56", "0,00"],
        ["VT", "V", "X8", "20260105", "411000", "Clients", "C1", "Un", "P8", "20260105", "x", "5,00-", "0,00"],
        ["VT", "V", "X9", "20260105", "706000", "Ventes", "", "", "P9", "20260105", "x", "0,00", "oops"],
        ["VT", "V", "X10", "20260105", "411000", "Clients", "C1", "Un", "AV1", "20260105", "x", "0,00", "40,00", "Q"],
        ["VT", "V", "X10", "20260105", "706000", "Ventes", "", "", "AV1", "20260105", "x", "40,00", "0,00"],
        ["VT", "V", "X11", "20260105", "411000", "Clients", "C1", "Un", "P11", "20260105", "x", "100,00", "0", "Q"],
        ["BQ", "B", "X12", "20260105", "411000", "Clients", "C3", "Trois", "F1", "20260105", "x", "7,00", "0,00"],
        ["BQ", "B", "X13", "20260301", "411000", "Clients", "C1", "Un", "R", "20260301", "x", "0,00", "25,00", "Q"],
    ]
    for position, line in zip(range(400, 3600, 230), odd, strict=False):
        rows.insert(position, line)
    return "\n".join("\t".join(row) for row in [header, *rows]).encode()


@pytest.mark.parametrize(("careful", "general"), [(True, False), (False, True), (True, True)])
def test_the_fast_fec_paths_read_every_file_as_the_checked_paths(monkeypatch: pytest.MonkeyPatch, careful: bool,
                                                                 general: bool) -> None:
    """Plain customer lines are read a column at a time and the usual records built the same way; a file read with
    the checks on every line, or through the general record builder, gives the same records, problems and notes."""
    files = [(path.name, path.read_bytes()) for path in sorted((SAMPLES / "fec").iterdir())]
    files.append(("732829320FEC20261231.txt", _odd_fec()))
    for name, data in files:
        fast = parse_fec(data, name)
        with monkeypatch.context() as patch:
            _fec_slow_paths(patch, careful=careful, general=general)
            assert parse_fec(data, name) == fast, name


def test_fec_odd_lines_among_plain_ones_keep_their_line_numbers_and_records() -> None:
    parsed = parse_fec(_odd_fec(), "732829320FEC20261231.txt")
    assert [(problem.ref.line, problem.field) for problem in parsed.problems] == [
        (862, "Debit"), (1092, "EcritureDate"), (2242, "Credit")]
    by_number = {invoice.number: invoice for invoice in parsed.invoices}
    assert by_number["P1"].client_key == "C1" and by_number["P2"].client_key == "C2"  # padded account, padded aux
    assert by_number["VTX6"].amount_incl_cents == 3000  # placeholder PieceRef: journal and entry
    assert (by_number["P7"].client_key, by_number["P7"].amount_incl_cents) == ("411000", 123456)
    assert by_number["AV1"].is_credit_note and by_number["AV1"].allocations == (("P11", 4000, "Q"),)
    assert by_number["F1/C3"].amount_incl_cents == 700  # F1 is C1's: another client's line gets number/client
    (late,) = [payment for payment in parsed.payments if payment.external_key == "BQ-X13-C1"]
    assert late.allocations == (("P11", 2500, "Q"),)  # partial lettrage over 3 lines: FIFO after the credit note
    paid = {payment.external_key: payment for payment in parsed.payments}
    assert paid["BQ-B1-C1"].allocations == (("F1", 150, "L1"),) and paid["BQ-B4-C4"].allocations == ()
    assert paid["VT-X8-C1"].amount_cents == 500  # a debit written "5,00-" is a credit
    assert parsed.notes[1].startswith("1 ")  # one debit without an invoice reference


def test_fec_progress_and_cancel_every_report_every_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.io.fec_columns as columns
    from app.io.import_records import ImportCancelled

    monkeypatch.setattr(columns, "REPORT_EVERY", 1000)
    data = _odd_fec()
    total = len(data.decode().splitlines())
    seen: list[tuple[int, int]] = []
    parse_fec(data, "f.txt", progress=lambda done, of: seen.append((done, of)))
    assert seen == [(number, total) for number in range(1000, total, 1000)]
    with pytest.raises(ImportCancelled):
        parse_fec(data, "f.txt", cancelled=lambda: True)

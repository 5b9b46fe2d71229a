"""Imports through the services: preview, apply after a backup in one transaction, idempotence, updates, refusals."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.io.import_records import ImportCancelled, ImportKind, ImportRefused
from app.models import Action, Allocation, Client, Invoice, Payment, StoredDocument
from app.services import import_presets, import_write, imports
from app.services.clock import fixed_clock
from app.services.workspace import Workspace, create_workspace
from tests.conftest import COMPANY, SAMPLES, TODAY

FEC_HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
              "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\t"
              "Idevise")


def _dump(ws: Workspace) -> list[str]:
    connection = sqlite3.connect(ws.path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _fec_line(journal: str, entry: str, day: str, account: str, aux: str, name: str, piece: str, debit: str,
              credit: str, letter: str = "") -> str:
    return "\t".join([journal, journal, entry, day, account, "Clients" if account.startswith("411") else "Ventes",
                      aux, name, piece, day, "lib", debit, credit, letter, day if letter else "", day, "", ""])


def _fec(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([FEC_HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _sale(entry: str, aux: str, piece: str, amount: str, letter: str = "", day: str = "20261001") -> list[str]:
    return [_fec_line("VT", entry, day, "411000", aux, f"Client {aux}", piece, amount, "0,00", letter),
            _fec_line("VT", entry, day, "706000", "", "", piece, "0,00", amount)]


def _receipt(entry: str, aux: str, amount: str, letter: str = "", day: str = "20261020") -> list[str]:
    return [_fec_line("BQ", entry, day, "512000", "", "", f"R{entry}", amount, "0,00"),
            _fec_line("BQ", entry, day, "411000", aux, f"Client {aux}", f"R{entry}", "0,00", amount, letter)]


@pytest.fixture
def sample_ws(tmp_path: Path) -> Iterator[Workspace]:
    """A dossier whose company is SIREN 123456782, the SIREN of the adh-studio FEC sample."""
    company = replace(COMPANY, siren="123456782", siret="12345678200010")
    ws = create_workspace(tmp_path / "sample.encaisse", company, clock=fixed_clock(TODAY))
    yield ws
    ws.close()


def test_fec_sample_creates_clients_invoices_and_lettered_payments(sample_ws: Workspace) -> None:
    path = SAMPLES / "fec" / "adh-studio_123456782FEC20251231.txt"
    preview = imports.preview_import(sample_ws, path)
    assert preview.kind is ImportKind.FEC
    assert preview.counts() == {"created": 3, "updated": 0, "matched": 0, "unchanged": 0, "refused": 0}
    assert any("payment terms" in note or "conditions" in note or "délai" in note for note in preview.notes)
    result = imports.apply_import(sample_ws, preview)
    assert result.backup is not None and result.backup.exists()
    with sample_ws.dossier.reading() as session:
        invoice = session.scalars(select(Invoice)).one()
        assert (invoice.number, invoice.amount_incl_cents, invoice.amount_excl_cents) == ("F2025-001", 120000, 100000)
        assert invoice.settled_cents == 120000  # lettered "A" with the bank receipt
        assert session.scalars(select(Client.account_code)).all() == ["CLI001"]
        assert session.scalar(select(Action.summary)).startswith("Import")


def test_reimporting_the_same_file_changes_nothing(sample_ws: Workspace) -> None:
    path = SAMPLES / "fec" / "adams43360_fec_propre.txt"
    imports.apply_import(sample_ws, imports.preview_import(sample_ws, path), backup=False)
    before = _dump(sample_ws)
    again = imports.preview_import(sample_ws, path)
    assert not again.has_changes and again.unchanged == 6
    imports.apply_import(sample_ws, again, backup=False)
    assert _dump(sample_ws) == before


def test_an_updated_export_updates_amounts_and_lettrage_and_tells_the_history(workspace: Workspace,
                                                                               tmp_path: Path) -> None:
    first = _fec(tmp_path, "v1.txt", [*_sale("1", "C1", "F1", "100,00"), *_sale("2", "C1", "F2", "50,00")])
    imports.apply_import(workspace, imports.preview_import(workspace, first), backup=False)
    second = _fec(tmp_path, "v2.txt", [*_sale("1", "C1", "F1", "120,00", "A"), *_sale("2", "C1", "F2", "50,00"),
                                       *_sale("3", "C1", "F3", "30,00"), *_receipt("9", "C1", "120,00", "A")])
    preview = imports.preview_import(workspace, second)
    assert [row.key for row in preview.updated] == ["F1"]
    assert "120,00" in preview.updated[0].detail
    assert {row.key for row in preview.created} == {"F3", "BQ-9-C1"}
    imports.apply_import(workspace, preview, backup=False)
    with workspace.dossier.reading() as session:
        amounts = dict(session.execute(select(Invoice.number, Invoice.amount_incl_cents)).all())
        assert amounts == {"F1": 12000, "F2": 5000, "F3": 3000}
        assert session.scalar(select(Invoice.settled_cents).where(Invoice.number == "F1")) == 12000
        notes = session.scalars(select(Action.summary).order_by(Action.id)).all()
        assert "F1" in notes[-1] and "120" in notes[-1]


def test_lettrage_added_later_allocates_an_existing_payment(workspace: Workspace, tmp_path: Path) -> None:
    first = _fec(tmp_path, "a.txt", [*_sale("1", "C1", "F1", "80,00"), *_receipt("9", "C1", "80,00")])
    imports.apply_import(workspace, imports.preview_import(workspace, first), backup=False)
    second = _fec(tmp_path, "b.txt", [*_sale("1", "C1", "F1", "80,00", "B"), *_receipt("9", "C1", "80,00", "B")])
    preview = imports.preview_import(workspace, second)
    assert [row.key for row in preview.updated] == ["BQ-9-C1"]
    imports.apply_import(workspace, preview, backup=False)
    with workspace.dossier.reading() as session:
        assert session.scalar(select(Allocation.amount_cents)) == 8000
        assert session.scalar(select(Payment.id).where(Payment.external_key == "BQ-9-C1")) is not None


def test_credit_note_lettered_against_its_invoice(workspace: Workspace, tmp_path: Path) -> None:
    note = [_fec_line("VT", "2", "20261005", "411000", "C1", "Client C1", "AV1", "0,00", "30,00", "C"),
            _fec_line("VT", "2", "20261005", "706000", "", "", "AV1", "30,00", "0,00")]
    path = _fec(tmp_path, "credit.txt", [*_sale("1", "C1", "F1", "100,00", "C"), *note])
    imports.apply_import(workspace, imports.preview_import(workspace, path), backup=False)
    with workspace.dossier.reading() as session:
        kinds = dict(session.execute(select(Invoice.number, Invoice.kind)).all())
        assert kinds == {"F1": "invoice", "AV1": "credit_note"}
        assert session.scalar(select(Invoice.settled_cents).where(Invoice.number == "F1")) == 3000


def test_fec_of_another_company_is_refused_whole(workspace: Workspace) -> None:
    path = SAMPLES / "fec" / "adh-studio_123456782FEC20251231.txt"
    preview = imports.preview_import(workspace, path)
    assert "123456782" in preview.fatal and "732829320" in preview.fatal
    assert not preview.has_changes
    before = _dump(workspace)
    with pytest.raises(ImportRefused):
        imports.apply_import(workspace, preview)
    assert _dump(workspace) == before


def test_bad_lines_are_refused_with_file_line_and_field(workspace: Workspace, tmp_path: Path) -> None:
    bad = _fec_line("VT", "5", "2026-13-45", "411000", "C2", "X", "F9", "10,00", "0,00")
    path = _fec(tmp_path, "bad.txt", [*_sale("1", "C1", "F1", "10,00"), bad,
                                      _fec_line("VT", "6", "20261001", "411000", "C2", "X", "F8", "1O,00", "0")])
    preview = imports.preview_import(workspace, path)
    refused = {(row.ref.line if row.ref else 0, row.key) for row in preview.refused}
    assert refused == {(4, "EcritureDate"), (5, "Debit")}
    assert all(row.ref and row.ref.file == "bad.txt" and row.detail for row in preview.refused)


def test_a_failure_mid_apply_leaves_the_dossier_byte_identical(workspace: Workspace, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = _fec(tmp_path, "f.txt", [*_sale("1", "C1", "F1", "100,00", "A"), *_receipt("9", "C1", "100,00", "A")])
    preview = imports.preview_import(workspace, path)
    before = _dump(workspace)

    def explode(self: import_write.PlanWriter) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_write.PlanWriter, "allocations", explode)  # after clients, invoices, payments
    with pytest.raises(RuntimeError):
        imports.apply_import(workspace, preview, backup=False)
    assert _dump(workspace) == before


def test_cancel_during_apply_rolls_back(workspace: Workspace, tmp_path: Path) -> None:
    lines = [line for number in range(30) for line in _sale(str(number), f"C{number % 3}", f"F{number}", "10,00")]
    path = _fec(tmp_path, "many.txt", lines)
    preview = imports.preview_import(workspace, path)
    before = _dump(workspace)
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # let the clients and first invoices through, then stop

    with pytest.raises(ImportCancelled):
        imports.apply_import(workspace, preview, cancelled=cancelled, backup=False)
    assert _dump(workspace) == before


def test_read_only_dossier_refuses_imports(tmp_path: Path, workspace: Workspace) -> None:
    from app.services.workspace import open_workspace

    path = _fec(tmp_path, "r.txt", _sale("1", "C1", "F1", "10,00"))
    workspace.close()
    ws = open_workspace(workspace.path, read_only=True, clock=fixed_clock(TODAY), backup=False)
    try:
        preview = imports.preview_import(ws, path)
        with pytest.raises(ImportRefused):
            imports.apply_import(ws, preview)
    finally:
        ws.close()


def _seller_ws(tmp_path: Path, siren: str = "", vat: str = "", name: str = "seller") -> Workspace:
    """A dossier whose company is the e-invoice samples' seller (or, with neither id, a company without them)."""
    company = replace(COMPANY, siren=siren, siret="", vat_number=vat)
    return create_workspace(tmp_path / f"{name}.encaisse", company, clock=fixed_clock(TODAY))


@pytest.fixture
def moulin(tmp_path: Path) -> Iterator[Workspace]:
    """The company of the FNFE/OCA Factur-X samples: Au bon moulin, SIREN 999999998."""
    ws = _seller_ws(tmp_path, "999999998", "FR11999999998", "moulin")
    yield ws
    ws.close()


def test_facturx_creates_the_buyer_and_keeps_the_pdf(moulin: Workspace) -> None:
    workspace = moulin
    path = SAMPLES / "facturx" / "OCA_Facture_FR_EN16931.pdf"
    preview = imports.preview_import(workspace, path)
    assert preview.kind is ImportKind.FACTURX
    imports.apply_import(workspace, preview, backup=False)
    with workspace.dossier.reading() as session:
        client = session.scalars(select(Client)).one()
        assert (client.name, client.siren, client.vat_number) == ("Ma jolie boutique", "787878784", "FR19787878784")
        invoice = session.scalars(select(Invoice)).one()
        assert (invoice.number, invoice.amount_incl_cents) == ("FA-2017-0010", 67115)
        document = session.get(StoredDocument, invoice.original_document_id)
        assert document is not None and document.content == path.read_bytes()
    # The same invoice as CII XML later: the client is found by SIREN and nothing is duplicated.
    again = imports.preview_import(workspace, SAMPLES / "facturx" / "OCA_Facture_FR_BASIC.pdf")
    assert not again.has_changes


def test_einvoice_client_matched_by_name_gets_its_missing_details(tmp_path: Path) -> None:
    from app.services import clients
    from app.services.dto import ClientInput

    workspace = _seller_ws(tmp_path)  # the German seller cannot be checked: a company without SIREN

    clients.add_client(workspace, ClientInput(account_code="KUNDEN", name="KUNDEN AG MITTE"))
    preview = imports.preview_import(workspace, SAMPLES / "cii" / "XRG_EN16931_Einfach.cii.xml")
    assert [row.type.value for row in preview.created] == ["invoice"]
    assert [(row.key, row.type.value) for row in preview.updated] == [("KUNDEN", "client")]  # by normalised name
    assert "Frankfurt" in preview.updated[0].detail  # its empty address is filled in, its name kept
    workspace.close()


@pytest.mark.parametrize("folder", ["facturx", "cii", "ubl"])
def test_every_einvoice_sample_previews_and_applies(tmp_path: Path, folder: str) -> None:
    from app.io.import_einvoice import parse_einvoice

    for path in sorted((SAMPLES / folder).iterdir()):
        seller = parse_einvoice(path.read_bytes(), path.name).seller
        assert seller is not None and seller.name, path.name
        ws = _seller_ws(tmp_path, seller.siren, seller.vat_number if seller.siren else "", path.stem)
        try:
            preview = imports.preview_import(ws, path)
            assert preview.refused == () and len(preview.created) == 2, path.name  # the buyer and the invoice
            imports.apply_import(ws, preview, backup=False)
            assert not imports.preview_import(ws, path).has_changes, path.name
        finally:
            ws.close()


@pytest.mark.parametrize("name", ["freshbooks_clients.csv", "freshbooks_invoices.csv", "invoiceninja_v4_clients.csv",
                                  "invoiceninja_v4_invoice.csv", "invoiceninja_v4_payments.csv", "wave_clients.csv",
                                  "wave_invoices.csv", "zoho_contacts.csv"])
def test_every_csv_sample_imports_and_reimports_to_nothing(workspace: Workspace, name: str) -> None:
    if name == "invoiceninja_v4_payments.csv":  # payments settle the invoices of the invoice export
        path = SAMPLES / "csv" / "invoiceninja_v4_invoice.csv"
        imports.apply_import(workspace, imports.preview_import(workspace, path), backup=False)
    path = SAMPLES / "csv" / name
    preview = imports.preview_import(workspace, path)
    assert preview.created, name
    imports.apply_import(workspace, preview, backup=False)
    again = imports.preview_import(workspace, path)
    assert not again.has_changes, name


def test_xlsx_samples(workspace: Workspace) -> None:
    for name in ("akaunting_customers.xlsx", "akaunting_invoices.xlsx"):
        preview = imports.preview_import(workspace, SAMPLES / "xlsx" / name)
        assert preview.created, name
        imports.apply_import(workspace, preview, backup=False)
    with workspace.dossier.reading() as session:
        assert session.scalar(select(Invoice.amount_incl_cents).where(Invoice.number == "INV-00001")) == 10000
        assert session.scalars(select(Client.name)).all() == ["Test Customer"]
    # The transactions workbook: income paid against INV-00001 by test@customer.com becomes its payment; the
    # expenses and the cash deposit (no client) are refused, each with its line and reason.
    path = SAMPLES / "xlsx" / "akaunting_transactions.xlsx"
    preview = imports.preview_import(workspace, path)
    assert [(row.type.value, row.detail) for row in preview.created] == [("payment", "règle INV-00001")]
    assert {row.ref.line: row.key for row in preview.refused if row.ref} == {2: "contact_email", 3: "type", 5: "type"}
    imports.apply_import(workspace, preview, backup=False)
    with workspace.dossier.reading() as session:
        payment = session.scalars(select(Payment).where(Payment.source == "xlsx")
                                  .where(Payment.external_key.not_like("paid:%"))).one()
        assert (payment.amount_cents, payment.method, str(payment.received_on)) == (1000, "cash", "2020-01-01")
        # The workbook is in US dollars, like its invoices: the payment says so rather than turning into euros.
        assert payment.currency == "USD"
        assert session.scalar(select(Invoice.currency).where(Invoice.number == "INV-00001")) == "USD"
        assert session.scalar(select(Invoice.settled_cents).where(Invoice.number == "INV-00001")) == 1000
    assert not imports.preview_import(workspace, path).has_changes


def test_a_transactions_payer_unknown_to_the_dossier_is_refused_not_created(workspace: Workspace) -> None:
    preview = imports.preview_import(workspace, SAMPLES / "xlsx" / "akaunting_transactions.xlsx")
    assert not preview.created and not preview.has_changes
    reasons = [row.detail for row in preview.refused if row.type.value == "payment"]
    assert len(reasons) == 1 and "e-mail" in reasons[0]


def test_presets_are_saved_and_reused_for_the_same_headers(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Réf;Qui;Quand;Combien\nA1;Dupont SARL;05/11/2026;1 234,56 €\n".encode("cp1252"))
    table = import_presets.table_preview(workspace, path)
    assert table.preset == "" and import_presets.mapping_problems(table.mapping)
    mapping = {"target": "invoices", "columns": {"number": "Réf", "client": "Qui", "issue_date": "Quand",
                                                 "amount_incl": "Combien"}, "date_order": "dmy"}
    import_presets.save_preset(workspace, "Mon logiciel", mapping, table.header)
    reused = import_presets.table_preview(workspace, path)
    assert reused.preset == "Mon logiciel" and reused.mapping["columns"] == mapping["columns"]
    preview = imports.preview_import(workspace, path, mapping=reused.mapping)
    assert [row.key for row in preview.created if row.type.value == "invoice"] == ["A1"]
    assert "1\u202f234,56" in preview.created[-1].description


def test_bank_kind_without_a_handler_is_refused_clearly(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "_HANDLERS", {k: v for k, v in imports._HANDLERS.items()
                                               if not imports.is_bank_kind(k)})
    monkeypatch.setattr(imports, "_plugins_loaded", [True])
    with pytest.raises(ImportRefused, match=r"OCA_test-camt053\.xml"):
        imports.preview_import(workspace, SAMPLES / "camt053" / "OCA_test-camt053.xml")


def test_unknown_and_empty_files_are_refused_naming_them(workspace: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"  \n")
    with pytest.raises(ImportRefused, match=r"vide\.csv"):
        imports.preview_import(workspace, empty)
    binary = tmp_path / "photo.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ImportRefused, match=r"photo\.bin"):
        imports.preview_import(workspace, binary)


def test_a_dossier_changed_after_the_preview_gets_a_fresh_plan(workspace: Workspace, tmp_path: Path) -> None:
    from datetime import date

    from tests.services.ledger import Ledger

    path = _fec(tmp_path, "late.txt", [*_sale("1", "C1", "F1", "100,00"), *_sale("2", "C1", "F2", "40,00")])
    preview = imports.preview_import(workspace, path)
    book = Ledger(workspace)
    book.client("C9", "Someone else")
    book.invoice("C9", "F1", date(2026, 9, 1), date(2026, 10, 1), 777)  # typed by hand meanwhile
    result = imports.apply_import(workspace, preview, backup=False)
    assert result.refused == 1  # F1 is now another client's: refused, not overwritten
    with workspace.dossier.reading() as session:
        assert dict(session.execute(select(Invoice.number, Invoice.amount_incl_cents)).all()) == {"F1": 777,
                                                                                                  "F2": 4000}


def test_an_updated_csv_export_adds_what_was_paid_since(workspace: Workspace, tmp_path: Path) -> None:
    header = "N° facture;Client;Date facture;Montant TTC;Déjà réglé\n"
    path = tmp_path / "ventes.csv"
    path.write_text(header + "F1;Dupont;01/10/2026;100,00;30,00\nF2;Dupont;02/10/2026;50,00;\n", encoding="utf-8")
    imports.apply_import(workspace, imports.preview_import(workspace, path), backup=False)
    path.write_text(header + "F1;Dupont;01/10/2026;100,00;80,00\nF2;Dupont;02/10/2026;55,00;\n"
                    "F3;Dupont;03/10/2026;20,00;\n", encoding="utf-8")
    preview = imports.preview_import(workspace, path)
    assert sorted(row.key for row in preview.updated) == ["F2"]
    assert sorted(row.key for row in preview.created) == ["F3", "paid:F1|8000"]
    imports.apply_import(workspace, preview, backup=False)
    with workspace.dossier.reading() as session:
        settled = dict(session.execute(select(Invoice.number, Invoice.settled_cents)).all())
        assert settled == {"F1": 8000, "F2": 0, "F3": 0}
        assert sorted(session.scalars(select(Payment.amount_cents))) == [3000, 5000]
    assert not imports.preview_import(workspace, path).has_changes
    path.write_text(header + "F1;Dupont;01/10/2026;100,00;70,00\n", encoding="utf-8")
    (refused,) = imports.preview_import(workspace, path).refused
    assert "80,00" in refused.detail and "70,00" in refused.detail


def test_a_purchase_invoice_addressed_to_the_company_is_refused(tmp_path: Path) -> None:
    company = replace(COMPANY, siren="787878784", siret="78787878400018", vat_number="FR19787878784")
    ws = create_workspace(tmp_path / "buyer.encaisse", company, clock=fixed_clock(TODAY))
    try:
        preview = imports.preview_import(ws, SAMPLES / "facturx" / "OCA_Facture_FR_EN16931.pdf")
        assert not preview.has_changes
        (refused,) = preview.refused
        assert refused.key == "FA-2017-0010" and "achat" in refused.detail
    finally:
        ws.close()


def test_an_einvoice_issued_by_another_company_is_refused_naming_both_sirens(tmp_path: Path) -> None:
    path = SAMPLES / "cii" / "akretion_factur-x-en16931.xml"  # issued by LE FOURNISSEUR, SIREN 123456782
    own = _seller_ws(tmp_path, "123456782", name="own")
    try:
        assert len(imports.preview_import(own, path).created) == 2  # its own sale: the buyer and the invoice
    finally:
        own.close()
    other = _seller_ws(tmp_path, "732829320", name="other")
    try:
        preview = imports.preview_import(other, path)
        assert path.name in preview.fatal and "123456782" in preview.fatal and "732829320" in preview.fatal
        assert not preview.has_changes
        before = _dump(other)
        with pytest.raises(ImportRefused, match="123456782"):
            imports.apply_import(other, preview)
        assert _dump(other) == before
    finally:
        other.close()


def test_a_foreign_seller_is_checked_by_vat_number(tmp_path: Path) -> None:
    path = SAMPLES / "ubl" / "OCA_UBLInvoice-multitankcard-line_adjust.xml"  # Multi Tank Card bv, NL009276749B01
    ws = _seller_ws(tmp_path, "", "NL009276749B01", "dutch")
    try:
        assert imports.preview_import(ws, path).fatal == ""
    finally:
        ws.close()
    ws = _seller_ws(tmp_path, "732829320", name="french")
    try:
        fatal = imports.preview_import(ws, path).fatal
        assert "NL009276749B01" in fatal and "732829320" in fatal and path.name in fatal
    finally:
        ws.close()


def test_a_dossier_without_siren_imports_with_a_warning(tmp_path: Path) -> None:
    path = SAMPLES / "facturx" / "OCA_Facture_FR_EN16931.pdf"
    ws = _seller_ws(tmp_path, name="anonymous")
    try:
        preview = imports.preview_import(ws, path)
        assert preview.fatal == "" and len(preview.created) == 2
        (warning,) = [note for note in preview.notes if "999999998" in note]
        assert path.name in warning and "Au bon moulin" in warning
    finally:
        ws.close()

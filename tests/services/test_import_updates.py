"""An updated FEC that drops an invoice or empties a lettrage: built from the adh-studio sample's real text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.formatting import format_cents
from app.models import Action, Allocation, Invoice, Payment
from app.services import cases, imports
from app.services.clock import fixed_clock
from app.services.workspace import Workspace, create_workspace
from tests.conftest import COMPANY, SAMPLES, TODAY

SAMPLE = SAMPLES / "fec" / "adh-studio_123456782FEC20251231.txt"
# A second sale to the sample's client, written like the sample's own lines (tab separated, decimal comma).
EXTRA_SALE = (
    "VT\tVentes\tVT0002\t20250301\t41100000\tClients\tCLI001\tClient Alpha\tF2025-002\t20250301\tFacture client\t"
    "600,00\t0,00\t\t\t20250302\t\t\n"
    "VT\tVentes\tVT0002\t20250301\t70600000\tPrestations de services\t\t\tF2025-002\t20250301\tFacture client\t"
    "0,00\t500,00\t\t\t20250302\t\t\n"
    "VT\tVentes\tVT0002\t20250301\t44571000\tTVA collectée\t\t\tF2025-002\t20250301\tFacture client\t0,00\t"
    "100,00\t\t\t20250302\t\t\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    company = replace(COMPANY, siren="123456782", siret="12345678200010")
    workspace = create_workspace(tmp_path / "books.encaisse", company, clock=fixed_clock(TODAY))
    yield workspace
    workspace.close()


def _version(tmp_path: Path, folder: str, text: str) -> Path:
    """The FEC under its regulatory name (the SIREN is checked), in its own folder per version."""
    (tmp_path / folder).mkdir()
    path = tmp_path / folder / SAMPLE.name
    path.write_bytes(text.encode("utf-8"))
    return path


def _sample_text() -> str:
    return SAMPLE.read_bytes().decode("utf-8")


def _import(ws: Workspace, path: Path) -> imports.ImportResult:
    return imports.apply_import(ws, imports.preview_import(ws, path), backup=False)


def _settled(ws: Workspace, number: str) -> int:
    with ws.dossier.reading() as session:
        return int(session.scalar(select(Invoice.settled_cents).where(Invoice.number == number)) or 0)


def test_an_emptied_lettrage_removes_its_allocation_and_reopens_the_invoice(ws: Workspace, tmp_path: Path) -> None:
    text = _sample_text()
    _import(ws, _version(tmp_path, "v1", text))
    assert _settled(ws, "F2025-001") == 120000
    # The accountant unletters: EcritureLet and DateLet emptied on both customer lines.
    unlettered = text.replace("\tA\t20250210\t", "\t\t\t")
    assert unlettered.count("\tA\t") == 0 and unlettered != text
    preview = imports.preview_import(ws, _version(tmp_path, "v2", unlettered))
    rows = {(row.type.value, row.key): row.detail for row in preview.updated}
    reopened = rows[("invoice", "F2025-001")]
    assert format_cents(120000) in reopened and "BQ-BQ0001-CLI001" in reopened
    assert "F2025-001" in rows[("payment", "BQ-BQ0001-CLI001")]
    _import(ws, preview.path)
    assert _settled(ws, "F2025-001") == 0
    with ws.dossier.reading() as session:
        assert session.scalars(select(Allocation)).all() == []
        assert session.scalar(select(Payment.amount_cents)) == 120000  # the receipt stays, unallocated
        note = session.scalars(select(Action).order_by(Action.id.desc())).first()
        assert note is not None and "F2025-001" in note.summary
        assert json.loads(note.details)["unlettered"] == ["F2025-001 (BQ-BQ0001-CLI001)"]
    # Lettered again in a later version: allocated again; the same file twice changes nothing more.
    _import(ws, _version(tmp_path, "v3", text))
    assert _settled(ws, "F2025-001") == 120000
    assert not imports.preview_import(ws, _version(tmp_path, "v4", text)).has_changes


def test_an_invoice_absent_from_the_new_file_is_removed_when_untouched(ws: Workspace, tmp_path: Path) -> None:
    text = _sample_text()
    _import(ws, _version(tmp_path, "v1", text + EXTRA_SALE))
    assert _settled(ws, "F2025-002") == 0
    preview = imports.preview_import(ws, _version(tmp_path, "v2", text))
    assert [row.key for row in preview.absent] == ["F2025-002"]
    assert "removed" in preview.absent[0].detail or "supprimée" in preview.absent[0].detail
    assert preview.removing == 1 and preview.has_changes
    assert any("F2025-002" not in note and "1" in note and ("absent" in note.lower()) for note in preview.notes)
    result = imports.apply_import(ws, preview, backup=False)
    assert result.removed == 1
    assert result.removed_note() == ("1 facture antérieure absente du fichier a été supprimée "
                                     "(l'historique la conserve).")
    with ws.dossier.reading() as session:
        assert session.scalars(select(Invoice.number)).all() == ["F2025-001"]
        note = session.scalars(select(Action).order_by(Action.id.desc())).first()
        assert note is not None
        assert json.loads(note.details)["removed"] == [f"F2025-002 — {format_cents(60000)} — 01/03/2025"]
    assert not imports.preview_import(ws, _version(tmp_path, "v3", text)).has_changes


def test_an_absent_invoice_with_a_dispute_is_kept_with_a_warning(ws: Workspace, tmp_path: Path) -> None:
    text = _sample_text()
    _import(ws, _version(tmp_path, "v1", text + EXTRA_SALE))
    with ws.dossier.reading() as session:
        invoice_id = session.scalar(select(Invoice.id).where(Invoice.number == "F2025-002"))
    assert invoice_id is not None
    cases.open_dispute(ws, (invoice_id,), "price", date(2025, 3, 10))
    preview = imports.preview_import(ws, _version(tmp_path, "v2", text))
    assert [row.key for row in preview.absent] == ["F2025-002"]
    assert preview.removing == 0 and not preview.has_changes
    assert "accountant" in preview.absent[0].detail or "comptable" in preview.absent[0].detail
    imports.apply_import(ws, preview, backup=False)
    with ws.dossier.reading() as session:
        assert sorted(session.scalars(select(Invoice.number)).all()) == ["F2025-001", "F2025-002"]


def test_an_invoice_of_another_period_is_not_absent(ws: Workspace, tmp_path: Path) -> None:
    """Next year's FEC does not hold last year's invoices: they are outside its period, never listed."""
    _import(ws, _version(tmp_path, "v1", _sample_text()))
    next_year = _sample_text().replace("2025", "2026").replace("F2026-001", "F2026-101")
    (tmp_path / "v2").mkdir()
    path = tmp_path / "v2" / "adh-studio_123456782FEC20261231.txt"
    path.write_text(next_year, encoding="utf-8")
    preview = imports.preview_import(ws, path)
    assert preview.absent == () and preview.fatal == ""


def test_an_absent_invoice_whose_payment_was_lettered_to_it_is_removed_and_the_payment_kept(
        ws: Workspace, tmp_path: Path) -> None:
    """The accountant deletes a sale lettered with a receipt: the lettrage goes, then the invoice; the receipt stays."""
    text = _sample_text()
    receipt = ("BQ\tBanque\tBQ0002\t20250320\t51200000\tBanque\t\t\tRLV-03\t20250320\tRèglement client\t600,00\t0,00\t"
               "\t\t20250321\t\t\n"
               "BQ\tBanque\tBQ0002\t20250320\t41100000\tClients\tCLI001\tClient Alpha\tRLV-03\t20250320\t"
               "Règlement client\t0,00\t600,00\t{letter}\t{on}\t20250321\t\t\n")
    lettered_sale = EXTRA_SALE.replace("600,00\t0,00\t\t\t", "600,00\t0,00\tB\t20250320\t", 1)
    _import(ws, _version(tmp_path, "v1", text + lettered_sale + receipt.format(letter="B", on="20250320")))
    assert _settled(ws, "F2025-002") == 60000
    preview = imports.preview_import(ws, _version(tmp_path, "v2", text + receipt.format(letter="", on="")))
    assert [row.key for row in preview.absent] == ["F2025-002"] and preview.removing == 1
    result = imports.apply_import(ws, preview, backup=False)
    assert result.removed == 1
    with ws.dossier.reading() as session:
        assert session.scalars(select(Invoice.number)).all() == ["F2025-001"]
        assert sorted(session.scalars(select(Payment.amount_cents)).all()) == [60000, 120000]
        assert [a.amount_cents for a in session.scalars(select(Allocation))] == [120000]
        details = json.loads(session.scalars(select(Action.details).order_by(Action.id.desc())).first() or "{}")
    assert details["unlettered"] == ["F2025-002 (BQ-BQ0002-CLI001)"]
    assert details["removed"] == [f"F2025-002 — {format_cents(60000)} — 01/03/2025"]
    assert not imports.preview_import(ws, _version(tmp_path, "v3", text + receipt.format(letter="", on=""))).has_changes


def test_a_credit_note_lettered_in_the_new_file_settles_its_invoice_and_says_so(ws: Workspace, tmp_path: Path) -> None:
    """A credit note imported open, then lettered with the invoice by the accountant: the re-import allocates it."""
    credit_note = (
        "VT\tVentes\tVT0003\t20250305\t41100000\tClients\tCLI001\tClient Alpha\tAV2025-001\t20250305\tAvoir client\t"
        "0,00\t120,00\t{letter}\t{on}\t20250306\t\t\n"
        "VT\tVentes\tVT0003\t20250305\t70600000\tPrestations de services\t\t\tAV2025-001\t20250305\tAvoir client\t"
        "100,00\t0,00\t\t\t20250306\t\t\n"
        "VT\tVentes\tVT0003\t20250305\t44571000\tTVA collectée\t\t\tAV2025-001\t20250305\tAvoir client\t20,00\t"
        "0,00\t\t\t20250306\t\t\n")
    text = _sample_text()
    _import(ws, _version(tmp_path, "v1", text + EXTRA_SALE + credit_note.format(letter="", on="")))
    assert _settled(ws, "F2025-002") == 0
    lettered_sale = EXTRA_SALE.replace("600,00\t0,00\t\t\t", "600,00\t0,00\tC\t20250305\t", 1)
    preview = imports.preview_import(ws, _version(tmp_path, "v2", text + lettered_sale + credit_note.format(
        letter="C", on="20250305")))
    rows = {(row.type.value, row.key): row.detail for row in preview.updated}
    assert "F2025-002" in rows[("credit_note", "AV2025-001")]
    _import(ws, preview.path)
    assert _settled(ws, "F2025-002") == 12000

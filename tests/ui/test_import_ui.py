"""The import dialogs driven as a user would: preview tabs, Apply, Cancel, column mapping, drops, File > Import…."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.services import imports
from app.services.workspace import Workspace
from app.ui import drops
from app.ui.import_mapping import MappingDialog
from app.ui.import_preview import ImportDialog, start_import
from app.ui.tasks import SyncRunner
from tests.conftest import SAMPLES

FRENCH_CSV = ("N° facture;Client;SIREN;Date d'émission;Date d'échéance;Montant HT;Montant TTC\n"
              "F-001;Boulangerie Dupont;552100554;05/10/2026;04/11/2026;1 028,80;1 234,56 €\n"
              "F-002;Garage Martin;;15/10/2026;14/11/2026;100,00;120,00\n"
              "F-003;Garage Martin;;32/10/2026;;10,00;12,00\n")


@pytest.fixture
def french_csv(tmp_path: Path) -> Path:
    path = tmp_path / "factures.csv"
    path.write_bytes(FRENCH_CSV.encode("cp1252"))
    return path


def test_preview_tabs_then_apply(qtbot: QtBot, workspace: Workspace, runner: SyncRunner) -> None:
    dialog = ImportDialog(workspace, runner, SAMPLES / "fec" / "adams43360_fec_propre.txt")
    qtbot.addWidget(dialog)
    assert dialog.preview is not None
    assert dialog.tables["created"].rowCount() == 6
    assert dialog.tabs.tabText(0).endswith("(6)")
    assert dialog.apply_button.isEnabled()
    seen: list[bool] = []
    dialog.imported.connect(lambda: seen.append(True))
    dialog.apply_button.click()
    assert seen == [True] and dialog.outcome is not None and dialog.outcome.created == 6
    assert not dialog.apply_button.isEnabled()


def test_refused_rows_show_file_line_and_reason(qtbot: QtBot, workspace: Workspace, runner: SyncRunner,
                                                french_csv: Path) -> None:
    mapping = {"target": "invoices", "columns": {"number": "N° facture", "client": "Client",
                                                 "issue_date": "Date d'émission", "due_date": "Date d'échéance",
                                                 "amount_incl": "Montant TTC", "amount_excl": "Montant HT",
                                                 "siren": "SIREN"}, "date_order": "dmy"}
    dialog = ImportDialog(workspace, runner, french_csv, mapping=mapping)
    qtbot.addWidget(dialog)
    refused = dialog.tables["refused"]
    assert refused.rowCount() == 1
    assert refused.item(0, 3).text() == "factures.csv:4"
    assert "32/10/2026" in refused.item(0, 4).text()
    created = [dialog.tables["created"].item(row, 1).text() for row in range(dialog.tables["created"].rowCount())]
    assert "F-001" in created and "F-002" in created


def test_cancel_while_applying_leaves_the_dossier_unchanged(qtbot: QtBot, workspace: Workspace,
                                                           runner: SyncRunner) -> None:
    dialog = ImportDialog(workspace, runner, SAMPLES / "fec" / "adams43360_fec_propre.txt")
    qtbot.addWidget(dialog)
    dialog.progress_state.cancel_requested = True  # as if Cancel was clicked while the worker ran
    dialog.apply()
    assert dialog.outcome is None
    assert "nothing" in dialog.summary.text().lower() or "rien" in dialog.summary.text().lower()
    assert imports.preview_import(workspace, SAMPLES / "fec" / "adams43360_fec_propre.txt").has_changes


def test_mapping_dialog_guesses_french_headers(qtbot: QtBot, workspace: Workspace, runner: SyncRunner,
                                               french_csv: Path) -> None:
    from app.services import import_presets

    table = import_presets.table_preview(workspace, french_csv)
    dialog = MappingDialog(workspace, runner, table)
    qtbot.addWidget(dialog)
    mapping = dialog.mapping()
    assert mapping["target"] == "invoices"
    assert mapping["columns"] == {"number": "N° facture", "client": "Client", "issue_date": "Date d'émission",
                                  "amount_incl": "Montant TTC", "due_date": "Date d'échéance",
                                  "amount_excl": "Montant HT", "siren": "SIREN"}
    assert dialog.ok_button.isEnabled()
    assert "→" in dialog.sample.horizontalHeaderItem(0).text()
    dialog.combos["number"].setCurrentIndex(0)  # unmap a required field
    assert not dialog.ok_button.isEnabled() and dialog.problem.text()


def test_start_import_routes_a_table_through_the_mapping(qtbot: QtBot, workspace: Workspace, runner: SyncRunner,
                                                         french_csv: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    start_import(parent, workspace, runner, french_csv, lambda: None)
    mapping_dialog = parent.findChild(MappingDialog)
    assert mapping_dialog is not None
    mapping_dialog.accept()
    preview = parent.findChild(ImportDialog)
    assert preview is not None and preview.preview is not None and preview.preview.created


def test_drops_tell_dossiers_from_files_to_import(tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.encaisse")), QUrl.fromLocalFile(str(tmp_path / "b.csv"))])
    assert drops.dropped_dossier(mime) == tmp_path / "a.encaisse"
    assert drops.dropped_import(mime) == tmp_path / "b.csv"


def test_screenshot_of_the_dialogs(qtbot: QtBot, workspace: Workspace, runner: SyncRunner, french_csv: Path,
                                   tmp_path: Path) -> None:
    from app.services import import_presets

    mapping = MappingDialog(workspace, runner, import_presets.table_preview(workspace, french_csv))
    qtbot.addWidget(mapping)
    preview = ImportDialog(workspace, runner, SAMPLES / "fec" / "adams43360_fec_propre.txt")
    qtbot.addWidget(preview)
    for name, widget in (("mapping", mapping), ("preview", preview)):
        widget.show()
        qtbot.waitExposed(widget)
        target = tmp_path / f"{name}.png"
        assert widget.grab().save(str(target))
        assert target.stat().st_size > 5000


def test_a_bank_statement_opens_the_reconciliation_view(qtbot: QtBot, workspace: Workspace,
                                                        runner: SyncRunner) -> None:
    from app.ui.reconcile_view import ReconcileDialog

    parent = QWidget()
    qtbot.addWidget(parent)
    start_import(parent, workspace, runner, SAMPLES / "camt053" / "OCA_test-camt053.xml", lambda: None)
    assert parent.findChild(ReconcileDialog) is not None
    assert parent.findChild(ImportDialog) is None


def test_a_large_preview_shows_its_first_rows_and_says_how_many_more(qtbot: QtBot, workspace: Workspace,
                                                                      runner: SyncRunner, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import import_preview

    monkeypatch.setattr(import_preview, "SHOWN_ROWS", 3)
    dialog = ImportDialog(workspace, runner, SAMPLES / "fec" / "adams43360_fec_propre.txt")
    qtbot.addWidget(dialog)
    created = dialog.tables["created"]
    assert created.rowCount() == 4
    assert created.item(3, 2).text() == "… et 3 de plus"


def test_a_file_dropped_on_the_window_is_imported_and_a_dossier_opened(qtbot: QtBot, runner: SyncRunner,
                                                                       tmp_path: Path) -> None:
    from dataclasses import replace

    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent

    from app.services.clock import fixed_clock
    from app.services.workspace import create_workspace
    from app.ui.main_window import MainWindow
    from app.ui.view_base import ViewContext
    from tests.conftest import COMPANY, TODAY

    # The company of the dropped invoice's seller (LE FOURNISSEUR, SIREN 123456782): it is one of its sales.
    company = replace(COMPANY, siren="123456782", siret="", vat_number="")
    workspace = create_workspace(tmp_path / "seller.encaisse", company, clock=fixed_clock(TODAY))

    window = MainWindow(workspace.info(), ViewContext(workspace, runner, TODAY))
    qtbot.addWidget(window)
    assert window.import_action.isEnabled()

    def drop(path: Path) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        window.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                    Qt.KeyboardModifier.NoModifier))

    drop(SAMPLES / "cii" / "akretion_factur-x-en16931.xml")
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.preview is not None and len(dialog.preview.created) == 2
    opened: list[Path] = []
    window.open_path_requested.connect(opened.append)
    drop(tmp_path / "other.encaisse")
    assert opened == [tmp_path / "other.encaisse"]
    dialog.close()
    workspace.close()


def test_a_transactions_workbook_maps_to_payments_by_e_mail_and_invoice(qtbot: QtBot, workspace: Workspace,
                                                                       runner: SyncRunner) -> None:
    """Akaunting's transactions: the dialog proposes payments found by the contact's e-mail and the invoice paid."""
    for name in ("akaunting_customers.xlsx", "akaunting_invoices.xlsx"):
        imports.apply_import(workspace, imports.preview_import(workspace, SAMPLES / "xlsx" / name), backup=False)
    parent = QWidget()
    qtbot.addWidget(parent)
    start_import(parent, workspace, runner, SAMPLES / "xlsx" / "akaunting_transactions.xlsx", lambda: None)
    mapping_dialog = parent.findChild(MappingDialog)
    assert mapping_dialog is not None
    mapping = mapping_dialog.mapping()
    assert mapping["target"] == "payments"
    assert {name: mapping["columns"].get(name) for name in ("email", "invoice_number", "kind", "date", "amount")} == {
        "email": "contact_email", "invoice_number": "invoice_bill_number", "kind": "type", "date": "paid_at",
        "amount": "amount"}
    assert mapping_dialog.ok_button.isEnabled() and not mapping_dialog.problem.text()
    mapping_dialog.accept()
    preview = parent.findChild(ImportDialog)
    assert preview is not None and preview.preview is not None
    assert [row.key for row in preview.preview.created if row.type.value == "payment"] != []
    assert len(preview.preview.refused) == 3  # two expenses and a cash deposit, each with its line and reason


def test_an_updated_fec_opens_on_what_changes_and_shows_the_absent_invoices(qtbot: QtBot, tmp_path: Path) -> None:
    from dataclasses import replace

    from app.services.clock import fixed_clock
    from app.services.workspace import create_workspace
    from tests.conftest import COMPANY, TODAY
    from tests.services.test_import_updates import EXTRA_SALE, SAMPLE

    ws = create_workspace(tmp_path / "books.encaisse", replace(COMPANY, siren="123456782", siret="12345678200010"),
                          clock=fixed_clock(TODAY))
    text = SAMPLE.read_bytes().decode("utf-8")
    for folder, version in (("v1", text + EXTRA_SALE), ("v2", text.replace("\tA\t20250210\t", "\t\t\t"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / SAMPLE.name).write_text(version, encoding="utf-8")
    imports.apply_import(ws, imports.preview_import(ws, tmp_path / "v1" / SAMPLE.name), backup=False)
    dialog = ImportDialog(ws, SyncRunner(), tmp_path / "v2" / SAMPLE.name)
    qtbot.addWidget(dialog)
    assert dialog.tabs.currentIndex() == 1 and dialog.tabs.tabText(1) == "Mis à jour (2)"  # nothing to create
    assert dialog.tabs.isTabVisible(4) and dialog.tables["absent"].item(0, 1).text() == "F2025-002"
    assert "1 facture importée d'un FEC précédent" in dialog.notes.text()
    assert "est absente de ce fichier" in dialog.notes.text()
    ws.close()

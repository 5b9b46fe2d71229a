"""Letter widgets on real dossiers: the preview (pages, save, print, kind), the rates dialog, the template editor,
the day's letters with their progress bar, and the client page's entries."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from app.letters.data import LetterKind
from app.services import reports
from app.services.workspace import Workspace
from app.ui.client_page import ClientPageView
from app.ui.letter_menu import LetterBatchDialog
from app.ui.letter_preview import LetterPreviewDialog, open_letter_preview, print_pdf
from app.ui.letter_templates import LetterTemplatesDialog
from app.ui.rates_dialog import RatesDialog, parse_percent
from app.ui.tasks import SyncRunner
from app.ui.view_base import ViewContext
from tests.ui.conftest import AS_OF


def _late_client(ws: Workspace) -> int:
    report = reports.aged_balance(ws, AS_OF)
    return next(line.client_id for line in report.lines if sum(line.buckets[1:]) > 50_000)


def test_the_preview_shows_saves_and_prints_the_letter(qtbot: QtBot, demo_ws: Workspace, runner: SyncRunner,
                                                       tmp_path: Path) -> None:
    dialog = open_letter_preview(demo_ws, runner, AS_OF, _late_client(demo_ws), LetterKind.REMINDER1)
    qtbot.addWidget(dialog)
    assert dialog.document is not None and dialog.images
    assert dialog.images[0].width() > 500  # an A4 page at 80 dpi
    assert "SHA-256" in dialog.info.text() and dialog.print_button.isEnabled()
    saved = dialog.save_as(tmp_path / "relance.pdf")
    assert saved is not None and saved.read_bytes() == dialog.document.pdf
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(dialog.document.pdf, printer) == len(dialog.images)
    assert len(PdfReader(io.BytesIO((tmp_path / "printed.pdf").read_bytes())).pages) == len(dialog.images)
    first = dialog.document.sha256
    dialog.kind_box.setCurrentIndex(list(LetterKind).index(LetterKind.NOTICE))
    assert dialog.document is not None and dialog.document.sha256 != first
    assert dialog.document.data.kind is LetterKind.NOTICE  # type: ignore[attr-defined]


def test_the_preview_says_why_a_letter_cannot_be_made(qtbot: QtBot, demo_ws: Workspace, runner: SyncRunner) -> None:
    dialog = open_letter_preview(demo_ws, runner, date(2026, 9, 30), _late_client(demo_ws), LetterKind.NOTICE)
    qtbot.addWidget(dialog)
    assert dialog.document is None and not dialog.print_button.isEnabled()
    assert "Taux légaux" in dialog.error.text() and "2026" in dialog.error.text()


def test_the_rates_dialog_adds_a_half_year(qtbot: QtBot, workspace: Workspace) -> None:
    runner = SyncRunner()
    dialog = RatesDialog(workspace, runner)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() >= 29 and dialog.table.item(0, 0).text() == "S1 2026"
    assert (dialog.year.value(), dialog.half.currentData()) == (2026, 7)  # the next half-year is suggested
    dialog.ecb.setText("abc")
    dialog.save()
    assert "abc" in dialog.message.text()
    dialog.ecb.setText("2,15")
    dialog.legal_pro.setText("2,62")
    dialog.save()
    assert dialog.table.item(0, 0).text() == "S2 2026" and dialog.table.item(0, 2).text() == "12,15\xa0%"
    assert "ajouté" in dialog.message.text()
    dialog.table.selectRow(0)
    assert dialog.ecb.text() == "2,15" and dialog.legal_pro.text() == "2,62"
    assert runner.errors == []
    assert parse_percent("12,15 %") == 1215 and parse_percent("") is None


def test_the_template_editor_previews_and_refuses_unknown_placeholders(qtbot: QtBot, workspace: Workspace) -> None:
    runner = SyncRunner()
    dialog = LetterTemplatesDialog(workspace, runner, date(2026, 11, 23))
    qtbot.addWidget(dialog)
    assert "{{ claimed_amount }}" in dialog.body.toPlainText()
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    dialog.body.setPlainText("Merci de payer {{ montant_du }}.")
    dialog.refresh_preview()
    assert "montant_du" in dialog.status.text() and not dialog.save_button.isEnabled()
    dialog.body.setPlainText("Merci de payer {{ claimed_amount }}.")
    dialog.refresh_preview()
    assert dialog.save_button.isEnabled()
    dialog.save()
    assert "Enregistré" in dialog.status.text()
    dialog.reset()
    assert "{{ payment_reference }}" in dialog.body.toPlainText()
    assert dialog.deadline.value() == 8
    dialog.deadline.setValue(12)
    assert "12 jours" in dialog.status.text()
    from app.services.letter_templates import notice_deadline

    assert notice_deadline(workspace) == 12
    assert runner.errors == []


def test_the_days_letters_in_one_pdf_with_progress(qtbot: QtBot, demo_ws: Workspace, runner: SyncRunner) -> None:
    dialog = LetterBatchDialog(demo_ws, runner, AS_OF)
    qtbot.addWidget(dialog)
    assert dialog.suggestions, "the demo has letter steps due"
    dialog.make()
    assert dialog.preview is not None and dialog.preview.document is not None
    assert dialog.progress.value() == dialog.progress.maximum() == len(dialog.suggestions)
    pages = PdfReader(io.BytesIO(dialog.preview.document.pdf)).pages
    assert len(pages) >= len(dialog.suggestions)


def test_the_client_page_offers_the_letters(qtbot: QtBot, context: ViewContext) -> None:
    page = ClientPageView(context)
    qtbot.addWidget(page)
    page.client_id = _late_client(context.workspace)
    names = [action.objectName() for action in page.letter_actions]
    assert names == ["page_letter_reminder1", "page_letter_notice", "page_letter_statement"]
    page.letter_actions[2].trigger()
    dialogs = [w for w in page.findChildren(LetterPreviewDialog)]
    assert dialogs and dialogs[-1].document is not None
    assert dialogs[-1].kind() is LetterKind.STATEMENT


def test_the_window_menus_reach_the_letter_dialogs_and_the_logo(qtbot: QtBot, workspace: Workspace,
                                                                tmp_path: Path) -> None:
    from PIL import Image
    from PySide6.QtWidgets import QMessageBox

    from app.ui.letter_menu import choose_logo
    from app.ui.main_window import MainWindow

    runner = SyncRunner()
    window = MainWindow(workspace.info(), ViewContext(workspace, runner, date(2026, 11, 23)))
    qtbot.addWidget(window)
    assert set(window.letter_actions) == {"settings_rates", "settings_letter_texts", "settings_letter_logo",
                                          "file_day_letters"}
    window.letter_actions["settings_rates"].trigger()
    assert window.findChildren(RatesDialog)
    window.letter_actions["settings_letter_texts"].trigger()
    assert window.findChildren(LetterTemplatesDialog)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "navy").save(logo)
    shown: list[str] = []
    original = QMessageBox.information
    QMessageBox.information = lambda _parent, _title, text, *_args: shown.append(text)  # type: ignore[assignment]
    try:
        choose_logo(window, workspace, runner, logo)
    finally:
        QMessageBox.information = original  # type: ignore[method-assign]
    assert shown and "logo.png" in shown[0] and runner.errors == []
    from app.services.letters_load import read_creditor

    with workspace.dossier.reading() as session:
        assert read_creditor(session)[0].logo == logo.read_bytes()

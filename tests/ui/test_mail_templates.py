"""Paramètres > Textes des e-mails…: the user edits a step's text, sees the preview written to a real client change,
saves, and the next e-mail the loopback SMTP server receives carries the edited words; a broken text shows its
line and cannot be saved; "back to the shipped text" restores it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services import clients, mail
from app.services.dto import ContactInput
from app.services.mail import TemplateSource
from app.services.workspace import Workspace
from app.ui.mail_templates import MailTemplatesDialog
from app.ui.tasks import SyncRunner
from tests.conftest import TODAY
from tests.mail.smtpd import body_text, keyring_in_memory, send_the_days_step, smtp_server
from tests.services.ledger import Ledger


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    with keyring_in_memory():
        yield


@pytest.fixture
def alpha(workspace: Workspace) -> Workspace:
    """ALPHA owes F-ALPHA, 1 234,56 € due 10/11/2026: its first e-mail reminder (reminder_1) is due."""
    book = Ledger(workspace)
    client_id = book.client("ALPHA", "Alpha SARL", address_line1="1 rue A", postcode="69001", city="Lyon")
    book.invoice("ALPHA", "F-ALPHA", date(2026, 10, 10), date(2026, 11, 10), 123_456)
    clients.add_contact(workspace, ContactInput(client_id, "Paul Alpha", email="paul@alpha.fr", is_billing=True))
    return workspace


def _dialog(qtbot: QtBot, ws: Workspace, runner: SyncRunner, template: str = "reminder_1") -> MailTemplatesDialog:
    dialog = MailTemplatesDialog(ws, runner, TODAY)
    qtbot.addWidget(dialog)
    dialog.template_box.setCurrentIndex(dialog.template_box.findData(template))
    return dialog


def _plain(text: str) -> str:
    """Widgets may hand no-break spaces back as plain ones: compare the words (the e-mail itself is exact)."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _placeholder(dialog: MailTemplatesDialog, name: str) -> None:
    for row in range(dialog.placeholders.count()):
        item = dialog.placeholders.item(row)
        if item.text().startswith(f"{{{{ {name} }}}}"):
            dialog.placeholders.itemDoubleClicked.emit(item)
            return
    raise AssertionError(name)


def test_an_edited_text_is_previewed_saved_and_sent(qtbot: QtBot, alpha: Workspace) -> None:
    runner = SyncRunner()
    dialog = _dialog(qtbot, alpha, runner)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    assert dialog.client_box.currentText() == "Alpha SARL (ALPHA)"
    assert dialog.source.text() == "Le texte fourni pour cette étape."
    assert dialog.preview_subject.text() == "Atelier Test SARL — relance : facture impayée F-ALPHA"
    preview = _plain(dialog.preview_body.toPlainText())
    assert "facture F-ALPHA du 10/10/2026, échue le 10/11/2026 : 1 234,56 €" in preview
    assert "L441-10" in dialog.preview_body.toPlainText()  # a business client: the legal mentions
    dialog.subject.setText("Rappel amical {{ client_code }} : ")
    dialog.subject.setFocus()
    qtbot.waitUntil(dialog.subject.hasFocus)
    dialog.subject.end(False)
    _placeholder(dialog, "invoices_total")  # goes where the cursor was: the subject
    dialog.body.setPlainText("Bonjour,\n\nVoici le détail :\n")
    dialog.body.setFocus()
    qtbot.waitUntil(dialog.body.hasFocus)
    dialog.body.moveCursor(dialog.body.textCursor().MoveOperation.End)
    _placeholder(dialog, "invoices")  # a ready-made loop over the invoices
    dialog.body.appendPlainText("\nMerci d'avance.\n{{ signature }}")
    qtbot.waitUntil(lambda: dialog.preview_subject.text().startswith("Rappel amical"), timeout=3000)
    assert _plain(dialog.preview_subject.text()) == "Rappel amical ALPHA : 1 234,56 €"
    assert "  - F-ALPHA — 10/10/2026 — 10/11/2026 — 1 234,56 €" in _plain(dialog.preview_body.toPlainText())
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert dialog.status.text() == "Enregistré : les e-mails de cette étape utilisent désormais ce texte."
    assert mail.mail_template_sections(alpha, "reminder_1", "fr")[1] is TemplateSource.DOSSIER
    with smtp_server() as server:
        send_the_days_step(alpha, TODAY, server.port)
    (got,) = server.handler.received
    assert got.message["Subject"] == "Rappel amical ALPHA : 1\u202f234,56\xa0€"
    text = body_text(got.message)
    assert text.startswith("Bonjour,\n\nVoici le détail :\n  - F-ALPHA — 10/10/2026 — 10/11/2026 — 1\u202f234,56\xa0€")
    assert "Merci d'avance.\nJeanne Durand\nAtelier Test SARL" in text
    assert runner.errors == []


def test_a_broken_text_shows_its_line_and_cannot_be_saved(qtbot: QtBot, alpha: Workspace) -> None:
    runner = SyncRunner()
    dialog = _dialog(qtbot, alpha, runner)
    shipped = dialog.body.toPlainText()
    dialog.body.setPlainText("Bonjour,\n\n{{ montant_du }}\n")
    dialog.refresh_preview()
    assert dialog.status.text() == "Section « corps », ligne 3 : champ inconnu {{ montant_du }}."
    assert not dialog.save_button.isEnabled() and len(dialog.body.extraSelections()) == 1  # the line is tinted
    dialog.body.setPlainText("Bonjour,\n{% for invoice in invoices %}\n{{ invoice.number }}\n")
    dialog.refresh_preview()
    assert "ligne 3" in dialog.status.text() and "endfor" in dialog.status.text()
    dialog.body.setPlainText("Bonjour,\n{% for invoice in invoices %}\n{{ invoice.numero }}\n{% endfor %}")
    dialog.refresh_preview()
    assert dialog.status.text().startswith("Section « corps », ligne 3 : impossible de produire le texte")
    assert "numero" in dialog.status.text() and not dialog.save_button.isEnabled()
    dialog.save()  # even asked directly, the service refuses it
    assert "numero" in dialog.status.text()
    assert mail.mail_template_sections(alpha, "reminder_1", "fr")[1] is TemplateSource.STEP  # nothing saved
    dialog.body.setPlainText("Bonjour,\n{% for invoice in invoices %}\n{{ invoice.number }}\n{% endfor %}")
    dialog.refresh_preview()
    assert dialog.status.text() == "" and dialog.save_button.isEnabled() and dialog.body.extraSelections() == []
    dialog.save()
    assert dialog.reset_button.isEnabled()
    dialog.reset_button.click()
    assert dialog.body.toPlainText() == shipped and dialog.source.text() == "Le texte fourni pour cette étape."
    assert mail.mail_template_sections(alpha, "reminder_1", "fr")[1] is TemplateSource.STEP
    assert runner.errors == []


def test_each_language_and_step_has_its_own_text_and_the_menu_opens_the_editor(qtbot: QtBot, alpha: Workspace,
                                                                              tmp_path: Path) -> None:
    from app.services import rates
    from app.ui.main_window import MainWindow
    from app.ui.view_base import ViewContext

    runner = SyncRunner()
    dialog = _dialog(qtbot, alpha, runner, "formal_notice")
    assert "second semestre 2026" in dialog.status.text()  # the notice states penalties: the rate is missing
    rates.save_rate(alpha, rates.RateRow(date(2026, 7, 1), 215, 262, 667, "test"))
    dialog.refresh_preview()
    assert dialog.preview_subject.text().startswith("Mise en demeure de payer")
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
    assert dialog.preview_subject.text().startswith("Formal notice to pay") and "€1,234.56" in \
        dialog.preview_body.toPlainText()
    dialog.template_box.setCurrentIndex(dialog.template_box.findData("default"))
    assert dialog.source.text().startswith("Le texte par défaut")
    window = MainWindow(alpha.info(), ViewContext(alpha, runner, TODAY))
    qtbot.addWidget(window)
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, "settings_mail_texts")
    assert action is not None and action.text() == "&Textes des e-mails…"
    action.trigger()
    assert window.findChildren(MailTemplatesDialog)
    assert runner.errors == []

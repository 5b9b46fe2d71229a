"""The shipped e-mail texts per ladder step and language: each renders for a business and a consumer client in
French and English with no unknown placeholder, lists every claimed invoice (number, dates, amount open) and the
total in the language's money format, and states the legal mentions that apply to that kind of client only."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.kinds import Language
from app.formatting import format_cents
from app.mail.templating import MailTemplateRefused, check_sections
from app.paths import resource
from app.services import mail, mail_drafts, rates
from app.services.workspace import Workspace
from tests.services.ledger import Ledger

AS_OF = date(2026, 11, 23)
STEP_TEMPLATES = ("courtesy", "reminder_1", "reminder_2", "reminder_3", "formal_notice", "default")
# (number, issued, due, amount): two overdue invoices, one of them above a thousand euros to show the grouping.
INVOICES = (("F-101", date(2026, 8, 1), date(2026, 8, 31), 123_456), ("F-102", date(2026, 9, 15),
                                                                        date(2026, 10, 15), 65_000))
TOTAL = 123_456 + 65_000


@pytest.fixture
def book(workspace: Workspace) -> Ledger:
    rates.save_rate(workspace, rates.RateRow(date(2026, 7, 1), 215, 262, 667, "test"))  # the notice's penalties
    book = Ledger(workspace)
    for code, consumer in (("PRO", False), ("PARTICULIER", True)):
        book.client(code, f"Client {code}", address_line1="1 rue A", postcode="69001", city="Lyon",
                    is_consumer=consumer)
        for number, issued, due, cents in INVOICES:
            book.invoice(code, f"{number}-{code[:3]}", issued, due, cents)
    return book


def test_every_step_of_the_default_ladders_has_its_own_text_in_both_languages() -> None:
    import json

    ladders = json.loads(resource("ladders/default.json").read_text(encoding="utf-8"))["ladders"]
    refs = {step["template"] for ladder in ladders for step in ladder["steps"] if step["channel"] in
            ("email", "letter", "registered_letter")}
    assert refs <= set(mail.SHIPPED_TEMPLATES)
    for ref in (*mail.SHIPPED_TEMPLATES, "default"):
        for language in ("fr", "en"):
            sections = mail.default_mail_sections(ref, language)
            check_sections(sections, tuple(mail.MAIL_PLACEHOLDERS))  # no name outside the documented list
            assert sections["subject"] and "{{ signature }}" in sections["body"]


@pytest.mark.parametrize("template", STEP_TEMPLATES)
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("code", ["PRO", "PARTICULIER"])
def test_a_shipped_text_renders_with_the_invoices_and_the_total(workspace: Workspace, book: Ledger, template: str,
                                                                language: str, code: str) -> None:
    client_id = book._clients[code]
    sections = mail.default_mail_sections(template, language)
    subject, body = mail_drafts.preview_mail(workspace, template, language, sections, client_id, AS_OF)
    suffix = code[:3]
    assert f"F-101-{suffix}" in subject and f"F-102-{suffix}" in subject
    for number, issued, due, cents in INVOICES:
        line = next(text for text in body.splitlines() if f"{number}-{suffix}" in text)
        assert issued.strftime("%d/%m/%Y") in line and due.strftime("%d/%m/%Y") in line
        assert format_cents(cents, language=language) in line
    assert format_cents(TOTAL, language=language) in body
    if language == "fr":  # 1 234,56 € with the non-breaking spaces that keep an amount on one line
        assert "1\u202f234,56\xa0€" in body and "1\u202f884,56\xa0€" in body
    else:
        assert "€1,234.56" in body
    assert "Atelier Test SARL" in body.rsplit("\n\n", 1)[-1]  # the signature closes the message
    assert "{{" not in body and "{%" not in body and "\n\n\n" not in body
    legal_b2b = "L441-10" in body and ("40 €" in body or "€40" in body)
    if template == "courtesy":
        assert not legal_b2b and "1344-1" not in body
    elif code == "PRO":
        assert legal_b2b and "1344-1" not in body
    else:  # a consumer owes neither the penalties nor the 40 € indemnity
        assert "L441-10" not in body and "D441-5" not in body and "40 €" not in body and "€40" not in body
        if template in ("reminder_2", "reminder_3", "formal_notice"):
            assert "1344-1" in body


def test_the_formal_notice_states_its_deadline_and_the_sums_claimed(workspace: Workspace, book: Ledger) -> None:
    sections = mail.default_mail_sections("formal_notice", "fr")
    subject, body = mail_drafts.preview_mail(workspace, "formal_notice", "fr", sections, book._clients["PRO"], AS_OF)
    assert subject.startswith("Mise en demeure de payer — Atelier Test SARL")
    assert "dans un délai de 8 jours, soit au plus tard le 1er décembre 2026" in body
    assert "Indemnités forfaitaires pour frais de recouvrement (article D441-5, 40 € par facture) : 80,00\xa0€" in body
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in body


def test_resolution_is_the_dossiers_text_then_the_steps_then_the_default(workspace: Workspace) -> None:
    shipped = mail.default_mail_sections("reminder_2", "fr")
    assert mail.mail_template_sections(workspace, "reminder_2", "fr") == (shipped, mail.TemplateSource.STEP)
    assert "deuxième relance" in shipped["subject"]
    default = mail.default_mail_sections("default", "fr")
    assert mail.mail_template_sections(workspace, "call", "fr") == (default, mail.TemplateSource.DEFAULT)
    mine = {"subject": "Relance {{ client_code }}", "body": "Bonjour,\n{{ invoices_total }}"}
    mail.save_mail_template(workspace, "reminder_2", "fr", mine)
    assert mail.mail_template_sections(workspace, "reminder_2", "fr") == (mine, mail.TemplateSource.DOSSIER)
    assert mail.mail_template_sections(workspace, "reminder_2", "en")[1] is mail.TemplateSource.STEP  # per language
    mail.reset_mail_template(workspace, "reminder_2", "fr")
    assert mail.mail_template_sections(workspace, "reminder_2", "fr") == (shipped, mail.TemplateSource.STEP)


def test_a_wrong_field_of_an_invoice_is_refused_with_its_line(workspace: Workspace, book: Ledger) -> None:
    sections = {"subject": "Relance", "body": "Bonjour,\n\n{% for invoice in invoices %}\n{{ invoice.numero }}\n"
                                              "{% endfor %}"}
    with pytest.raises(MailTemplateRefused, match="ligne 4") as refused:
        mail_drafts.preview_mail(workspace, "reminder_1", "fr", sections, book._clients["PRO"], AS_OF)
    assert refused.value.section == "body" and refused.value.line == 4 and "numero" in str(refused.value)


def test_the_client_language_picks_the_text(workspace: Workspace) -> None:
    assert Language.EN.value == "en"  # the client's language code is the template folder's name
    assert mail.default_mail_sections("reminder_1", "en")["subject"].startswith("{{ company_name }} — reminder")


def test_a_courtesy_reminder_before_the_due_date_goes_without_a_letter(workspace: Workspace) -> None:
    from app.domain.kinds import Channel, OutboxState
    from app.services import clients, mail_outbox, next_steps
    from app.services.dto import ContactInput
    from tests.mail.smtpd import body_text, keyring_in_memory, send_the_days_step, smtp_server

    book = Ledger(workspace)
    client_id = book.client("SOON", "Bientôt SAS", address_line1="1 rue A", postcode="69001", city="Lyon")
    book.invoice("SOON", "F-900", date(2026, 10, 27), date(2026, 11, 26), 250_000)
    clients.add_contact(workspace, ContactInput(client_id, "Léa Bientôt", email="lea@bientot.fr", is_billing=True))
    (step,) = next_steps.build_todo(workspace, AS_OF).suggestions
    assert step.channel is Channel.EMAIL and step.template == "courtesy"
    with keyring_in_memory(), smtp_server() as server:
        send_the_days_step(workspace, AS_OF, server.port)
    (got,) = server.handler.received
    assert got.message["Subject"] == "Atelier Test SARL — échéance prochaine : facture F-900"
    text = body_text(got.message)
    assert "Bonjour Léa Bientôt," in text and "à régler au plus tard le 26/11/2026 : 2\u202f500,00\xa0€" in text
    assert "Jeanne Durand\nAtelier Test SARL" in text  # no signature set: the sender and the company sign
    assert list(got.message.iter_attachments()) == []  # nothing to claim yet: no reminder letter
    assert [row.state for row in mail_outbox.outbox(workspace)] == [OutboxState.SENT]


def test_the_courtesy_preview_lists_the_invoices_still_to_fall_due(workspace: Workspace, book: Ledger) -> None:
    book.invoice("PRO", "F-201", date(2026, 11, 2), date(2026, 12, 2), 42_000)
    sections = mail.default_mail_sections("courtesy", "fr")
    _subject, body = mail_drafts.preview_mail(workspace, "courtesy", "fr", sections, book._clients["PRO"], AS_OF)
    assert "F-201" in body and format_cents(42_000, language="fr") in body
    assert "F-101-PRO" not in body and "F-102-PRO" not in body  # already overdue: not "bientôt à échéance"

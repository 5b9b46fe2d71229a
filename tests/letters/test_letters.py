"""Letters read back from their PDF: the figures and mentions a user and a judge check, computed by hand here."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
import segno
from pypdf import PdfReader

from app.domain.kinds import InvoiceKind, Language
from app.letters.data import LetterKind
from app.letters.document import render_document
from app.letters.layout import epc_matrix
from app.letters.render import render_batch
from app.letters.templating import TemplateRefused, render_texts
from app.services import cases, letters
from app.services.cases import InstalmentInput
from app.services.letter_templates import default_sections, save_template, template_sections
from app.services.rates import RateRow, save_rate
from app.services.workspace import Workspace
from tests.services.ledger import Ledger

AS_OF = date(2026, 11, 23)


def text_of(pdf: bytes) -> str:
    """Every page's text, with the no-break spaces of French amounts made plain."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\u202f", " ").replace("\xa0", " ")


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text().replace("\u202f", " ").replace("\xa0", " ")
            for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def alpha(workspace: Workspace) -> tuple[Ledger, int]:
    """ALPHA (SIREN 552 100 554): F2 500,00 € due 01/11/2026, 200,00 € paid 10/11 → 300,00 € open; a 50,00 € payment
    of 15/11 not allocated; F1 1 000,00 € not yet due. The dossier has the second half of 2026 (ECB 2,15 %)."""
    save_rate(workspace, RateRow(date(2026, 7, 1), 215, 262, 667))
    book = Ledger(workspace)
    client_id = book.client("ALPHA", "Alpha SARL", siren="552100554", address_line1="3 avenue des Lilas",
                            postcode="75011", city="Paris")
    book.invoice("ALPHA", "F1", date(2026, 10, 31), date(2026, 11, 30), 100_000)
    f2 = book.invoice("ALPHA", "F2", date(2026, 10, 2), date(2026, 11, 1), 50_000)
    book.pay("ALPHA", date(2026, 11, 10), 20_000, (f2, 20_000))
    book.pay("ALPHA", date(2026, 11, 15), 5_000)
    return book, client_id


def test_the_formal_notice_states_penalties_computed_by_hand(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    """F2, 500,00 € due 01/11/2026, 200,00 € received 10/11, as of 23/11 at 2,15 % + 10 = 12,15 %:
    2–10 November (9 days) on 500,00 €: 50 000 × 12,15 % × 9 / 365 = 149,79 c → 1,50 €
    11–23 November (13 days) on 300,00 €: 30 000 × 12,15 % × 13 / 365 = 129,82 c → 1,30 €
    Interest 2,80 €, indemnity 40,00 €; principal 300,00 − 50,00 (unallocated payment) = 250,00 €; total 292,80 €.
    Deadline: 8 days (the dossier default) → 1 December 2026."""
    _book, client_id = alpha
    document = letters.produce_letter(workspace, client_id, LetterKind.NOTICE, AS_OF)
    data = document.data
    assert [(p.days, p.base_cents, p.rate_bp, p.cents) for p in data.penalties[0].periods] == [
        (9, 50_000, 1215, 150), (13, 30_000, 1215, 130)]
    assert (data.claimed_cents, data.interest_cents, data.indemnity_cents, data.total_cents) == (
        25_000, 280, 4_000, 29_280)
    text = text_of(document.pdf)
    for mention in ("LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION", "MISE EN DEMEURE DE PAYER",
                    "SIREN 732 829 320", "SIREN 552 100 554", "Alpha SARL", "3 avenue des Lilas", "75011 Paris",
                    "Lyon, le 23 novembre 2026", "du 02/11/2026 au 10/11/2026", "du 11/11/2026 au 23/11/2026",
                    "12,15 %", "1,50 €", "1,30 €", "40,00 €", "250,00 €", "292,80 €", "300,00 €",
                    "au plus tard le 1er décembre 2026 (8 jours", "L441-10", "D441-5", "Taux BCE + 10 points",
                    "juridiction compétente", "injonction de payer", "IBAN : FR76 3000 6000 0112 3456 7890 189",
                    "Référence à indiquer : ALPHA F2", "GiroCode", "Page 1 / 2", "Page 2 / 2"):
        assert mention in text, mention
    assert "F1" not in text.split("Référence à indiquer")[0].split("Facture")[1]  # not yet due: not claimed


def test_the_qr_code_holds_the_epc_payload_and_is_drawn(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    _book, client_id = alpha
    document = letters.produce_letter(workspace, client_id, LetterKind.REMINDER1, AS_OF)
    payload = b"BCD\n002\n1\nSCT\n\nAtelier Test SARL\nFR7630006000011234567890189\nEUR250\n\n\nALPHA F2"
    expected = segno.make_qr(payload, error="m", boost_error=False)
    matrix = epc_matrix(document.data.creditor, 25_000, "ALPHA F2")
    assert matrix == tuple(tuple(bool(cell) for cell in row) for row in expected.matrix)
    content = PdfReader(io.BytesIO(document.pdf)).pages[0].get_contents().get_data()
    assert content.count(b" re") > 100  # the modules, drawn as rectangles


def test_reminders_list_credits_previous_reminders_and_the_net_claim(workspace: Workspace,
                                                                      alpha: tuple[Ledger, int]) -> None:
    _book, client_id = alpha
    first = text_of(letters.produce_letter(workspace, client_id, LetterKind.REMINDER1, AS_OF).pdf)
    assert "Rappel : 1 facture échue — 250,00 €" in first
    assert "Paiement" in first and "15/11/2026" in first and "−50,00 €" in first
    assert "Montant net réclamé" in first and "250,00 €" in first and "22" in first
    third = letters.produce_letter(workspace, client_id, LetterKind.REMINDER3, AS_OF)
    assert "Dernière relance avant mise en demeure" in text_of(third.pdf)


def test_same_inputs_same_bytes(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    _book, client_id = alpha
    for kind in (LetterKind.NOTICE, LetterKind.CLAIM, LetterKind.STATEMENT):
        one = letters.produce_letter(workspace, client_id, kind, AS_OF)
        two = letters.produce_letter(workspace, client_id, kind, AS_OF)
        assert one.pdf == two.pdf and one.sha256 == two.sha256 and len(one.sha256) == 64


def test_an_english_client_gets_the_english_letter(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    book, _client_id = alpha
    client_id = book.client("BRIT", "Brit Ltd", language=Language.EN, address_line1="1 High Street",
                            postcode="SW1A 1AA", city="London", country="GB")
    book.invoice("BRIT", "F9", date(2026, 9, 1), date(2026, 10, 1), 123_456)
    text = text_of(letters.produce_letter(workspace, client_id, LetterKind.NOTICE, AS_OF).pdf)
    for mention in ("REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT", "FORMAL NOTICE TO PAY", "Dear Sir or Madam",
                    "€1,234.56", "1 December 2026", "Lyon, 23 November 2026", "Fixed recovery indemnity", "GB"):
        assert mention in text, mention
    assert "Madame" not in text
    claim = text_of(letters.produce_letter(workspace, client_id, LetterKind.CLAIM, AS_OF).pdf)
    assert "Requête en injonction de payer" in claim  # filed with a French court: in French


def test_sixty_invoices_break_across_pages_with_the_header_repeated(workspace: Workspace,
                                                                    alpha: tuple[Ledger, int]) -> None:
    book, _client_id = alpha
    client_id = book.client("MANY", "Nombreuses Factures SA")
    for number in range(1, 61):
        book.invoice("MANY", f"M{number:03d}", date(2026, 8, 1), date(2026, 9, number % 28 + 1), 10_000 + number)
    pages = pages_of(letters.produce_letter(workspace, client_id, LetterKind.REMINDER2, AS_OF).pdf)
    assert len(pages) >= 3
    table_pages = [page for page in pages if "01/08/2026" in page]
    assert len(table_pages) >= 2
    assert all("Facture" in page and "Reste dû" in page for page in table_pages)  # header repeated
    assert all(f"Page {n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "M060" in "".join(pages) and "Total des factures échues" in "".join(pages)


def test_a_missing_half_year_names_it(workspace: Workspace) -> None:
    book = Ledger(workspace)
    client_id = book.client("LATE", "En Retard SAS")
    book.invoice("LATE", "L1", date(2026, 5, 1), date(2026, 6, 1), 10_000)
    with pytest.raises(letters.LetterFailed, match=r"second semestre 2026 .*01/07/2026.*Taux légaux"):
        letters.produce_letter(workspace, client_id, LetterKind.NOTICE, AS_OF)
    letters.produce_letter(workspace, client_id, LetterKind.REMINDER1, AS_OF)  # a reminder states no penalty


def test_a_consumer_owes_no_indemnity_and_the_civil_code_applies(workspace: Workspace,
                                                                 alpha: tuple[Ledger, int]) -> None:
    book, _client_id = alpha
    client_id = book.client("CONSO", "Jeanne Martin", is_consumer=True)
    book.invoice("CONSO", "C1", date(2026, 9, 1), date(2026, 10, 1), 60_000)
    document = letters.produce_letter(workspace, client_id, LetterKind.NOTICE, AS_OF)
    assert document.data.indemnity_cents == 0 and document.data.interest_cents == 0  # runs from this notice
    text = text_of(document.pdf)
    assert "1231-6" in text and "1344-1" in text and "D441-5 du Code de commerce (indemnité" not in text


def test_the_claim_file_merges_the_stored_letters(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    """A mise en demeure executed from a suggestion is stored with its hash; the claim file then lists it in its
    timeline and exhibits and carries its pages after the cover."""
    _book, client_id = alpha
    notice = letters.produce_letter(workspace, client_id, LetterKind.NOTICE, AS_OF)
    with workspace.dossier.transaction() as session:
        document_id = letters.store_document(session, notice.filename, notice.pdf)
        from app.domain.kinds import ActionKind, Channel
        from app.services.history import record_action

        record_action(session, client_id=client_id, kind=ActionKind.FORMAL_NOTICE, occurred_on=AS_OF,
                      summary="Mise en demeure : F2", channel=Channel.REGISTERED_LETTER, document_id=document_id)
    claim = letters.produce_letter(workspace, client_id, LetterKind.CLAIM, AS_OF)
    cover_pages = len(PdfReader(io.BytesIO(letters.produce(replace(claim.data, attachments=())).pdf)).pages)
    pages = pages_of(claim.pdf)
    assert len(pages) == cover_pages + 2
    cover = "\n".join(pages[:cover_pages])
    for mention in ("Requête en injonction de payer", "Chronologie des démarches", "Bordereau des pièces",
                    notice.filename, "tribunal de commerce", "292,80 €", "SIREN 552 100 554",
                    "Fait à Lyon, le 23 novembre 2026"):
        assert mention in cover, mention
    assert "MISE EN DEMEURE DE PAYER" in pages[cover_pages]


def test_statement_and_payment_plan(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    _book, client_id = alpha
    statement = text_of(letters.produce_letter(workspace, client_id, LetterKind.STATEMENT, AS_OF).pdf)
    assert "Relevé de compte au 23 novembre 2026" in statement
    assert "non échue" in statement and "22 j de retard" in statement
    assert "1 250,00 €" in statement  # 1 000 + 300 − 50
    invoice_id = workspace.dossier.engine.connect().exec_driver_sql(
        "SELECT id FROM invoices WHERE number = 'F2'").scalar_one()
    cases.create_plan(workspace, (invoice_id,), date(2026, 11, 20),
                      [InstalmentInput(date(2026, 12, 5), 15_000), InstalmentInput(date(2027, 1, 5), 15_000)])
    plan = text_of(letters.produce_letter(workspace, client_id, LetterKind.PLAN, AS_OF).pdf)
    for mention in ("Accord d'échéancier de paiement", "5 décembre 2026", "5 janvier 2027", "150,00 €", "300,00 €",
                    "Pour le créancier", "Pour le débiteur", "lu et approuvé", "Factures concernées : F2"):
        assert mention in plan, mention


def test_templates_are_sandboxed_and_unknown_placeholders_refused(workspace: Workspace,
                                                                  alpha: tuple[Ledger, int]) -> None:
    _book, client_id = alpha
    sections = default_sections(LetterKind.REMINDER1, "fr")
    with pytest.raises(TemplateRefused, match=r"champ inconnu \{\{ montant \}\}"):
        save_template(workspace, LetterKind.REMINDER1, "fr", {**sections, "body": "Payez {{ montant }}."})
    with pytest.raises(TemplateRefused):
        render_texts({**sections, "body": "{{ ''.__class__.__mro__ }}"}, {})
    with pytest.raises(TemplateRefused):
        render_texts({**sections, "body": "{{ client_name.__class__ }}"}, _values())
    with pytest.raises(TemplateRefused, match="ligne"):
        save_template(workspace, LetterKind.REMINDER1, "fr", {**sections, "body": "{% if %}"})
    save_template(workspace, LetterKind.REMINDER1, "fr",
                  {**sections, "body": "Cher {{ client_name }}, merci de régler {{ claimed_amount }}."})
    assert template_sections(workspace, LetterKind.REMINDER1, "fr")[1]
    text = text_of(letters.produce_letter(workspace, client_id, LetterKind.REMINDER1, AS_OF).pdf)
    assert "Cher Alpha SARL, merci de régler 250,00 €." in text


def _values() -> dict[str, object]:
    from app.letters.templating import PLACEHOLDERS

    return {**dict.fromkeys(PLACEHOLDERS, "x"), "invoice_count": 1, "plan_instalment_count": 1}


def test_a_batch_keeps_each_letters_page_numbers(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    book, client_id = alpha
    other = book.client("GAMMA", "Gamma SAS")
    book.invoice("GAMMA", "G1", date(2026, 9, 1), date(2026, 10, 1), 20_000)
    seen: list[tuple[int, int]] = []
    pdf = letters.batch_pdf(workspace, [(client_id, LetterKind.REMINDER1), (other, LetterKind.REMINDER2)], AS_OF,
                            progress=lambda done, total: seen.append((done, total)))
    pages = pages_of(pdf)
    assert len(pages) == 2 and all("Page 1 / 1" in page for page in pages)
    assert "Alpha SARL" in pages[0] and "Gamma SAS" in pages[1]
    assert seen == [(0, 2), (1, 2), (2, 2)]
    data = [letters.letter_data(workspace, client_id, LetterKind.REMINDER1, AS_OF)] * 2
    assert render_batch(data) == render_batch(data)


def test_documents_render_with_helvetica_too(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    _book, client_id = alpha
    data = letters.letter_data(workspace, client_id, LetterKind.NOTICE, AS_OF)
    assert "292,80 €" in text_of(render_document(data))


def test_credit_notes_are_deducted(workspace: Workspace) -> None:
    book = Ledger(workspace)
    client_id = book.client("DELTA", "Delta SA")
    book.invoice("DELTA", "D1", date(2026, 9, 1), date(2026, 10, 1), 30_000)
    book.invoice("DELTA", "AV1", date(2026, 10, 5), date(2026, 10, 5), 10_000, kind=InvoiceKind.CREDIT_NOTE)
    data = letters.letter_data(workspace, client_id, LetterKind.REMINDER1, AS_OF)
    assert (data.overdue_cents, data.credits_cents, data.claimed_cents) == (30_000, 10_000, 20_000)
    assert "Avoir AV1" in text_of(letters.produce(data).pdf)


def test_nothing_to_claim_is_said_plainly(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    book, _client_id = alpha
    client_id = book.client("EARLY", "Pas Encore Échu SARL")
    book.invoice("EARLY", "E1", date(2026, 11, 1), date(2026, 12, 1), 10_000)
    with pytest.raises(letters.LetterFailed, match="aucune facture échue"):
        letters.produce_letter(workspace, client_id, LetterKind.REMINDER1, AS_OF)
    assert "non échue" in text_of(letters.produce_letter(workspace, client_id, LetterKind.STATEMENT, AS_OF).pdf)


def test_a_scanned_receipt_becomes_a_page_of_the_claim_file(workspace: Workspace, alpha: tuple[Ledger, int]) -> None:
    from PIL import Image

    from app.domain.kinds import ActionKind, Channel
    from app.services.history import record_action

    _book, client_id = alpha
    scan = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(scan, "PNG")
    with workspace.dossier.transaction() as session:
        receipt = letters.store_document(session, "avis-de-reception.png", scan.getvalue(), "image/png")
        record_action(session, client_id=client_id, kind=ActionKind.DELIVERY, occurred_on=date(2026, 11, 20),
                      summary="AR signé", channel=Channel.REGISTERED_LETTER, document_id=receipt)
    claim = letters.produce_letter(workspace, client_id, LetterKind.CLAIM, AS_OF)
    pages = pages_of(claim.pdf)
    assert "Distribution LRAR — 20 novembre 2026" in pages[-1]  # the exhibit's title over the scan
    assert "avis-de-reception.png" in "".join(pages[:-1]) and "AR signé" in "".join(pages[:-1])

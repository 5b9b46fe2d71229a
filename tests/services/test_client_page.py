"""The client page: ledger with its running balance, statuses, unallocated line, history, promises, risk."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event

from app.domain.kinds import ActionKind
from app.domain.records import InvoiceStatus, PaymentFacts
from app.models import StoredDocument
from app.services import cases
from app.services.client_page import (
    CREDIT_NOTE,
    INVOICE,
    PAYMENT,
    UNALLOCATED,
    client_id_for_code,
    client_page,
    document_bytes,
    instalment_states,
)
from app.services.history import record_action
from app.services.validation import ValidationFailed
from tests.conftest import TODAY
from tests.services.ledger import Ledger


def test_alpha_ledger_running_balance(ledger: Ledger) -> None:
    alpha = client_id_for_code(ledger.ws, "ALPHA")
    assert alpha is not None
    page = client_page(ledger.ws, alpha, TODAY)
    # F2 02/10 +500,00 → 500,00; F1 31/10 +1 000,00 → 1 500,00; payment 10/11 −200,00 → 1 300,00;
    # payment 15/11 −50,00 → 1 250,00; then the unallocated 50,00 € on its own line, balance unchanged.
    assert [(line.on, line.kind, line.amount_cents, line.balance_cents) for line in page.ledger] == [
        (date(2026, 10, 2), INVOICE, 50_000, 50_000),
        (date(2026, 10, 31), INVOICE, 100_000, 150_000),
        (date(2026, 11, 10), PAYMENT, -20_000, 130_000),
        (date(2026, 11, 15), PAYMENT, -5_000, 125_000),
        (TODAY, UNALLOCATED, 5_000, 125_000),
    ]
    f2, f1 = page.ledger[0], page.ledger[1]
    assert (f2.reference, f2.open_cents, f2.days_late, f2.status) == ("F2", 30_000, 22, InvoiceStatus.PARTIALLY_PAID)
    assert (f1.reference, f1.open_cents, f1.days_late, f1.status) == ("F1", 100_000, 0, InvoiceStatus.NOT_DUE)
    assert "F2" in page.ledger[2].detail
    assert page.ledger[3].detail == ""
    # Net balance = open invoices 1 300,00 − unallocated 50,00.
    assert (page.balance_cents, page.overdue_cents, page.unallocated_cents) == (125_000, 30_000, 5_000)


def test_beta_credit_note_and_dispute(ledger: Ledger) -> None:
    beta = client_id_for_code(ledger.ws, "BETA")
    assert beta is not None
    page = client_page(ledger.ws, beta, TODAY)
    # F3 02/07 +800,00; A1 01/09 −100,00 → 700,00; the credit note is not allocated: 100,00 € unallocated.
    assert [(line.kind, line.amount_cents, line.balance_cents) for line in page.ledger] == [
        (INVOICE, 80_000, 80_000), (CREDIT_NOTE, -10_000, 70_000), (UNALLOCATED, 10_000, 70_000)]
    f3 = page.ledger[0]
    assert (f3.status, f3.days_late, f3.open_cents) == (InvoiceStatus.DISPUTED, 114, 80_000)
    assert len(page.disputes) == 1 and page.disputes[0].invoice_numbers == ("F3",)
    assert [f.points for f in page.risk.factors if f.key == "open_disputes"] == [1]
    assert [entry.kind for entry in page.history] == [ActionKind.DISPUTE_OPENED]


def test_ledger_stops_at_the_as_of_date(ledger: Ledger) -> None:
    alpha = client_id_for_code(ledger.ws, "ALPHA")
    assert alpha is not None
    page = client_page(ledger.ws, alpha, date(2026, 11, 12))
    assert [(line.kind, line.balance_cents) for line in page.ledger] == [
        (INVOICE, 50_000), (INVOICE, 150_000), (PAYMENT, 130_000)]
    assert page.unallocated_cents == 0


def test_promise_becomes_broken_after_its_date(ledger: Ledger) -> None:
    alpha = client_id_for_code(ledger.ws, "ALPHA")
    assert alpha is not None
    f2 = next(line.invoice_id for line in client_page(ledger.ws, alpha, TODAY).ledger if line.reference == "F2")
    assert f2 is not None
    # Kept: 200,00 € promised for 12/11, made 09/11; the 200,00 € payment of 10/11 is in its window.
    cases.record_promise(ledger.ws, (f2,), date(2026, 11, 9), date(2026, 11, 12), 20_000)
    # 300,00 € promised for 18/11, made 16/11: no payment from 16/11 to 21/11 (18/11 + 3 days of grace).
    cases.record_promise(ledger.ws, (f2,), date(2026, 11, 16), date(2026, 11, 18), 30_000)
    before = client_page(ledger.ws, alpha, date(2026, 11, 19))
    assert [(p.promised_on, p.outcome) for p in before.promises] == [
        (date(2026, 11, 18), "pending"), (date(2026, 11, 12), "kept")]
    after = client_page(ledger.ws, alpha, TODAY)
    assert [(p.promised_on, p.outcome) for p in after.promises] == [
        (date(2026, 11, 18), "broken"), (date(2026, 11, 12), "kept")]
    assert [f.points for f in after.risk.factors if f.key == "broken_promises"] == [2]
    # History newest first, payments included (10/11 on F2, 15/11 unallocated).
    assert [(e.on, e.kind) for e in after.history] == [
        (date(2026, 11, 16), ActionKind.PROMISE), (date(2026, 11, 15), ActionKind.PAYMENT),
        (date(2026, 11, 10), ActionKind.PAYMENT), (date(2026, 11, 9), ActionKind.PROMISE)]
    assert after.history[0].invoice_numbers == ("F2",)


def test_history_document_and_credit_limit(ledger: Ledger) -> None:
    gamma = ledger.client("GAMMA", "Gamma SA", credit_limit_cents=50_000)
    ledger.invoice("GAMMA", "G1", date(2026, 9, 1), date(2026, 10, 1), 60_000)
    with ledger.ws.dossier.transaction() as session:
        document = StoredDocument(filename="relance.pdf", mime_type="application/pdf", sha256="0" * 64,
                                  content=b"%PDF-1.4 test", created_at=datetime(2026, 11, 2))
        session.add(document)
        session.flush()
        record_action(session, client_id=gamma, kind=ActionKind.LETTER, occurred_on=date(2026, 11, 2),
                      summary="Lettre de relance", document_id=document.id, details={"outcome": "envoyée"})
        record_action(session, client_id=gamma, kind=ActionKind.NOTE, occurred_on=date(2026, 11, 20),
                      summary="Appeler lundi")
    page = client_page(ledger.ws, gamma, TODAY)
    assert page.over_credit_limit  # 600,00 € > 500,00 €
    assert [e.summary for e in page.history] == ["Appeler lundi", "Lettre de relance"]
    letter = page.history[1]
    assert letter.document_filename == "relance.pdf"
    assert ("outcome", "envoyée") in letter.details
    assert letter.document_id is not None
    assert document_bytes(ledger.ws, letter.document_id) == ("relance.pdf", b"%PDF-1.4 test")
    assert not client_page(ledger.ws, gamma, date(2026, 8, 31)).over_credit_limit  # G1 not issued yet


def test_unknown_client_and_code(ledger: Ledger) -> None:
    assert client_id_for_code(ledger.ws, "NOPE") is None
    with pytest.raises(ValidationFailed):
        client_page(ledger.ws, 999_999, TODAY)
    with pytest.raises(ValidationFailed):
        document_bytes(ledger.ws, 999_999)


def test_instalment_states() -> None:
    payments = [PaymentFacts(1, date(2026, 9, 5), 30_000), PaymentFacts(1, date(2026, 8, 1), 99_000)]
    dues = [(date(2026, 9, 1), 20_000), (date(2026, 10, 1), 20_000), (date(2026, 12, 1), 20_000)]
    # Received from 15/08: 300,00 € covers the first (200,00), not the first two (400,00).
    assert instalment_states(date(2026, 8, 15), None, dues, payments, TODAY) == ["paid", "overdue", "upcoming"]
    assert instalment_states(date(2026, 8, 15), date(2026, 11, 1), dues, payments, TODAY) == [
        "paid", "cancelled", "cancelled"]


def test_query_count_does_not_grow_with_the_rows(ledger: Ledger) -> None:
    """No per-row query: the page of a client with 40 invoices costs as many statements as with 2."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    alpha = client_id_for_code(ledger.ws, "ALPHA")
    assert alpha is not None
    event.listen(ledger.ws.dossier.engine, "before_cursor_execute", count)
    try:
        client_page(ledger.ws, alpha, TODAY)
        few = len(statements)
        for n in range(38):
            invoice = ledger.invoice("ALPHA", f"X{n}", date(2026, 6, 1), date(2026, 7, 1), 1_000 + n)
            ledger.pay("ALPHA", date(2026, 7, 15), 500, (invoice, 500))
        statements.clear()
        page = client_page(ledger.ws, alpha, TODAY)
        assert sum(1 for line in page.ledger if line.kind == INVOICE) == 40
        assert len(statements) == few
    finally:
        event.remove(ledger.ws.dossier.engine, "before_cursor_execute", count)

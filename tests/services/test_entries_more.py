"""Recovery costs, attached documents and the choices the entry dialogs list."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from app.domain.kinds import ActionKind, CostKind, InvoiceKind
from app.models import Action, Invoice, PaymentPlan, RecoveryCost, StoredDocument
from app.services import cases, entries
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from tests.conftest import TODAY
from tests.services.ledger import Ledger


def test_recovery_cost_is_stored_with_its_history_entry(workspace: Workspace) -> None:
    client_id = Ledger(workspace).client("A")
    cost_id = entries.record_recovery_cost(workspace, client_id, date(2026, 11, 20), CostKind.REGISTERED_LETTER,
                                           712, "LRAR 1A234")
    with workspace.dossier.reading() as session:
        cost = session.get(RecoveryCost, cost_id)
        assert cost is not None and cost.amount_cents == 712 and cost.action_id is not None
        action = session.get(Action, cost.action_id)
        assert action is not None and action.kind == ActionKind.NOTE and "712" in action.details


def test_recovery_cost_refuses_zero_and_unknown_client(workspace: Workspace) -> None:
    client_id = Ledger(workspace).client("A")
    with pytest.raises(ValidationFailed) as caught:
        entries.record_recovery_cost(workspace, client_id, TODAY, CostKind.POSTAGE, 0)
    assert caught.value.problems[0].field == "amount_cents"
    with pytest.raises(ValidationFailed):
        entries.record_recovery_cost(workspace, 999, TODAY, CostKind.POSTAGE, 100)
    with workspace.dossier.reading() as session:
        assert session.scalars(select(RecoveryCost)).all() == []


def test_attach_document_to_invoice_and_plan(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A")
    f1 = book.invoice("A", "F1", date(2026, 10, 1), date(2026, 10, 31), 12_000)
    doc_id = entries.attach_document(workspace, "F1.pdf", b"%PDF-1.4 original", invoice_id=f1)
    plan_id = cases.create_plan(workspace, (f1,), TODAY, cases.monthly_instalments(12_000, 3, date(2026, 12, 1)))
    signed_id = entries.attach_document(workspace, "plan.pdf", b"%PDF signed", plan_id=plan_id)
    with workspace.dossier.reading() as session:
        document = session.get(StoredDocument, doc_id)
        assert document is not None
        assert document.sha256 == hashlib.sha256(b"%PDF-1.4 original").hexdigest()
        assert document.mime_type == "application/pdf"
        invoice = session.get(Invoice, f1)
        plan = session.get(PaymentPlan, plan_id)
        assert invoice is not None and invoice.original_document_id == doc_id
        assert plan is not None and plan.signed_document_id == signed_id
        linked = session.scalars(select(Action.document_id).where(Action.document_id.is_not(None))).all()
        assert set(linked) == {doc_id, signed_id}


def test_attach_document_refuses_empty_or_ambiguous(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A")
    f1 = book.invoice("A", "F1", date(2026, 10, 1), date(2026, 10, 31), 12_000)
    with pytest.raises(ValidationFailed):
        entries.attach_document(workspace, "x.pdf", b"", invoice_id=f1)
    with pytest.raises(ValidationFailed):
        entries.attach_document(workspace, "x.pdf", b"x")
    with pytest.raises(ValidationFailed):
        entries.attach_document(workspace, "x.pdf", b"x", invoice_id=f1, plan_id=1)


def test_choices_for_the_pickers(ledger: Ledger, workspace: Workspace) -> None:
    clients = entries.client_choices(workspace)
    assert [c.account_code for c in clients] == ["ALPHA", "BETA"]
    alpha, beta = clients[0].id, clients[1].id
    items = entries.open_items_for_client(workspace, alpha, TODAY)
    assert [(i.number, i.open_cents) for i in items] == [("F2", 30_000), ("F1", 100_000)]
    assert entries.open_credit_notes(workspace, alpha, TODAY) == []
    notes = entries.open_credit_notes(workspace, beta, TODAY)
    assert [(n.number, n.remaining_cents) for n in notes] == [("A1", 10_000)]
    disputes = entries.open_disputes(workspace, beta)
    assert [d.numbers for d in disputes] == [("F3",)]
    assert entries.segment_choices(workspace)  # the new dossier's seeded segments
    detail = entries.client_detail(workspace, beta)
    assert detail.data.name == "Bêta SAS" and detail.contacts == ()


def test_credit_note_choice_shrinks_once_allocated(ledger: Ledger, workspace: Workspace) -> None:
    from app.services import payments
    from app.services.dto import AllocationInput
    beta = entries.client_choices(workspace)[1].id
    note = entries.open_credit_notes(workspace, beta, TODAY)[0]
    f3 = entries.open_items_for_client(workspace, beta, TODAY)[0]
    payments.allocate_credit_note(workspace, note.id, (AllocationInput(f3.invoice_id, 4_000),))
    assert entries.open_credit_notes(workspace, beta, TODAY)[0].remaining_cents == 6_000
    with workspace.dossier.reading() as session:
        kinds = session.scalars(select(Invoice.kind).where(Invoice.id == note.id)).all()
        assert kinds == [InvoiceKind.CREDIT_NOTE]


def test_promise_becomes_broken_after_its_date(workspace: Workspace) -> None:
    book = Ledger(workspace)
    client_id = book.client("A")
    f1 = book.invoice("A", "F1", date(2026, 10, 1), date(2026, 10, 31), 12_000)
    cases.record_promise(workspace, (f1,), date(2026, 11, 20), date(2026, 11, 25), 12_000)
    assert [p.outcome for p in entries.promise_statuses(workspace, client_id, TODAY)] == ["pending"]
    assert [p.outcome for p in entries.promise_statuses(workspace, client_id, date(2026, 11, 28))] == ["broken"]
    book.pay("A", date(2026, 11, 24), 12_000, (f1, 12_000))
    assert [p.outcome for p in entries.promise_statuses(workspace, client_id, date(2026, 11, 28))] == ["kept"]

"""Entering clients, invoices, payments and cases: validation, allocation limits, history, the invoice list."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from app.domain.kinds import ActionKind, DisputeOutcome, DisputeReason, InvoiceKind
from app.domain.records import InvoiceStatus
from app.services import cases, clients, invoices, payments
from app.services.dto import AllocationInput, ClientInput, InvoiceInput, InvoiceQuery, PaymentInput
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from tests.conftest import TODAY
from tests.services.ledger import Ledger


def _dump(ws: Workspace) -> list[str]:
    return list(sqlite3.connect(ws.path).iterdump())


def test_client_validation_names_each_field(workspace: Workspace) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clients.add_client(workspace, ClientInput(account_code="", name="X", siren="123", vat_number="FR00",
                                                  do_not_remind=True))
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"account_code", "siren", "vat_number", "do_not_remind_reason"}


def test_duplicate_account_code_is_refused(workspace: Workspace) -> None:
    clients.add_client(workspace, ClientInput(account_code="411A", name="A"))
    with pytest.raises(ValidationFailed, match="411A"):
        clients.add_client(workspace, ClientInput(account_code="411A", name="B"))


def test_invoice_checks_dates_amounts_and_unique_number(workspace: Workspace) -> None:
    book = Ledger(workspace)
    client_id = book.client("A")
    bad = InvoiceInput(number="F1", client_id=client_id, issue_date=date(2026, 11, 10),
                       due_date=date(2026, 11, 1), amount_incl_cents=-5, amount_excl_cents=0)
    with pytest.raises(ValidationFailed) as caught:
        invoices.add_invoice(workspace, bad)
    assert {problem.field for problem in caught.value.problems} == {"due_date", "amount_incl_cents"}
    book.invoice("A", "F1", date(2026, 11, 1), date(2026, 12, 1), 1_000)
    with pytest.raises(ValidationFailed, match="F1"):
        book.invoice("A", "F1", date(2026, 11, 1), date(2026, 12, 1), 2_000)


def test_payment_allocation_over_open_amount_is_refused_and_writes_nothing(workspace: Workspace) -> None:
    book = Ledger(workspace)
    client_id = book.client("A")
    f1 = book.invoice("A", "F1", date(2026, 10, 1), date(2026, 10, 31), 10_000)
    book.pay("A", date(2026, 11, 2), 6_000, (f1, 6_000))
    before = _dump(workspace)
    with pytest.raises(ValidationFailed, match="F1"):
        payments.record_payment(workspace, PaymentInput(client_id, date(2026, 11, 5), 5_000,
                                                        allocations=(AllocationInput(f1, 5_000),)))
    with pytest.raises(ValidationFailed, match="dépassent"):
        payments.record_payment(workspace, PaymentInput(client_id, date(2026, 11, 5), 1_000,
                                                        allocations=(AllocationInput(f1, 2_000),)))
    assert _dump(workspace) == before


def test_database_refuses_over_allocation_even_without_the_service(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A")
    f1 = book.invoice("A", "F1", date(2026, 10, 1), date(2026, 10, 31), 10_000)
    connection = sqlite3.connect(workspace.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="exceed the invoice"):
            connection.execute("INSERT INTO allocations (invoice_id, kind, amount_cents, on_date, reason)"
                               " VALUES (?, 'write_off', 10001, '2026-11-01', 'x')", (f1,))
    finally:
        connection.rollback()
        connection.close()


def test_allocation_proposal_takes_oldest_due_first(workspace: Workspace) -> None:
    book = Ledger(workspace)
    client_id = book.client("A")
    newer = book.invoice("A", "F2", date(2026, 10, 15), date(2026, 11, 15), 3_000)
    older = book.invoice("A", "F1", date(2026, 9, 1), date(2026, 10, 1), 5_000)
    proposal = payments.propose_allocation(workspace, client_id, 6_000, TODAY)
    assert proposal == [AllocationInput(older, 5_000), AllocationInput(newer, 1_000)]


def test_credit_note_settles_an_invoice(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A")
    f1 = book.invoice("A", "F1", date(2026, 10, 1), date(2026, 10, 31), 10_000)
    note = book.invoice("A", "AV1", date(2026, 10, 20), date(2026, 10, 20), 10_000, kind=InvoiceKind.CREDIT_NOTE)
    payments.allocate_credit_note(workspace, note, (AllocationInput(f1, 10_000),))
    page = invoices.query_invoices(workspace, InvoiceQuery(as_of=TODAY))
    assert page.rows[0].status is InvoiceStatus.PAID
    assert page.rows[0].open_cents == 0


def test_dispute_promise_plan_and_write_off_are_recorded_in_history(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A")
    f1 = book.invoice("A", "F1", date(2026, 8, 1), date(2026, 8, 31), 10_000)
    f2 = book.invoice("A", "F2", date(2026, 8, 1), date(2026, 8, 31), 12_000)
    dispute = cases.open_dispute(workspace, (f1,), DisputeReason.PRICE, date(2026, 9, 10), "Prix contesté")
    page = invoices.query_invoices(workspace, InvoiceQuery(as_of=TODAY, sort="number"))
    assert [row.status for row in page.rows] == [InvoiceStatus.DISPUTED, InvoiceStatus.OVERDUE]
    cases.resolve_dispute(workspace, dispute, date(2026, 10, 1), DisputeOutcome.REJECTED)
    cases.record_promise(workspace, (f2,), date(2026, 10, 2), date(2026, 10, 15), 12_000)
    plan = cases.monthly_instalments(10_000, 3, date(2026, 12, 1))
    assert [item.amount_cents for item in plan] == [3_333, 3_333, 3_334]
    assert [item.due_on for item in plan] == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    cases.create_plan(workspace, (f1,), date(2026, 11, 1), plan)
    cases.write_off(workspace, (f2,), date(2026, 11, 20), "Client en liquidation")
    kinds = [row[0] for row in sqlite3.connect(workspace.path).execute("SELECT kind FROM actions ORDER BY id")]
    assert kinds == [ActionKind.DISPUTE_OPENED, ActionKind.DISPUTE_RESOLVED, ActionKind.PROMISE, ActionKind.PLAN,
                     ActionKind.WRITE_OFF]
    page = invoices.query_invoices(workspace, InvoiceQuery(as_of=TODAY, sort="number"))
    assert [row.status for row in page.rows] == [InvoiceStatus.OVERDUE, InvoiceStatus.WRITTEN_OFF]


def test_invoices_of_two_clients_cannot_share_a_dispute(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A")
    book.client("B")
    f1 = book.invoice("A", "F1", date(2026, 8, 1), date(2026, 8, 31), 10_000)
    f2 = book.invoice("B", "F2", date(2026, 8, 1), date(2026, 8, 31), 10_000)
    with pytest.raises(ValidationFailed, match="un seul client"):
        cases.open_dispute(workspace, (f1, f2), DisputeReason.OTHER, date(2026, 9, 1))


def test_invoice_list_filters_sorts_and_pages(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A", "Dupont Frères")
    book.client("B", "Martin SA")
    for index in range(1, 6):
        book.invoice("A", f"F{index:03}", date(2026, 9, index), date(2026, 10, index), index * 1_000)
    paid = book.invoice("B", "F100", date(2026, 9, 1), date(2026, 12, 1), 99_900)
    book.pay("B", date(2026, 9, 5), 99_900, (paid, 99_900))
    query = InvoiceQuery(as_of=TODAY, sort="amount", descending=True, limit=2)
    page = invoices.query_invoices(workspace, query)
    assert page.total_count == 6
    assert [row.number for row in page.rows] == ["F100", "F005"]
    assert invoices.query_invoices(workspace, InvoiceQuery(as_of=TODAY, text="dupont f00")).total_count == 5
    assert invoices.query_invoices(workspace, InvoiceQuery(as_of=TODAY, text="martin")).rows[0].status \
        is InvoiceStatus.PAID
    open_only = invoices.query_invoices(
        workspace, InvoiceQuery(as_of=TODAY, only_open=True, sort="days_past_due", descending=True))
    assert [row.number for row in open_only.rows] == ["F001", "F002", "F003", "F004", "F005"]
    assert open_only.rows[0].days_past_due == (TODAY - date(2026, 10, 1)).days
    second = invoices.query_invoices(workspace, InvoiceQuery(as_of=TODAY, sort="number", offset=4, limit=2))
    assert [row.number for row in second.rows] == ["F005", "F100"]
    # Before 03/09 only F001, F002 and F100 existed.
    assert invoices.query_invoices(workspace, InvoiceQuery(as_of=date(2026, 9, 2))).total_count == 3


def test_client_list_balances(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("A", "Alpha")
    f1 = book.invoice("A", "F1", date(2026, 9, 1), date(2026, 10, 1), 10_000)
    book.invoice("A", "F2", date(2026, 11, 1), date(2026, 12, 1), 4_000)
    book.pay("A", date(2026, 10, 10), 3_000, (f1, 2_500))
    row = clients.list_clients(workspace, TODAY)[0]
    # open: 7 500 + 4 000 = 11 500, minus 500 unallocated → 11 000; overdue: F1's 7 500, 53 days past due
    assert (row.open_cents, row.overdue_cents, row.max_days_past_due, row.invoice_count) == (11_000, 7_500, 53, 2)

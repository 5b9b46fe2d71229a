"""Bank matching rules on a small hand-built dossier, and applying a statement: idempotent, all or nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.domain.bank_rules import Confidence, MatchReason
from app.io.import_records import BankLine, ImportCancelled, ImportKind, ParsedFile, SourceRef
from app.services import bank_import, imports, next_steps, reports
from app.services.bank_dto import ConfirmedLine, LineStatus, StatementPreview
from app.services.dto import AllocationInput
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from tests.conftest import SAMPLES, TODAY
from tests.services.ledger import Ledger

ISSUED, DUE = date(2026, 9, 1), date(2026, 10, 1)


@pytest.fixture
def book(workspace: Workspace) -> Ledger:
    book = Ledger(workspace)
    book.client("ALPHA", "Alpha SARL")
    book.client("BETA", "Bêta SAS")
    book.client("GAMMA", "Gamma Industries")
    book.invoice("ALPHA", "FA-2026-0012", ISSUED, DUE, 100_000)
    book.invoice("ALPHA", "FA-2026-0013", ISSUED, date(2026, 10, 15), 50_000)
    book.invoice("BETA", "B-000123", ISSUED, DUE, 80_000)
    book.invoice("BETA", "B-000124", ISSUED, DUE, 20_000)
    book.invoice("GAMMA", "G-2026-1", ISSUED, DUE, 30_000)
    book.invoice("GAMMA", "G-2026-2", ISSUED, date(2026, 10, 20), 45_000)
    return book


def line(cents: int, name: str = "", text: str = "", ref: str = "", day: date = date(2026, 11, 20),
         number: int = 1) -> BankLine:
    return BankLine(SourceRef("statement.xml", number), ref or f"test:{number}:{cents}", day, day, cents,
                    counterparty_name=name, text=text)


def parsed(*lines: BankLine) -> ParsedFile:
    return ParsedFile(ImportKind.CAMT053, "statement.xml", bank_lines=lines,
                      statement_date=max((bl.booked_on for bl in lines), default=None))


def preview(ws: Workspace, *lines: BankLine) -> StatementPreview:
    return bank_import.preview_statement(ws, parsed(*lines))


def best(ws: Workspace, bank_line: BankLine) -> tuple[str, list[str], Confidence, MatchReason]:
    (only,) = preview(ws, bank_line).lines
    assert only.best is not None, only
    return (only.best.client_name, [i.number for i in only.best.invoices], only.best.confidence, only.best.reason)


def test_invoice_number_in_the_label(workspace: Workspace, book: Ledger) -> None:
    assert best(workspace, line(100_000, "Someone else", "VIR SEPA FACTURE FA 2026 0012")) == (
        "Alpha SARL", ["FA-2026-0012"], Confidence.HIGH, MatchReason.INVOICE_NUMBER)
    _name, numbers, confidence, _reason = best(workspace, line(12_345, "", "Regl fa20260012 partiel"))
    assert (numbers, confidence) == (["FA-2026-0012"], Confidence.MEDIUM)  # a part payment: look before accepting


def test_leading_zeros_and_several_numbers(workspace: Workspace, book: Ledger) -> None:
    (only,) = preview(workspace, line(100_000, "", "B123 B124")).lines
    assert only.best is not None
    assert [(i.number, i.allocated_cents) for i in only.best.invoices] == [("B-000123", 80_000), ("B-000124", 20_000)]
    assert only.best.confidence == Confidence.HIGH


def test_exact_amount_of_the_named_client(workspace: Workspace, book: Ledger) -> None:
    assert best(workspace, line(80_000, "BETA SAS", "virement")) == (
        "Bêta SAS", ["B-000123"], Confidence.HIGH, MatchReason.EXACT_AMOUNT)


def test_exact_amount_without_a_name(workspace: Workspace, book: Ledger) -> None:
    assert best(workspace, line(45_000, "", "")) == ("Gamma Industries", ["G-2026-2"], Confidence.MEDIUM,
                                                     MatchReason.EXACT_AMOUNT)


def test_sum_of_several_invoices_of_the_named_client(workspace: Workspace, book: Ledger) -> None:
    name, numbers, confidence, reason = best(workspace, line(75_000, "GAMMA INDUSTRIES", ""))
    assert (name, sorted(numbers), confidence, reason) == (
        "Gamma Industries", ["G-2026-1", "G-2026-2"], Confidence.MEDIUM, MatchReason.INVOICE_SUM)


def test_fuzzy_name_alone(workspace: Workspace, book: Ledger) -> None:
    (only,) = preview(workspace, line(10_000, "GAMA INDUSTRIE", "")).lines
    assert only.best is not None
    assert (only.best.client_name, only.best.reason, only.best.confidence) == (
        "Gamma Industries", MatchReason.CLIENT_NAME, Confidence.LOW)
    assert [(i.number, i.allocated_cents) for i in only.best.invoices] == [("G-2026-1", 10_000)]  # oldest first


def test_debits_are_ignored_and_unknown_credits_stay_unmatched(workspace: Workspace, book: Ledger) -> None:
    lines = preview(workspace, line(-5_000, "EDF", "PRLV"), line(777, "Nobody", "", number=2)).lines
    assert [(sl.status, sl.proposals) for sl in lines] == [(LineStatus.DEBIT, ()), (LineStatus.TO_MATCH, ())]


def test_two_lines_do_not_claim_the_same_invoice(workspace: Workspace, book: Ledger) -> None:
    first, second = preview(workspace, line(45_000, number=1), line(45_000, number=2)).lines
    assert first.best is not None and first.best.invoices[0].number == "G-2026-2"
    assert second.best is None or second.best.invoices[0].number != "G-2026-2"


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def confirmed_all(statement: StatementPreview) -> list[ConfirmedLine]:
    return [ConfirmedLine(sl.line, sl.best.client_id, sl.best.allocations) for sl in statement.lines
            if sl.best is not None]


def test_apply_records_payments_once(workspace: Workspace, book: Ledger) -> None:
    lines = (line(100_000, "", "FA-2026-0012", number=1), line(80_000, "BETA SAS", "", number=2))
    statement = preview(workspace, *lines)
    before = reports.aged_balance(workspace, TODAY).totals.total_cents
    result = bank_import.apply_statement(workspace, statement, confirmed_all(statement))
    assert (result.payments, result.allocated_cents, result.skipped) == (2, 180_000, 0)
    assert result.backup is not None and result.backup.exists()
    assert reports.aged_balance(workspace, TODAY).totals.total_cents == before - 180_000
    assert next_steps.last_bank_import(workspace) == date(2026, 11, 20)

    again = preview(workspace, *lines)
    assert [sl.status for sl in again.lines] == [LineStatus.ALREADY_IMPORTED] * 2
    snapshot = dump(workspace.path)
    second = bank_import.apply_statement(workspace, statement, confirmed_all(statement), backup=False)
    assert (second.payments, second.skipped) == (0, 2)
    assert dump(workspace.path) == snapshot  # the same statement twice: nothing new


def test_a_failure_mid_apply_changes_nothing(workspace: Workspace, book: Ledger) -> None:
    statement = preview(workspace, line(100_000, "", "FA-2026-0012", number=1), line(5_000, "BETA", "", number=2))
    good = confirmed_all(statement)[0]
    bad = ConfirmedLine(statement.lines[1].line, good.client_id, (AllocationInput(good.allocations[0].invoice_id,
                                                                                   5_000),))  # already used up
    snapshot = dump(workspace.path)
    with pytest.raises(ValidationFailed, match=r"statement\.xml:2"):
        bank_import.apply_statement(workspace, statement, [good, bad])
    assert dump(workspace.path) == snapshot
    assert next_steps.last_bank_import(workspace) is None


def test_cancelled_apply_changes_nothing(workspace: Workspace, book: Ledger) -> None:
    lines = [line(100 + n, "", "", number=n) for n in range(120)]
    statement = preview(workspace, *lines)
    alpha = book._clients["ALPHA"]
    snapshot = dump(workspace.path)
    with pytest.raises(ImportCancelled):
        bank_import.apply_statement(workspace, statement, [ConfirmedLine(bl, alpha) for bl in lines],
                                    cancelled=lambda: True, backup=False)
    assert dump(workspace.path) == snapshot


def test_sample_statement_through_the_framework(workspace: Workspace, book: Ledger) -> None:
    """genkgo's CAMT.053 v2: 8,85 € from NAME NAME on 31/12/2014, structured reference 4654654654654654."""
    client = book.client("NAME", "Name Name")
    book.invoice("NAME", "4654654654654654", date(2014, 12, 1), date(2014, 12, 31), 885)
    path = SAMPLES / "camt053" / "genkgo_camt053.v2.minimal.xml"
    result_preview = imports.preview_import(workspace, path)
    assert result_preview.kind == ImportKind.CAMT053 and len(result_preview.matched) == 1
    result = imports.apply_import(workspace, result_preview)
    assert (result.created, result.backup is not None, result.client_ids) == (1, True, (client,))
    assert imports.preview_import(workspace, path).unchanged == 1
    assert next_steps.last_bank_import(workspace) == date(2014, 12, 31)


def test_credits_in_another_currency_are_left_alone(workspace: Workspace, book: Ledger) -> None:
    chf = BankLine(SourceRef("statement.xml", 1), "test:chf", date(2026, 11, 20), None, 45_000, currency="CHF")
    (only,) = preview(workspace, chf).lines
    assert (only.status, only.proposals) == (LineStatus.OTHER_CURRENCY, ())


def test_a_statement_with_nothing_to_record_still_clears_the_freshness_warning(workspace: Workspace,
                                                                              book: Ledger) -> None:
    statement = preview(workspace, line(-5_000, "EDF", "PRLV", day=date(2026, 11, 21)))
    result = bank_import.apply_statement(workspace, statement, [])
    assert (result.payments, next_steps.last_bank_import(workspace)) == (0, date(2026, 11, 21))
    older = preview(workspace, line(-5_000, "EDF", "PRLV", day=date(2026, 10, 1), ref="older"))
    bank_import.apply_statement(workspace, older, [], backup=False)
    assert next_steps.last_bank_import(workspace) == date(2026, 11, 21)  # an older statement never goes back
    assert not next_steps.build_todo(workspace, date(2026, 11, 23)).bank_stale


def test_only_sure_proposals_are_safe(workspace: Workspace, book: Ledger) -> None:
    statement = preview(workspace, line(100_000, "", "FA-2026-0012", number=1), line(45_000, number=2),
                        line(10_000, "GAMA INDUSTRIE", number=3))
    assert [item.line.ref.line for item in bank_import.safe_lines(statement)] == [1]

"""Editing disputes, promises and plans after creation; the multi-invoice write-off; a plan saved with its signed
copy; the dossier's list of dispute reasons."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from app.domain.kinds import ActionKind, DisputeOutcome, DisputeReason
from app.models import Action, Allocation, PaymentPlan, StoredDocument
from app.services import case_edits, cases, client_page, dispute_reasons
from app.services.case_edits import PlanEdit
from app.services.case_links import CaseRef
from app.services.cases import InstalmentInput
from app.services.dispute_reasons import ReasonEdit
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from tests.conftest import TODAY
from tests.services.ledger import Ledger


def _dump(ws: Workspace) -> list[str]:
    connection = sqlite3.connect(ws.path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture
def book(workspace: Workspace) -> Ledger:
    """Client A with F1 100,00 €, F2 120,00 €, F3 50,00 € (F3 paid); client B with G1 90,00 €."""
    ledger = Ledger(workspace)
    ledger.client("A")
    ledger.client("B")
    ledger.invoice("A", "F1", date(2026, 8, 1), date(2026, 8, 31), 10_000)
    ledger.invoice("A", "F2", date(2026, 8, 1), date(2026, 8, 31), 12_000)
    f3 = ledger.invoice("A", "F3", date(2026, 8, 1), date(2026, 8, 31), 5_000)
    ledger.pay("A", date(2026, 9, 5), 5_000, (f3, 5_000))
    ledger.invoice("B", "G1", date(2026, 8, 1), date(2026, 8, 31), 9_000)
    return ledger


def _ids(ws: Workspace) -> dict[str, int]:
    return {row[1]: row[0] for row in sqlite3.connect(ws.path).execute("SELECT id, number FROM invoices")}


def _actions(ws: Workspace) -> list[tuple[int, str, str, int | None, str]]:
    """The history but the payments of the fixture."""
    with ws.dossier.reading() as session:
        return [(a.id, a.kind, a.summary, a.corrects_action_id, a.details)
                for a in session.scalars(select(Action).where(Action.kind != ActionKind.PAYMENT).order_by(Action.id))]


def test_edit_a_dispute_records_a_correction_and_keeps_the_old_entry(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    dispute = cases.open_dispute(workspace, (ids["F1"],), DisputeReason.PRICE, date(2026, 9, 10), "Prix")
    [(opened_id, _kind, opened_summary, _c, opened_details)] = _actions(workspace)
    action = case_edits.edit_dispute(workspace, dispute, "Livraison partielle", "Prix et quantité",
                                     (ids["F1"], ids["F2"]))
    detail = case_edits.dispute_detail(workspace, dispute, TODAY)
    assert (detail.reason, detail.notes, detail.invoice_ids) == ("Livraison partielle", "Prix et quantité",
                                                                 (ids["F1"], ids["F2"]))
    first, correction = _actions(workspace)
    assert first == (opened_id, ActionKind.DISPUTE_OPENED, opened_summary, None, opened_details)  # untouched
    assert correction[0] == action and correction[1] == ActionKind.CORRECTION and correction[3] == opened_id
    assert "Prix" in correction[2] and "Livraison partielle" in correction[2] and "F1, F2" in correction[2]
    assert json.loads(correction[4])["dispute_id"] == dispute
    assert case_edits.edit_dispute(workspace, dispute, "Livraison partielle", "Prix et quantité",
                                   (ids["F2"], ids["F1"])) is None  # nothing changed, nothing recorded
    assert len(_actions(workspace)) == 2


def test_dispute_edit_refuses_bad_input_and_writes_nothing(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    dispute = cases.open_dispute(workspace, (ids["F1"],), DisputeReason.PRICE, date(2026, 9, 10))
    before = _dump(workspace)
    with pytest.raises(ValidationFailed) as caught:
        case_edits.edit_dispute(workspace, dispute, "  ", "", (ids["F1"],))
    assert caught.value.problems[0].field == "reason"
    with pytest.raises(ValidationFailed) as caught:
        case_edits.edit_dispute(workspace, dispute, "price", "", (ids["G1"],))  # another client's invoice
    assert caught.value.problems[0].field == "invoice_ids"
    with pytest.raises(ValidationFailed):
        case_edits.edit_dispute(workspace, dispute, "price", "", ())
    cases.resolve_dispute(workspace, dispute, date(2026, 10, 1), DisputeOutcome.REJECTED)
    after_resolution = _dump(workspace)
    with pytest.raises(ValidationFailed, match="résolu"):
        case_edits.edit_dispute(workspace, dispute, "price", "", (ids["F1"], ids["F2"]))
    assert _dump(workspace) == after_resolution
    assert before != after_resolution
    assert case_edits.edit_dispute(workspace, dispute, "quality", "", (ids["F1"],)) is not None  # reason still


def test_edit_a_promise(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    promise = cases.record_promise(workspace, (ids["F1"],), date(2026, 11, 2), date(2026, 11, 15), 10_000)
    before = _dump(workspace)
    with pytest.raises(ValidationFailed) as caught:
        case_edits.edit_promise(workspace, promise, date(2026, 11, 1), 0, "", (ids["F1"],))
    assert {p.field for p in caught.value.problems} == {"promised_on", "amount_cents"}
    assert _dump(workspace) == before
    case_edits.edit_promise(workspace, promise, date(2026, 11, 30), 22_000, "Rappel fait", (ids["F1"], ids["F2"]))
    detail = case_edits.promise_detail(workspace, promise, TODAY)
    assert (detail.promised_on, detail.amount_cents, detail.notes) == (date(2026, 11, 30), 22_000, "Rappel fait")
    correction = _actions(workspace)[-1]
    assert correction[1] == ActionKind.CORRECTION and "30/11/2026" in correction[2] and "220,00" in correction[2]
    assert correction[3] == _actions(workspace)[0][0]


def test_edit_a_plan_cancel_it_and_attach_its_signed_copy_in_one_go(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    plan = cases.create_plan(workspace, (ids["F1"], ids["F2"]), date(2026, 11, 1),
                             cases.monthly_instalments(22_000, 2, date(2026, 12, 1)))
    edit = PlanEdit((InstalmentInput(date(2026, 12, 15), 12_000), InstalmentInput(date(2027, 1, 15), 10_000)),
                    "Décalé au 15", date(2026, 11, 20), ("plan.pdf", b"%PDF signed"))
    case_edits.edit_plan(workspace, plan, edit)
    detail = case_edits.plan_detail(workspace, plan, TODAY)
    assert detail.instalments == edit.instalments
    assert (detail.notes, detail.cancelled_on, detail.signed_filename) == ("Décalé au 15", date(2026, 11, 20),
                                                                           "plan.pdf")
    kinds = [a[1] for a in _actions(workspace)]
    assert kinds == [ActionKind.PLAN, ActionKind.CORRECTION, ActionKind.PLAN, ActionKind.NOTE]
    before = _dump(workspace)
    with pytest.raises(ValidationFailed, match="annulé"):
        case_edits.edit_plan(workspace, plan, PlanEdit((InstalmentInput(date(2026, 12, 15), 22_000),), ""))
    assert _dump(workspace) == before


def test_plan_edit_with_an_empty_signed_file_writes_nothing(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    plan = cases.create_plan(workspace, (ids["F1"],), date(2026, 11, 1),
                             cases.monthly_instalments(10_000, 2, date(2026, 12, 1)))
    before = _dump(workspace)
    with pytest.raises(ValidationFailed) as caught:
        case_edits.edit_plan(workspace, plan, PlanEdit((InstalmentInput(date(2026, 12, 1), 10_000),), "x",
                                                       signed=("vide.pdf", b"")))
    assert caught.value.problems[0].field == "document"
    assert _dump(workspace) == before


def test_plan_and_its_signed_copy_are_one_transaction(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    instalments = cases.monthly_instalments(10_000, 2, date(2026, 12, 1))
    before = _dump(workspace)
    with pytest.raises(ValidationFailed):
        cases.create_plan(workspace, (ids["F1"],), date(2026, 11, 1), instalments, signed=("vide.pdf", b""))
    with pytest.raises(ValidationFailed):  # the plan fails after the document would have been checked
        cases.create_plan(workspace, (ids["F1"], ids["G1"]), date(2026, 11, 1), instalments,
                          signed=("plan.pdf", b"%PDF"))
    assert _dump(workspace) == before
    plan_id = cases.create_plan(workspace, (ids["F1"],), date(2026, 11, 1), instalments,
                                signed=("plan.pdf", b"%PDF"))
    with workspace.dossier.reading() as session:
        plan = session.get(PaymentPlan, plan_id)
        assert plan is not None and plan.signed_document_id is not None
        assert session.get(StoredDocument, plan.signed_document_id).content == b"%PDF"  # type: ignore[union-attr]


def test_write_off_of_several_invoices_is_all_or_nothing(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    before = _dump(workspace)
    with pytest.raises(ValidationFailed, match="F3"):  # F1 passes, then F3 is already settled
        cases.write_off(workspace, (ids["F1"], ids["F3"]), TODAY, "Liquidation")
    assert _dump(workspace) == before
    assert cases.write_off(workspace, (ids["F1"], ids["F2"]), TODAY, "Liquidation") == 22_000
    [entry] = [a for a in _actions(workspace) if a[1] == ActionKind.WRITE_OFF]
    links = sqlite3.connect(workspace.path).execute(
        "SELECT invoice_id FROM action_invoices WHERE action_id = ? ORDER BY invoice_id", (entry[0],)).fetchall()
    assert [row[0] for row in links] == [ids["F1"], ids["F2"]]
    with workspace.dossier.reading() as session:
        assert len(session.scalars(select(Allocation).where(Allocation.kind == "write_off")).all()) == 2


def test_history_entries_point_at_their_case(workspace: Workspace, book: Ledger) -> None:
    ids = _ids(workspace)
    dispute = cases.open_dispute(workspace, (ids["F1"],), "Colis abîmé", date(2026, 9, 10))
    promise = cases.record_promise(workspace, (ids["F2"],), date(2026, 11, 2), date(2026, 11, 15), 12_000)
    case_edits.edit_promise(workspace, promise, date(2026, 11, 20), 12_000, "", (ids["F2"],))
    page = client_page.client_page(workspace, book._clients["A"], TODAY)
    cases_of = {entry.kind: entry.case for entry in page.history}
    assert cases_of[ActionKind.DISPUTE_OPENED] == CaseRef("dispute", dispute)
    assert cases_of[ActionKind.PROMISE] == cases_of[ActionKind.CORRECTION] == CaseRef("promise", promise)
    assert [d.reason for d in page.disputes] == ["Colis abîmé"]


def test_reason_list_starts_with_the_default_codes_and_is_editable(workspace: Workspace, book: Ledger) -> None:
    assert dispute_reasons.dispute_reasons(workspace) == tuple(r.value for r in DisputeReason)
    assert dispute_reasons.reason_label("not_received") == "Non reçu"
    dispute_reasons.add_dispute_reason(workspace, "Livraison en retard")
    ids = _ids(workspace)
    dispute = cases.open_dispute(workspace, (ids["F1"],), "Livraison en retard", date(2026, 9, 10))
    dispute_reasons.rename_dispute_reason(workspace, "Livraison en retard", "Retard de livraison")
    assert case_edits.dispute_detail(workspace, dispute, TODAY).reason == "Retard de livraison"
    with pytest.raises(ValidationFailed, match="encore le motif"):
        dispute_reasons.remove_dispute_reason(workspace, "Retard de livraison")
    with pytest.raises(ValidationFailed, match="déjà dans la liste"):
        dispute_reasons.add_dispute_reason(workspace, " prix ")  # the default "price" reads "Prix"
    with pytest.raises(ValidationFailed, match="vide"):
        dispute_reasons.add_dispute_reason(workspace, "  ")
    dispute_reasons.remove_dispute_reason(workspace, "other")
    assert dispute_reasons.dispute_reasons(workspace)[-1] == "Retard de livraison"
    assert "other" not in dispute_reasons.dispute_reasons(workspace)
    reordered = dispute_reasons.save_dispute_reasons(
        workspace, (ReasonEdit("Retard de livraison", "Retard de livraison"), ReasonEdit("price", "price")))
    assert dispute_reasons.dispute_reasons(workspace) == reordered == ("Retard de livraison", "price")

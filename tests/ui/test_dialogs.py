"""The entry dialogs driven as a user would: real widgets on a fresh dossier, saved through a synchronous runner."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import Invoice, PaymentPlan, StoredDocument
from app.services import entries, invoices, reports
from app.services.dto import InvoiceQuery
from app.services.entries import ContactEdit
from app.services.workspace import Workspace
from app.ui.dialogs.client_dialog import ClientDialog
from app.ui.dialogs.cost_dialog import CostDialog
from app.ui.dialogs.dispute_dialog import DisputeDialog, ResolveDisputeDialog
from app.ui.dialogs.form import EntryDialog, to_qdate
from app.ui.dialogs.invoice_dialog import InvoiceDialog
from app.ui.dialogs.payment_dialog import PaymentDialog
from app.ui.dialogs.plan_dialog import PlanDialog
from app.ui.dialogs.promise_dialog import PromiseDialog
from app.ui.dialogs.writeoff_dialog import WriteOffDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import SyncRunner
from app.ui.view_base import ViewContext
from tests.conftest import TODAY
from tests.services.ledger import Ledger


def _show(qtbot: QtBot, dialog: EntryDialog) -> EntryDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _error(dialog: EntryDialog, field: str) -> str:
    label = dialog.errors[field]
    return label.text() if label.isVisible() else ""


def _alpha(ws: Workspace) -> int:
    return next(c.id for c in entries.client_choices(ws) if c.account_code == "ALPHA")


def test_client_with_invalid_siren_is_refused_then_saved(qtbot: QtBot, fresh: Workspace, runner: SyncRunner) -> None:
    dialog = _show(qtbot, ClientDialog(fresh, runner, TODAY))
    assert isinstance(dialog, ClientDialog)
    dialog.edits["account_code"].setText("411DUR")
    dialog.edits["name"].setText("Durand SARL")
    dialog.edits["siren"].setText("123 456 788")
    dialog.add_contact(ContactEdit(None, "Marie Durand", "Comptable", "marie@durand.fr", "", True))
    dialog.submit()
    assert "SIREN" in _error(dialog, "siren")
    assert entries.client_choices(fresh) == []
    dialog.edits["siren"].setText("732 829 320")
    dialog.touched("siren")()
    assert _error(dialog, "siren") == ""
    assert dialog.save_button.isEnabled()
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    [client] = entries.client_choices(fresh)
    detail = entries.client_detail(fresh, client.id)
    assert detail.data.siren == "732829320"
    assert [(c.name, c.is_billing) for c in detail.contacts] == [("Marie Durand", True)]


def test_editing_a_client_loads_and_keeps_its_fields(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                     runner: SyncRunner) -> None:
    client_id = _alpha(fresh)
    dialog = _show(qtbot, ClientDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(dialog, ClientDialog)
    assert dialog.edits["name"].text() == "Alpha SARL"
    dialog.do_not_remind.setChecked(True)
    dialog.submit()
    assert "why" in _error(dialog, "do_not_remind_reason") or _error(dialog, "do_not_remind_reason")
    dialog.reason.setText("Grand compte")
    dialog.credit_limit.setText("5 000")
    dialog.submit()
    data = entries.client_detail(fresh, client_id).data
    assert (data.do_not_remind, data.do_not_remind_reason, data.credit_limit_cents) == (True, "Grand compte", 500_000)


def test_enter_an_invoice_with_vat_helper_and_original(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                       runner: SyncRunner, tmp_path: Path) -> None:
    original = tmp_path / "FA-3.pdf"
    original.write_bytes(b"%PDF-1.4 facture")
    dialog = _show(qtbot, InvoiceDialog(fresh, runner, TODAY))
    assert isinstance(dialog, InvoiceDialog)
    dialog.submit()
    assert _error(dialog, "client_id") and _error(dialog, "number")
    dialog.client_combo.select(_alpha(fresh))
    dialog.number.setText("FA-3")
    dialog.excl.setText("1 000,00")
    dialog.fill_with_vat()
    assert dialog.incl.text() == "1 200,00"
    dialog.choose_file = lambda: original
    dialog.pick_original()
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    with fresh.dossier.reading() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.number == "FA-3")).one()
        assert (invoice.amount_excl_cents, invoice.amount_incl_cents) == (100_000, 120_000)
        document = session.get(StoredDocument, invoice.original_document_id)
        assert document is not None and document.content == b"%PDF-1.4 facture"


def test_partial_payment_through_the_grid_changes_the_aged_balance(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                                   runner: SyncRunner) -> None:
    before = reports.aged_balance(fresh, TODAY).totals.net_cents
    dialog = _show(qtbot, PaymentDialog(fresh, runner, TODAY))
    assert isinstance(dialog, PaymentDialog)
    dialog.client_combo.select(_alpha(fresh))
    dialog.amount.setText("300")
    dialog.amount.textEdited.emit("300")
    proposed = {a.invoice_id: a.amount_cents for a in dialog.allocations()}
    assert list(proposed.values()) == [30_000]  # oldest due first: all on F1
    assert "0,00" in dialog.remaining.text()
    dialog.set_allocation_text("F1", "200")
    dialog.set_allocation_text("F2", "100")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    after = reports.aged_balance(fresh, TODAY)
    assert after.totals.net_cents == before - 30_000
    assert after.totals.unallocated_cents == 0
    items = {i.number: i.open_cents for i in entries.open_items_for_client(fresh, _alpha(fresh), TODAY)}
    assert items == {"F1": 80_000, "F2": 40_000}


def test_grid_refuses_more_than_the_open_amount_or_the_payment(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                               runner: SyncRunner) -> None:
    dialog = _show(qtbot, PaymentDialog(fresh, runner, TODAY))
    assert isinstance(dialog, PaymentDialog)
    dialog.client_combo.select(_alpha(fresh))
    dialog.amount.setText("2 000")
    dialog.amount.textEdited.emit("2 000")
    dialog.set_allocation_text("F2", "600")
    assert not dialog.save_button.isEnabled()
    assert "F2" in _error(dialog, "allocations")
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.set_allocation_text("F2", "500")
    dialog.amount.setText("1 200")
    dialog.touched("amount_cents")()
    assert "exceed" in _error(dialog, "allocations") or "dépass" in _error(dialog, "allocations")
    assert not dialog.save_button.isEnabled()
    assert reports.aged_balance(fresh, TODAY).totals.net_cents == 150_000


def test_open_then_resolve_a_dispute(qtbot: QtBot, book: Ledger, fresh: Workspace, runner: SyncRunner) -> None:
    client_id = _alpha(fresh)
    dialog = _show(qtbot, DisputeDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(dialog, DisputeDialog)
    dialog.submit()
    assert _error(dialog, "invoice_ids")
    dialog.invoices.check(dialog.invoices.open_items[1].invoice_id)
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    [dispute] = entries.open_disputes(fresh, client_id)
    assert dispute.numbers == ("F2",)
    assert reports.aged_balance(fresh, TODAY).totals.disputed_cents == 50_000
    resolve = _show(qtbot, ResolveDisputeDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(resolve, ResolveDisputeDialog)
    assert resolve.dispute.count() == 1
    resolve.submit()
    assert resolve.result() == resolve.DialogCode.Accepted
    assert entries.open_disputes(fresh, client_id) == []
    assert reports.aged_balance(fresh, TODAY).totals.disputed_cents == 0


def test_promise_becomes_broken_after_its_date(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                               runner: SyncRunner) -> None:
    client_id = _alpha(fresh)
    dialog = _show(qtbot, PromiseDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(dialog, PromiseDialog)
    dialog.invoices.check(dialog.invoices.open_items[0].invoice_id)
    assert dialog.amount.text() == "1 000,00"
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    [promise] = entries.promise_statuses(fresh, client_id, TODAY)
    assert (promise.promised_on, promise.outcome) == (date(2026, 11, 30), "pending")
    [later] = entries.promise_statuses(fresh, client_id, date(2026, 12, 10))
    assert later.outcome == "broken"


def test_three_instalment_plan_with_signed_copy(qtbot: QtBot, book: Ledger, fresh: Workspace, runner: SyncRunner,
                                                tmp_path: Path) -> None:
    signed = tmp_path / "plan-signe.pdf"
    signed.write_bytes(b"%PDF signed plan")
    dialog = _show(qtbot, PlanDialog(fresh, runner, TODAY, client_id=_alpha(fresh)))
    assert isinstance(dialog, PlanDialog)
    for item in dialog.invoices.open_items:
        dialog.invoices.check(item.invoice_id)
    dialog.count.setValue(3)
    dialog.generate()
    assert [i.amount_cents for i in dialog.instalments()] == [50_000, 50_000, 50_000]
    dialog.choose_file = lambda: signed
    dialog.pick_signed()
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    with fresh.dossier.reading() as session:
        plan = session.scalars(select(PaymentPlan)).one()
        assert [i.due_on for i in plan.instalments] == [date(2026, 12, 23), date(2027, 1, 23), date(2027, 2, 23)]
        assert plan.signed_document_id is not None


def test_write_off_and_recovery_cost(qtbot: QtBot, book: Ledger, fresh: Workspace, runner: SyncRunner) -> None:
    client_id = _alpha(fresh)
    dialog = _show(qtbot, WriteOffDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(dialog, WriteOffDialog)
    dialog.invoices.check(dialog.invoices.open_items[0].invoice_id)
    dialog.submit()
    assert _error(dialog, "reason")
    dialog.reason.setCurrentIndex(0)
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [i.number for i in entries.open_items_for_client(fresh, client_id, TODAY)] == ["F2"]
    cost = _show(qtbot, CostDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(cost, CostDialog)
    cost.amount.setText("7,12")
    cost.submit()
    assert cost.result() == cost.DialogCode.Accepted


def test_entry_menu_opens_dialogs_and_reloads_the_pages(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                        runner: SyncRunner) -> None:
    window = MainWindow(fresh.info(), ViewContext(fresh, runner, TODAY))
    qtbot.addWidget(window)
    window.show()
    assert window.entry_actions["client"].shortcut().toString() == "Ctrl+Shift+C"
    assert window.entry_actions["invoice"].shortcut().toString() == "Ctrl+Shift+F"
    assert window.entry_actions["payment"].shortcut().toString() == "Ctrl+Shift+P"
    window.entry_actions["cost"].trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, CostDialog) and w.isVisible())
    reloaded: list[str] = []
    for key, view in window.views.items():
        view.invalidate = lambda key=key: reloaded.append(key)  # type: ignore[method-assign]
    dialog.client_combo.select(_alpha(fresh))
    dialog.amount.setText("12,50")
    dialog.submit()
    assert set(reloaded) == set(window.views)


def test_edit_an_invoice_sets_no_reminder_and_keeps_settled_floor(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                                  runner: SyncRunner) -> None:
    f1 = entries.open_items_for_client(fresh, _alpha(fresh), TODAY)[0].invoice_id
    book.pay("ALPHA", date(2026, 11, 2), 40_000, (f1, 40_000))
    dialog = _show(qtbot, InvoiceDialog(fresh, runner, TODAY, invoice_id=f1))
    assert isinstance(dialog, InvoiceDialog)
    loaded = (dialog.number.text(), dialog.incl.text(), dialog.client_combo.client_id())
    assert loaded == ("F1", "1 000,00", _alpha(fresh))
    dialog.no_reminder.setChecked(True)
    dialog.incl.setText("300,00")
    dialog.excl.setText("250,00")
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted  # below the 400,00 € already paid
    assert _error(dialog, "amount_incl_cents")
    dialog.incl.setText("1 000,00")
    dialog.excl.setText("833,33")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    detail = entries.invoice_detail(fresh, f1)
    assert detail.data.no_reminder and detail.data.due_date == date(2026, 10, 1)


def test_promise_dialog_shows_earlier_promises_with_their_outcome(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                                  runner: SyncRunner) -> None:
    from app.services import cases
    f1 = entries.open_items_for_client(fresh, _alpha(fresh), TODAY)[0].invoice_id
    cases.record_promise(fresh, (f1,), date(2026, 11, 1), date(2026, 11, 10), 10_000)
    dialog = _show(qtbot, PromiseDialog(fresh, runner, TODAY, client_id=_alpha(fresh)))
    assert isinstance(dialog, PromiseDialog)
    assert "10/11/2026" in dialog.history.text()
    assert "broken" in dialog.history.text() or "non tenue" in dialog.history.text()


def test_entry_from_a_client_page_starts_on_that_client(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                        runner: SyncRunner) -> None:
    window = MainWindow(fresh.info(), ViewContext(fresh, runner, TODAY))
    qtbot.addWidget(window)
    window.show()
    window.show_client(_alpha(fresh))
    window.entry_actions["payment"].trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PaymentDialog) and w.isVisible())
    assert dialog.client_combo.client_id() == _alpha(fresh)
    assert [item.number for item in dialog.items] == ["F1", "F2"]
    dialog.reject()


def test_use_a_credit_note_on_an_invoice(qtbot: QtBot, book: Ledger, fresh: Workspace, runner: SyncRunner) -> None:
    from app.domain.kinds import InvoiceKind
    book.invoice("ALPHA", "AV1", date(2026, 11, 5), date(2026, 11, 5), 20_000, kind=InvoiceKind.CREDIT_NOTE)
    dialog = _show(qtbot, PaymentDialog(fresh, runner, TODAY, client_id=_alpha(fresh)))
    assert isinstance(dialog, PaymentDialog)
    assert dialog.source.count() == 2
    dialog.source.setCurrentIndex(1)
    assert dialog.amount.isReadOnly() and dialog.amount.text() == "200,00"
    dialog.set_allocations({})
    dialog.submit()
    assert "credit note" in _error(dialog, "allocations") or "avoir" in _error(dialog, "allocations")
    dialog.set_allocation_text("F2", "200")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert entries.open_credit_notes(fresh, _alpha(fresh), TODAY) == []
    items = {i.number: i.open_cents for i in entries.open_items_for_client(fresh, _alpha(fresh), TODAY)}
    assert items == {"F1": 100_000, "F2": 30_000}


def test_payment_dialog_with_the_threaded_runner(qtbot: QtBot, book: Ledger, fresh: Workspace) -> None:
    from app.ui.tasks import TaskRunner
    threaded = TaskRunner()
    dialog = _show(qtbot, PaymentDialog(fresh, threaded, TODAY, client_id=_alpha(fresh)))
    assert isinstance(dialog, PaymentDialog)
    qtbot.waitUntil(lambda: len(dialog.items) == 2 and not threaded.busy())
    dialog.amount.setText("1 000")
    dialog.amount.textEdited.emit("1 000")
    qtbot.waitUntil(lambda: bool(dialog.allocations()) and not threaded.busy())
    with qtbot.waitSignal(dialog.saved):
        dialog.submit()
    assert reports.aged_balance(fresh, TODAY).totals.net_cents == 50_000


def test_invoice_due_date_follows_the_client_terms(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                   runner: SyncRunner) -> None:
    beta = book.client("BETA", "Bêta SAS", payment_terms_days=45)
    dialog = _show(qtbot, InvoiceDialog(fresh, runner, TODAY, client_id=beta))
    assert isinstance(dialog, InvoiceDialog)
    assert dialog.due.date().toPython() == date(2027, 1, 7)
    dialog.issue.setDate(dialog.issue.date().addDays(-23))
    assert dialog.due.date().toPython() == date(2026, 12, 15)
    dialog.client_combo.select(_alpha(fresh))  # no terms of its own: the dossier's 30 days
    assert dialog.due.date().toPython() == date(2026, 11, 30)


def test_a_client_gets_its_own_ladder_and_the_form_shows_it_again(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                                   runner: SyncRunner) -> None:
    client_id = _alpha(fresh)
    dialog = _show(qtbot, ClientDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(dialog, ClientDialog)
    assert dialog.ladder.currentData() is None  # by default, the segment's ladder
    at_risk = dialog.ladder.findText("À risque")
    assert at_risk > 0
    dialog.ladder.setCurrentIndex(at_risk)
    dialog.submit()
    chosen = entries.client_detail(fresh, client_id).data.ladder_id
    assert chosen == dialog.ladder.itemData(at_risk)
    again = _show(qtbot, ClientDialog(fresh, runner, TODAY, client_id=client_id))
    assert isinstance(again, ClientDialog)
    assert again.ladder.currentText() == "À risque"


def test_a_due_date_beyond_the_legal_cap_is_flagged_but_can_be_saved(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                                     runner: SyncRunner) -> None:
    dialog = _show(qtbot, InvoiceDialog(fresh, runner, TODAY, client_id=_alpha(fresh)))
    assert isinstance(dialog, InvoiceDialog)
    dialog.issue.setDate(to_qdate(date(2026, 1, 15)))
    dialog.due.setDate(to_qdate(date(2026, 3, 31)))  # 45 days end of month: lawful
    assert dialog.term_warning.isHidden()
    dialog.due.setDate(to_qdate(date(2026, 4, 30)))
    assert dialog.term_warning.isVisibleTo(dialog) and "31/03/2026" in dialog.term_warning.text()
    dialog.number.setText("FA-LONG")
    dialog.incl.setText("120,00")
    dialog.excl.setText("100,00")
    dialog.submit()
    assert any(row.number == "FA-LONG" for row in invoices.query_invoices(
        fresh, InvoiceQuery(as_of=TODAY, text="FA-LONG")).rows)

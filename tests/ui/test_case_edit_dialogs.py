"""Journeys through the case edit forms and the dispute reason list, as a user would drive them: real widgets on a
fresh dossier, saved through a synchronous runner."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from app.domain.kinds import ActionKind
from app.services import case_edits, cases, dispute_reasons, entries
from app.services.workspace import Workspace
from app.ui.client_page import ClientPageView
from app.ui.dialogs.dispute_dialog import DisputeDialog
from app.ui.dialogs.form import EntryDialog
from app.ui.dialogs.plan_dialog import PlanDialog
from app.ui.dialogs.promise_dialog import PromiseDialog
from app.ui.dialogs.reason_list_dialog import ReasonListDialog
from app.ui.dialogs.writeoff_dialog import WriteOffDialog
from app.ui.tasks import SyncRunner
from app.ui.view_base import ViewContext
from tests.conftest import TODAY
from tests.services.ledger import Ledger


def _ids(ws: Workspace) -> dict[str, int]:
    return {row[1]: row[0] for row in sqlite3.connect(ws.path).execute("SELECT id, number FROM invoices")}


def _kinds(ws: Workspace) -> list[str]:
    return [row[0] for row in sqlite3.connect(ws.path).execute("SELECT kind FROM actions ORDER BY id")]


def _show(qtbot: QtBot, dialog: EntryDialog) -> EntryDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _error(dialog: EntryDialog, field: str) -> str:
    label = dialog.errors[field]
    return label.text() if label.isVisible() else ""


def _combo_texts(dialog: DisputeDialog) -> list[str]:
    return [dialog.reason.itemText(i) for i in range(dialog.reason.count())]


def test_reason_list_editor_from_the_dispute_form(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                  runner: SyncRunner) -> None:
    dialog = _show(qtbot, DisputeDialog(fresh, runner, TODAY, client_id=book._clients["ALPHA"]))
    assert isinstance(dialog, DisputeDialog)
    assert _combo_texts(dialog) == ["Prix", "Quantité", "Qualité", "Non reçu", "Déjà payé", "Autre"]
    dialog.reason.setCurrentIndex(2)  # Qualité
    editor = dialog.open_list_editor()  # a child of the form, deleted when closed
    editor.list.setCurrentRow(-1)
    editor.text.setText("   ")
    editor.add()
    assert "vide" in editor.text_error.text() and editor.list.count() == 6
    editor.text.setText("qualité")
    editor.text.textEdited.emit("qualité")  # said at once, before Add is pressed
    assert "déjà dans la liste" in editor.text_error.text()
    editor.text.setText("Livraison en retard")
    editor.add()
    assert editor.text_error.text() == "" or not editor.text_error.isVisible()
    editor.text.setText("Retard de livraison")
    editor.rename()
    editor.move_row(-1)
    editor.list.setCurrentRow(editor.values().index("other"))
    editor.remove()
    with qtbot.waitSignal(editor.saved):
        editor.submit()
    expected = ("price", "quantity", "quality", "not_received", "already_paid", "Retard de livraison")
    assert dispute_reasons.dispute_reasons(fresh) == expected
    assert _combo_texts(dialog) == ["Prix", "Quantité", "Qualité", "Non reçu", "Déjà payé", "Retard de livraison"]
    assert dialog.reason_value() == "quality"  # the choice survives the new list
    dialog.reason.setCurrentIndex(5)
    dialog.invoices.check(_ids(fresh)["F1"])
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    [opened] = entries.open_disputes(fresh, book._clients["ALPHA"])
    assert opened.reason == "Retard de livraison"


def test_a_reason_still_used_cannot_be_removed(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                               runner: SyncRunner) -> None:
    cases.open_dispute(fresh, (_ids(fresh)["F1"],), "quality", date(2026, 11, 2))
    editor = ReasonListDialog(fresh, runner)
    qtbot.addWidget(editor)
    editor.show()
    editor.list.setCurrentRow(2)
    editor.remove()
    assert "encore le motif de 1 litige" in editor.text_error.text()
    assert editor.list.count() == 6
    editor.text.setText("Qualité des pièces")
    editor.rename()
    with qtbot.waitSignal(editor.saved):
        editor.submit()
    [dispute] = entries.open_disputes(fresh, book._clients["ALPHA"])
    assert dispute.reason == "Qualité des pièces"  # renamed on the dispute too, still readable


def test_edit_a_dispute_from_its_form(qtbot: QtBot, book: Ledger, fresh: Workspace, runner: SyncRunner) -> None:
    ids = _ids(fresh)
    dispute_id = cases.open_dispute(fresh, (ids["F1"],), "quality", date(2026, 11, 2), "Pièces abîmées")
    dialog = _show(qtbot, DisputeDialog(fresh, runner, TODAY, dispute_id=dispute_id))
    assert isinstance(dialog, DisputeDialog)
    assert dialog.windowTitle() == "Modifier le litige"
    assert (dialog.reason_value(), dialog.notes.toPlainText()) == ("quality", "Pièces abîmées")
    assert dialog.invoices.checked_ids() == (ids["F1"],) and not dialog.client_combo.isEnabled()
    dialog.invoices.check(ids["F1"], on=False)
    assert not dialog.save_button.isEnabled() and _error(dialog, "invoice_ids")
    dialog.invoices.check(ids["F2"])
    dialog.reason.setCurrentIndex(dialog.reason.findData("other"))
    dialog.notes.setPlainText("")
    dialog.submit()
    assert _error(dialog, "notes")  # "Autre" needs a word on what is disputed
    dialog.notes.setPlainText("Remise non appliquée")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    detail = case_edits.dispute_detail(fresh, dispute_id, TODAY)
    assert (detail.reason, detail.notes, detail.invoice_ids) == ("other", "Remise non appliquée", (ids["F2"],))
    assert _kinds(fresh) == [ActionKind.DISPUTE_OPENED, ActionKind.CORRECTION]


def test_edit_a_promise_from_its_form(qtbot: QtBot, book: Ledger, fresh: Workspace, runner: SyncRunner) -> None:
    ids = _ids(fresh)
    promise_id = cases.record_promise(fresh, (ids["F2"],), date(2026, 11, 5), date(2026, 11, 30), 50_000)
    dialog = _show(qtbot, PromiseDialog(fresh, runner, TODAY, promise_id=promise_id))
    assert isinstance(dialog, PromiseDialog)
    assert (dialog.amount.text(), dialog.invoices.checked_ids()) == ("500,00", (ids["F2"],))
    dialog.invoices.check(ids["F1"])
    assert dialog.amount.text() == "500,00"  # the stored amount is kept when invoices are added
    dialog.amount.setText("0")
    dialog.amount.textEdited.emit("0")
    assert not dialog.save_button.isEnabled() and _error(dialog, "amount_cents")
    dialog.amount.setText("1 200,00")
    dialog.amount.textEdited.emit("1 200,00")
    dialog.promised.setDate(dialog.promised.date().addDays(7))
    dialog.notes.setText("Confirmé par courriel")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    detail = case_edits.promise_detail(fresh, promise_id, TODAY)
    assert (detail.promised_on, detail.amount_cents, detail.invoice_ids) == (
        date(2026, 12, 7), 120_000, (ids["F1"], ids["F2"]))
    assert _kinds(fresh) == [ActionKind.PROMISE, ActionKind.CORRECTION]


def test_edit_cancel_and_sign_a_plan_from_its_form(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                   runner: SyncRunner, tmp_path: Path) -> None:
    ids = _ids(fresh)
    plan_id = cases.create_plan(fresh, (ids["F1"], ids["F2"]), date(2026, 11, 10),
                                cases.monthly_instalments(150_000, 3, date(2026, 12, 10)))
    signed = tmp_path / "plan-signe.pdf"
    signed.write_bytes(b"%PDF signed")
    dialog = _show(qtbot, PlanDialog(fresh, runner, TODAY, plan_id=plan_id))
    assert isinstance(dialog, PlanDialog)
    assert [i.amount_cents for i in dialog.instalments()] == [50_000, 50_000, 50_000]
    item = dialog.table.item(0, 1)
    assert item is not None
    item.setText("0")
    assert not dialog.save_button.isEnabled() and _error(dialog, "instalments")
    item.setText("600,00")
    dialog.table.item(2, 1).setText("400,00")  # type: ignore[union-attr]
    dialog.cancel.setChecked(True)
    dialog.cancel_on.setDate(dialog.cancel_on.date().addYears(-1))
    assert _error(dialog, "cancel_on")
    dialog.cancel_on.setDate(dialog.cancel_on.date().addYears(1))
    dialog.choose_file = lambda: signed
    dialog.pick_signed()
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    detail = case_edits.plan_detail(fresh, plan_id, TODAY)
    assert [i.amount_cents for i in detail.instalments] == [60_000, 50_000, 40_000]
    assert (detail.cancelled_on, detail.signed_filename) == (TODAY, "plan-signe.pdf")
    assert _kinds(fresh) == [ActionKind.PLAN, ActionKind.CORRECTION, ActionKind.PLAN, ActionKind.NOTE]
    again = _show(qtbot, PlanDialog(fresh, runner, TODAY, plan_id=plan_id))
    assert isinstance(again, PlanDialog)
    assert not again.table.isEnabled() and not again.cancel.isEnabled()  # a cancelled plan keeps its schedule


def test_write_off_two_invoices_is_one_history_entry(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                                     runner: SyncRunner) -> None:
    dialog = _show(qtbot, WriteOffDialog(fresh, runner, TODAY, client_id=book._clients["ALPHA"]))
    assert isinstance(dialog, WriteOffDialog)
    for item in dialog.invoices.open_items:
        dialog.invoices.check(item.invoice_id)
    dialog.reason.setCurrentIndex(0)
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _kinds(fresh) == [ActionKind.WRITE_OFF]
    assert entries.open_items_for_client(fresh, book._clients["ALPHA"], TODAY) == []


def _open_dialogs(kind: type[EntryDialog]) -> list[EntryDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _page(qtbot: QtBot, fresh: Workspace, runner: SyncRunner, client_id: int) -> ClientPageView:
    view = ClientPageView(ViewContext(fresh, runner, TODAY))
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    view.show_client(client_id)
    view.ensure_loaded()
    view.tabs.setCurrentIndex(2)
    return view


def _double_click(qtbot: QtBot, table: QTableView, index: QModelIndex) -> None:
    centre = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_history_row_opens_its_case_edit_form(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                              runner: SyncRunner) -> None:
    ids = _ids(fresh)
    dispute_id = cases.open_dispute(fresh, (ids["F1"],), "quality", date(2026, 11, 2), "Pièces abîmées")
    view = _page(qtbot, fresh, runner, book._clients["ALPHA"])
    row = next(i for i, r in enumerate(view.timeline_model.rows) if r.case is not None)
    _double_click(qtbot, view.timeline_table, view.timeline_model.index(row, 1))
    [dialog] = _open_dialogs(DisputeDialog)
    assert isinstance(dialog, DisputeDialog) and dialog.dispute_id == dispute_id
    dialog.notes.setPlainText("Pièces abîmées au transport")
    reloaded: list[bool] = []
    view.data_changed.connect(lambda: reloaded.append(True))
    dialog.submit()
    assert reloaded == [True]
    view.invalidate()
    view.ensure_loaded()
    corrections = [r for r in view.timeline_model.rows if r.summary.startswith("Litige corrigé")]
    assert len(corrections) == 1 and corrections[0].case == view.timeline_model.rows[row + 1].case
    menu = view.timeline_menu(corrections[0])
    [edit] = [a for a in menu.actions() if a.objectName() == "timeline_edit"]
    assert edit.isEnabled() and edit.text() == "Modifier…"
    edit.trigger()
    assert len(_open_dialogs(DisputeDialog)) == 1


def test_actions_menu_lists_the_cases_to_edit(qtbot: QtBot, book: Ledger, fresh: Workspace,
                                              runner: SyncRunner) -> None:
    ids = _ids(fresh)
    promise_id = cases.record_promise(fresh, (ids["F2"],), date(2026, 11, 5), date(2026, 11, 30), 50_000)
    view = _page(qtbot, fresh, runner, book._clients["ALPHA"])
    assert not view.edit_menus["dispute"].isEnabled()
    [action] = view.edit_menus["promise"].actions()
    assert "500,00" in action.text() and "30/11/2026" in action.text()
    action.trigger()
    [dialog] = _open_dialogs(PromiseDialog)
    assert isinstance(dialog, PromiseDialog) and dialog.promise_id == promise_id


def test_dispute_edit_with_the_threaded_runner_opened_from_its_client(qtbot: QtBot, book: Ledger,
                                                                      fresh: Workspace) -> None:
    """The loads may come back in any order: the case's invoices stay ticked, its reason chosen."""
    from app.ui.tasks import TaskRunner
    ids = _ids(fresh)
    dispute_id = cases.open_dispute(fresh, (ids["F2"],), "Colis abîmé", date(2026, 11, 2))
    threaded = TaskRunner()
    dialog = _show(qtbot, DisputeDialog(fresh, threaded, TODAY, client_id=book._clients["ALPHA"],
                                        dispute_id=dispute_id))
    assert isinstance(dialog, DisputeDialog)
    qtbot.waitUntil(lambda: dialog.client_combo.client_id() != 0 and dialog.reason.count() == 7
                    and not threaded.busy())
    assert dialog.invoices.checked_ids() == (ids["F2"],)
    assert dialog.reason.currentText() == "Colis abîmé"  # not in the list, kept as the dispute has it
    dialog.invoices.check(ids["F1"])
    with qtbot.waitSignal(dialog.saved):
        dialog.submit()
    assert case_edits.dispute_detail(fresh, dispute_id, TODAY).invoice_ids == (ids["F1"], ids["F2"])

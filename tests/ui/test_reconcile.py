"""Reconciliation journeys: a real CAMT.053 sample against a dossier with matching invoices, accepted and applied."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services import reports
from app.services.workspace import Workspace
from app.ui.columns import MUTED_COLOUR, RIGHT, SORT_ROLE
from app.ui.reconcile_model import RowState
from app.ui.reconcile_view import ReconcileDialog, open_reconciliation
from app.ui.tasks import SyncRunner, TaskRunner
from tests.conftest import SAMPLES, TODAY
from tests.services.ledger import Ledger

OCA = SAMPLES / "camt053" / "OCA_test-camt053.xml"  # 3 entries: a debit, a batch of two debits, 1 405,31 € in


@pytest.fixture
def media(workspace: Workspace) -> Ledger:
    book = Ledger(workspace)
    book.client("MEDIA", "3rd Party Media SARL")
    book.client("OTHER", "Autre Client SAS")
    book.invoice("MEDIA", "M-1", date(2013, 12, 1), date(2014, 1, 1), 140_531)
    book.invoice("MEDIA", "M-2", date(2013, 12, 15), date(2014, 1, 15), 50_000)
    book.invoice("OTHER", "O-1", date(2013, 12, 1), date(2014, 1, 1), 70_000)
    return book


def open_dialog(qtbot: QtBot, workspace: Workspace, path: Path = OCA) -> tuple[ReconcileDialog, list[int]]:
    done: list[int] = []
    dialog = open_reconciliation(None, workspace, SyncRunner(), path, lambda: done.append(1))
    qtbot.addWidget(dialog)
    return dialog, done


def total(workspace: Workspace) -> int:
    return reports.aged_balance(workspace, TODAY).totals.total_cents


def states(dialog: ReconcileDialog) -> list[RowState]:
    return [row.state for row in dialog.model.rows]


def test_accept_sure_proposals_and_apply(qtbot: QtBot, qtmodeltester: object, workspace: Workspace,
                                         media: Ledger) -> None:
    dialog, done = open_dialog(qtbot, workspace)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert states(dialog) == [RowState.IGNORED] * 3 + [RowState.TO_CHECK]
    debit = dialog.model.index(0, 0)
    assert dialog.model.data(debit, Qt.ItemDataRole.ForegroundRole) == MUTED_COLOUR
    amount = dialog.model.index(3, dialog.model.column_index("amount"))
    assert dialog.model.data(amount) == "1\u202f405,31\xa0€"  # French grouping and spacing
    assert dialog.model.data(amount, SORT_ROLE) == 140_531
    assert dialog.model.data(amount, Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT.value)
    assert dialog.model.data(dialog.model.index(3, dialog.model.column_index("client"))) == "3rd Party Media SARL"

    before = total(workspace)
    assert dialog.accept_sure_proposals() == 1
    dialog.apply()
    assert done == [1]
    assert total(workspace) == before - 140_531
    assert states(dialog) == [RowState.IGNORED] * 3 + [RowState.IMPORTED]  # reloaded: greyed and skipped
    assert dialog.model.data(dialog.model.index(3, 0), Qt.ItemDataRole.ForegroundRole) == MUTED_COLOUR

    again, _done = open_dialog(qtbot, workspace)
    assert states(again) == [RowState.IGNORED] * 3 + [RowState.IMPORTED]


def test_change_client_and_pick_invoices(qtbot: QtBot, workspace: Workspace, media: Ledger) -> None:
    dialog, _done = open_dialog(qtbot, workspace)
    dialog.select_line(3)
    panel = dialog.panel
    assert panel.accept_button.isEnabled()
    other = media._clients["OTHER"]
    panel.client.select(other)  # the user says it is another client's money
    assert [item.number for item in panel.items] == ["O-1"]
    panel.set_allocation_text("O-1", "800,00")  # more than it has open
    assert not panel.accept_button.isEnabled()
    panel.set_allocation_text("O-1", "700,00")
    assert panel.accept_button.isEnabled()
    panel.accept_button.click()
    (row,) = [r for r in dialog.model.rows if r.decision is not None]
    assert (row.decision.client_id, row.decision.allocated_cents) == (other, 70_000)
    before = total(workspace)
    dialog.apply()
    assert total(workspace) == before - 70_000  # the rest stays as the client's unallocated credit


def test_leave_unmatched(qtbot: QtBot, workspace: Workspace, media: Ledger) -> None:
    dialog, _done = open_dialog(qtbot, workspace)
    dialog.select_line(3)
    dialog.panel.unmatched_button.click()
    assert states(dialog)[3] == RowState.UNMATCHED and dialog.confirmed() == []
    assert dialog.accept_sure_proposals() == 0


def test_screenshot(qtbot: QtBot, workspace: Workspace, media: Ledger, tmp_path: Path) -> None:
    dialog, _done = open_dialog(qtbot, workspace)
    dialog.select_line(3)
    image = dialog.grab()
    assert image.save(str(tmp_path / "reconcile.png")) and image.width() > 600
    dialog.table.sortByColumn(dialog.model.column_index("amount"), Qt.SortOrder.DescendingOrder)
    assert dialog.proxy.index(0, 0).data(SORT_ROLE) == date(2014, 1, 5)  # the credit comes first
    assert dialog.proxy.mapToSource(dialog.proxy.index(0, 0)).row() == 3


def test_threaded_apply_reports_progress(qtbot: QtBot, workspace: Workspace, media: Ledger) -> None:
    """The real worker: matching and Apply off the GUI thread, progress back through the queued signal."""
    runner = TaskRunner()
    done: list[int] = []
    with qtbot.waitSignal(runner.idle, timeout=20_000):
        dialog = open_reconciliation(None, workspace, runner, OCA, lambda: done.append(1))
        qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not runner.busy() and dialog.preview is not None, timeout=20_000)
    assert dialog.accept_sure_proposals() == 1
    progress: list[tuple[int, int]] = []
    dialog.state.advanced.connect(lambda d, t: progress.append((d, t)))
    with qtbot.waitSignal(dialog.applied, timeout=20_000):
        dialog.apply()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert done == [1] and progress[-1] == (1, 1)
    assert states(dialog)[3] == RowState.IMPORTED


def test_importer_routes_a_statement_here(qtbot: QtBot, workspace: Workspace, media: Ledger) -> None:
    """Fichier > Importer… and drops go through the framework's start_import, which opens this window."""
    from PySide6.QtWidgets import QApplication, QWidget

    from app.ui.import_preview import start_import

    parent = QWidget()
    qtbot.addWidget(parent)
    start_import(parent, workspace, SyncRunner(), OCA, lambda: None)
    (dialog,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReconcileDialog) and w.isVisible()]
    assert states(dialog) == [RowState.IGNORED] * 3 + [RowState.TO_CHECK]
    dialog.close()


def test_show_only_the_lines_to_check(qtbot: QtBot, qtmodeltester: object, workspace: Workspace,
                                      media: Ledger) -> None:
    dialog, _done = open_dialog(qtbot, workspace)
    qtmodeltester.check(dialog.proxy)  # type: ignore[attr-defined]
    dialog.shown.setCurrentIndex(dialog.shown.findData("to_check"))
    assert dialog.proxy.rowCount() == 1
    dialog.accept_sure_proposals()
    assert dialog.proxy.rowCount() == 0  # accepted: no longer to check
    dialog.shown.setCurrentIndex(dialog.shown.findData("skipped"))
    assert dialog.proxy.rowCount() == 3

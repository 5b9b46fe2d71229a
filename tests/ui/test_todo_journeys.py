"""The "À faire" page on a small real dossier, with the real engine and actions: what a user does in the morning,
and what the history and the next days' lists show afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.kinds import ActionKind, CallOutcome, Channel, SuggestionKind
from app.services import client_page, dispute_reasons, entries, rates, todo_actions
from app.services.clock import fixed_clock
from app.services.todo_dto import Suggestion
from app.services.workspace import Workspace, create_workspace
from app.ui.dialogs.call_sheet import CallSheetDialog
from app.ui.dialogs.form import to_qdate
from app.ui.dialogs.todo_notice import DeliveryDialog, NoticeDialog
from app.ui.dialogs.todo_postpone import PostponeDialog, SkipDialog
from app.ui.ladder_editor import LadderEditor
from app.ui.letter_preview import LetterPreviewDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import SyncRunner
from app.ui.todo_rows import Group, group_of
from app.ui.todo_view import TodoView
from app.ui.view_base import ViewContext
from tests.conftest import COMPANY, TODAY
from tests.services.ledger import Ledger

# Four clients of the "Standard" ladder as of 23/11/2026, one open invoice each.
DOSSIER = (("ALPHA", date(2026, 11, 15), 100_000), ("BRAVO", date(2026, 10, 20), 250_000),
           ("CHARLIE", date(2026, 11, 10), 40_000), ("DELTA", date(2026, 10, 1), 600_000))


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Workspace]:
    ws = create_workspace(tmp_path / "journeys.encaisse", COMPANY, clock=fixed_clock(TODAY))
    book = Ledger(ws)
    for code, due, cents in DOSSIER:
        book.client(code, f"{code.title()} SARL", segment_code="standard")
        book.invoice(code, f"F-{code}", due - timedelta(days=30), due, cents)
    yield ws
    ws.close()


@pytest.fixture
def view(qtbot: QtBot, small: Workspace) -> TodoView:
    todo = TodoView(ViewContext(small, SyncRunner(), TODAY))
    qtbot.addWidget(todo)
    todo.resize(1300, 700)
    todo.confirm = lambda _title, _text: True
    todo.inform = lambda _title, _text: None
    todo.ensure_loaded()
    return todo


def _move_to(view: TodoView, day: date) -> None:
    """The user comes back on ``day``: the dossier's clock and the page's date both move."""
    view.context.workspace.clock = fixed_clock(day)
    view.set_as_of(day)
    view.ensure_loaded()


def _clients(view: TodoView) -> list[str]:
    return [s.client_code for s in view.visible()]


def _select(view: TodoView, code: str) -> None:
    view.select_keys({next(s.key for s in view.visible() if s.client_code == code)})


def _entries(ws: Workspace, code: str) -> list[Any]:
    client_id = client_page.client_id_for_code(ws, code)
    assert client_id is not None
    return list(client_page.client_page(ws, client_id, TODAY + timedelta(days=60)).history)


def _history(ws: Workspace, code: str) -> list[ActionKind]:
    client_id = client_page.client_id_for_code(ws, code)
    assert client_id is not None
    return [entry.kind for entry in client_page.client_page(ws, client_id, TODAY + timedelta(days=60)).history]


def test_lists_suggestions_grouped_by_channel_then_priority(view: TodoView) -> None:
    shown = view.visible()
    groups = [group_of(s) for s in shown]
    assert groups == sorted(groups) and {Group.EMAIL, Group.PHONE} <= set(groups)
    for group in set(groups):
        priorities = [s.priority for s in shown if group_of(s) == group]
        assert priorities == sorted(priorities, reverse=True)
    assert not view.banner.isHidden()  # no bank statement was ever imported
    view.set_channel(Group.PHONE)
    assert view.visible() and all(s.channel == Channel.PHONE for s in view.visible())


def test_execute_an_email_step(view: TodoView, small: Workspace) -> None:
    _select(view, "ALPHA")
    assert view.current() is not None and view.current().channel == Channel.EMAIL
    view.execute_current()
    assert "ALPHA" not in _clients(view)
    assert ActionKind.REMINDER in _history(small, "ALPHA") or ActionKind.LETTER in _history(small, "ALPHA")


def test_call_with_a_promise_removes_the_client_until_the_promised_date(view: TodoView, small: Workspace) -> None:
    _select(view, "BRAVO")
    view.execute_current()
    sheet = view.dialog
    assert isinstance(sheet, CallSheetDialog)
    sheet.choose(CallOutcome.PROMISE)
    promised = TODAY + timedelta(days=10)
    sheet.promise_on.setDate(to_qdate(promised))
    sheet.submit()
    assert "BRAVO" not in _clients(view)
    client_id = client_page.client_id_for_code(small, "BRAVO")
    assert client_id is not None
    promises = entries.promise_statuses(small, client_id, TODAY)
    assert [(p.promised_on, p.amount_cents) for p in promises] == [(promised, 250_000)]
    view.set_as_of(promised)
    view.ensure_loaded()
    assert "BRAVO" not in _clients(view)
    view.set_as_of(promised + timedelta(days=30))  # broken: nothing was paid
    view.ensure_loaded()
    assert "BRAVO" in _clients(view)


def test_postpone_hides_until_the_date(view: TodoView) -> None:
    _select(view, "CHARLIE")
    view.postpone_button.click()
    dialog = view.dialog
    assert isinstance(dialog, PostponeDialog)
    until = TODAY + timedelta(days=5)
    dialog.until.setDate(to_qdate(until))
    dialog.reason.setText("Attend son virement de fin de mois")
    dialog.submit()
    assert "CHARLIE" not in _clients(view)
    view.set_as_of(until - timedelta(days=1))
    view.ensure_loaded()
    assert "CHARLIE" not in _clients(view)
    view.set_as_of(until)
    view.ensure_loaded()
    assert "CHARLIE" in _clients(view)


def test_skip_with_a_reason_is_recorded(view: TodoView, small: Workspace) -> None:
    _select(view, "CHARLIE")
    view.skip_button.click()
    dialog = view.dialog
    assert isinstance(dialog, SkipDialog)
    dialog.submit()
    assert "CHARLIE" in _clients(view)  # refused without a reason
    dialog.reason.setPlainText("Relance faite par téléphone par le commercial")
    dialog.submit()
    assert "CHARLIE" not in _clients(view)
    assert ActionKind.SKIPPED in _history(small, "CHARLIE")


def test_batch_of_emails_with_progress(view: TodoView, small: Workspace) -> None:
    seen: list[int] = []
    view.progress.valueChanged.connect(seen.append)
    view.select_keys({s.key for s in view.visible()})
    view.execute_selection()
    assert not {"ALPHA", "CHARLIE"} & set(_clients(view))
    assert {"BRAVO", "DELTA"} <= set(_clients(view))  # calls are left for one by one
    assert seen and seen[-1] == 2 and view.progress.isHidden()


def test_formal_notice_then_its_delivery(view: TodoView, small: Workspace) -> None:
    _select(view, "DELTA")
    view.execute_current()
    sheet = view.dialog
    assert isinstance(sheet, CallSheetDialog)
    sheet.choose(CallOutcome.NO_ANSWER)
    sheet.submit()
    day = TODAY
    for _ in range(40):  # the next DELTA step is the mise en demeure, once the interval has passed
        day += timedelta(days=1)
        _move_to(view, day)
        notice = [s for s in view.visible() if s.client_code == "DELTA" and s.channel == Channel.REGISTERED_LETTER]
        if notice:
            break
    assert notice
    view.select_keys({notice[0].key})
    view.execute_current()
    dialog = view.dialog
    assert isinstance(dialog, NoticeDialog)
    dialog.number.setText("1A 123 456 7890 3")
    dialog.submit()  # the shipped rates end in June 2026: the notice cannot state its interest yet
    assert "second semestre 2026" in dialog.form_error.text() and dialog.isVisible()
    assert ActionKind.FORMAL_NOTICE not in _history(small, "DELTA")
    rates.save_rate(small, rates.RateRow(date(2026, 7, 1), 215, 262, 667, "arrêté (test)"))  # the user adds it
    dialog.submit()
    assert ActionKind.FORMAL_NOTICE in _history(small, "DELTA")
    assert isinstance(view.preview, LetterPreviewDialog)  # the notice opens to print
    assert "_notice_DELTA" in view.preview.document.filename
    entry = next(e for e in _entries(small, "DELTA") if e.kind == ActionKind.FORMAL_NOTICE)
    assert entry.document_id is not None
    for _ in range(30):
        day += timedelta(days=1)
        _move_to(view, day)
        delivery = [s for s in view.visible() if s.kind == SuggestionKind.DELIVERY]
        if delivery:
            break
    assert delivery
    view.select_keys({delivery[0].key})
    view.execute_current()
    record = view.dialog
    assert isinstance(record, DeliveryDialog)
    record.submit()
    assert ActionKind.DELIVERY in _history(small, "DELTA")


def test_a_letter_step_produces_the_letter_keeps_it_and_opens_it(view: TodoView, small: Workspace) -> None:
    day = TODAY
    letter: list[Suggestion] = []
    for _ in range(20):  # CHARLIE (due 10/11) reaches the Standard ladder's J+15 letter; earlier steps skipped
        letter = [s for s in view.visible() if s.client_code == "CHARLIE" and s.channel == Channel.LETTER]
        if letter:
            break
        for s in [s for s in view.visible() if s.client_code == "CHARLIE"]:
            todo_actions.skip(small, s, day, "test")
        day += timedelta(days=1)
        _move_to(view, day)
    assert letter
    view.select_keys({letter[0].key})
    view.execute_current()
    assert isinstance(view.preview, LetterPreviewDialog)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(view.preview.document.pdf)).pages)
    assert "F-CHARLIE" in text and "400,00" in text
    entry = next(e for e in _entries(small, "CHARLIE") if e.kind == ActionKind.LETTER)
    assert entry.document_id is not None
    assert "CHARLIE" not in [s.client_code for s in view.visible() if s.channel == Channel.LETTER]


def test_double_click_opens_the_client_page(qtbot: QtBot, small: Workspace) -> None:
    window = MainWindow(small.info(), ViewContext(small, SyncRunner(), TODAY))
    qtbot.addWidget(window)
    view = window.show_view("todo")
    assert isinstance(view, TodoView)
    view.ensure_loaded()
    first = view.visible()[0]
    view.table.doubleClicked.emit(view.proxy.index(0, 1))
    page = window.current_view()
    assert getattr(page, "client_id", None) == first.client_id


def test_settings_menu_opens_the_ladder_editor(qtbot: QtBot, small: Workspace) -> None:
    window = MainWindow(small.info(), ViewContext(small, SyncRunner(), TODAY))
    qtbot.addWidget(window)
    window.ladders_action.trigger()
    editor = window.findChild(LadderEditor)
    assert editor is not None and editor.isVisible() and editor.name.text() == "Standard"
    editor.steps.offset_editor(1).setValue(12)  # the first reminder waits a week more
    editor.save()
    editor.close()
    view = window.show_view("todo")
    assert isinstance(view, TodoView)
    view.ensure_loaded()
    assert "ALPHA" not in _clients(view)  # 8 days late: J+12 is not reached yet


def test_enter_executes_the_current_row(qtbot: QtBot, view: TodoView) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    _select(view, "BRAVO")
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert isinstance(view.dialog, CallSheetDialog)


def test_a_future_date_shows_the_list_but_records_nothing(view: TodoView) -> None:
    view.set_as_of(TODAY + timedelta(days=3))
    view.ensure_loaded()
    assert view.visible() and view.current() is not None
    assert not view.execute_button.isEnabled() and view.execute_button.toolTip()
    view.set_as_of(TODAY)
    view.ensure_loaded()
    assert view.execute_button.isEnabled()


def test_call_with_a_dispute_uses_the_dossiers_reasons(view: TodoView, small: Workspace) -> None:
    dispute_reasons.add_dispute_reason(small, "Retard de livraison")
    _select(view, "BRAVO")
    view.execute_current()
    sheet = view.dialog
    assert isinstance(sheet, CallSheetDialog)
    sheet.choose(CallOutcome.DISPUTE)
    combo = sheet.dispute_reason
    assert combo.findData("Retard de livraison") >= 0 and combo.findText("Prix") >= 0
    combo.setCurrentIndex(combo.findData("Retard de livraison"))
    sheet.submit()
    assert "BRAVO" not in _clients(view)
    client_id = client_page.client_id_for_code(small, "BRAVO")
    assert client_id is not None
    page = client_page.client_page(small, client_id, TODAY)
    assert [d.reason for d in page.disputes] == ["Retard de livraison"]

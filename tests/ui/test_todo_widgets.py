"""The "À faire" page and its dialogs on hand-built suggestions: grouping, sorting, filters, what each action
sends to the services (the services themselves are stubbed here; test_todo_journeys.py uses the real ones)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.kinds import CallOutcome, Channel, SuggestionKind, Tone
from app.formatting import format_cents
from app.services import letters, next_steps, todo_actions
from app.services.clock import fixed_clock
from app.services.letters import ExecutedLetters
from app.services.todo_dto import BatchResult, Reason, ReasonCode, SuggestedInvoice, Suggestion, TodoList
from app.services.workspace import Workspace, create_workspace
from app.ui.dialogs.call_sheet import CallSheetDialog
from app.ui.dialogs.todo_notice import NoticeDialog, lrar_problem
from app.ui.dialogs.todo_postpone import SkipDialog
from app.ui.tasks import SyncRunner
from app.ui.todo_rows import Group
from app.ui.todo_view import TodoView
from app.ui.view_base import ViewContext
from tests.conftest import COMPANY, TODAY
from tests.services.ledger import Ledger


def suggestion(client: str, channel: Channel, priority: int, cents: int, *, client_id: int = 1,
               kind: SuggestionKind = SuggestionKind.STEP, segment: str | None = "standard", late: int = 20,
               warnings: tuple[Reason, ...] = ()) -> Suggestion:
    invoice = SuggestedInvoice(client_id * 10, f"F-{client}", TODAY - timedelta(days=late + 30),
                               TODAY - timedelta(days=late), cents, late, 2)
    return Suggestion(
        key=f"{client_id}:{kind}:{client}", kind=kind, client_id=client_id, client_code=client.upper(),
        client_name=client, segment_code=segment, ladder_code="standard", step_id=2, step_name=f"Étape {client}",
        step_position=2, channel=channel, tone=Tone.FIRM, template="reminder_1", needs_review=False,
        deadline_days=8 if channel == Channel.REGISTERED_LETTER else None, invoices=(invoice,),
        overdue_cents=cents, credits_cents=0, claimed_cents=cents, priority=priority,
        reasons=(Reason(ReasonCode.DAYS_LATE, {"days": late, "number": invoice.number}),
                 Reason(ReasonCode.AMOUNT, {"cents": cents})),
        warnings=warnings)


SUGGESTIONS = (
    suggestion("Alpha", Channel.EMAIL, 10, 50_000, client_id=1),
    suggestion("Bravo", Channel.PHONE, 90, 300_000, client_id=2, segment="at_risk"),
    suggestion("Charlie", Channel.EMAIL, 70, 120_000, client_id=3),
    suggestion("Delta", Channel.REGISTERED_LETTER, 50, 800_000, client_id=4,
               warnings=(Reason(ReasonCode.PRESCRIPTION_NEAR, {"number": "F-Delta", "on": "2027-01-10"}),)),
    suggestion("Echo", Channel.LETTER, 30, 2_000, client_id=5, segment="strategic"),
)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Workspace]:
    ws = create_workspace(tmp_path / "todo.encaisse", COMPANY, clock=fixed_clock(TODAY))
    ledger = Ledger(ws)
    for code in ("Alpha", "Bravo", "Charlie", "Delta", "Echo"):
        ledger.client(code.upper(), code)
    yield ws
    ws.close()


class Recorder:
    """Stands in for the services: a fixed list, and every call remembered."""

    def __init__(self, suggestions: tuple[Suggestion, ...], stale: bool = False) -> None:
        self.suggestions = suggestions
        self.stale = stale
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def todo(self, _ws: Workspace, as_of: date) -> TodoList:
        return TodoList(as_of, self.suggestions, as_of - timedelta(days=12) if self.stale else as_of, self.stale)

    def recorder(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            if name == "execute_selection":
                batch = args[1]
                for done in range(1, len(batch) + 1):
                    kwargs["progress"](done, len(batch))
                self.suggestions = tuple(s for s in self.suggestions if s not in batch)
                return ExecutedLetters(BatchResult(tuple(range(len(batch))), ()), None)
            self.suggestions = tuple(s for s in self.suggestions if s is not args[1])
            return (1, None) if name == "execute_letter_step" else 1
        return call


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder(SUGGESTIONS)
    monkeypatch.setattr(next_steps, "build_todo", recorder.todo)
    for name in ("execute_suggestion", "postpone", "skip", "record_call", "record_delivery", "execute_batch"):
        monkeypatch.setattr(todo_actions, name, recorder.recorder(name))
    for name in ("execute_letter_step", "execute_selection"):  # letters are produced through the letters service
        monkeypatch.setattr(letters, name, recorder.recorder(name))
    return recorder


@pytest.fixture
def view(qtbot: QtBot, fresh: Workspace, services: Recorder) -> TodoView:
    todo = TodoView(ViewContext(fresh, SyncRunner(), TODAY))
    qtbot.addWidget(todo)
    todo.resize(1300, 700)
    todo.ensure_loaded()
    return todo


def _names(view: TodoView) -> list[str]:
    return [s.client_name for s in view.visible()]


def test_model_and_proxy_pass_the_model_tester(qtmodeltester: ModelTester, view: TodoView) -> None:
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)


def test_grouped_by_channel_then_priority(view: TodoView) -> None:
    assert _names(view) == ["Charlie", "Alpha", "Echo", "Bravo", "Delta"]  # e-mail, letter, phone, LRAR
    claimed = view.model.column_index("claimed")
    text = view.proxy.index(0, claimed).data()
    assert text == format_cents(120_000) and "200" in text and "," in text
    assert "5" in view.count_label.text()
    warnings = view.model.column_index("warnings")
    delta = _names(view).index("Delta")
    assert view.proxy.index(delta, warnings).data()  # the prescription warning shows in its row
    assert "2027" in view.proxy.index(delta, warnings).data(3)  # ToolTipRole: every reason in full


def test_filters_channel_segment_amount_and_text(qtbot: QtBot, view: TodoView) -> None:
    view.set_channel(Group.EMAIL)
    assert _names(view) == ["Charlie", "Alpha"]
    view.set_channel(None)
    view.segment_combo.setCurrentIndex(view.segment_combo.findData("at_risk"))
    assert _names(view) == ["Bravo"]
    view.segment_combo.setCurrentIndex(0)
    view.min_amount.setText("1 000")
    assert _names(view) == ["Charlie", "Bravo", "Delta"]
    view.min_amount.clear()
    qtbot.keyClicks(view.filter_box, "echo")
    qtbot.waitUntil(lambda: _names(view) == ["Echo"])


def test_bank_banner_when_statements_are_stale(qtbot: QtBot, fresh: Workspace, services: Recorder) -> None:
    services.stale = True
    todo = TodoView(ViewContext(fresh, SyncRunner(), TODAY))
    qtbot.addWidget(todo)
    todo.ensure_loaded()
    assert not todo.banner.isHidden() and "12" in todo.banner.text()


def test_execute_email_asks_then_records(view: TodoView, services: Recorder) -> None:
    questions: list[str] = []
    view.confirm = lambda _title, text: questions.append(text) or True
    view.select_keys({SUGGESTIONS[2].key})
    view.execute_current()
    assert "Charlie" in questions[0] and "Étape Charlie" in questions[0]
    assert services.calls[0][0] == "execute_suggestion" and services.calls[0][1][1] == SUGGESTIONS[2]
    assert "Charlie" not in _names(view)
    assert view.current() is not None and view.current().client_name == "Alpha"  # the next row is selected


def test_call_sheet_promise(qtbot: QtBot, view: TodoView, services: Recorder) -> None:
    view.select_keys({SUGGESTIONS[1].key})
    view.execute_current()
    sheet = view.dialog
    assert isinstance(sheet, CallSheetDialog)
    table = sheet.findChild(QTableWidget)
    assert table is not None and table.item(0, 0).text() == "F-Bravo"
    sheet.choose(CallOutcome.PROMISE)
    assert not sheet.extra.isHidden()
    sheet.promise_amount.setText("1 500,00")
    sheet.submit()
    name, args, kwargs = services.calls[-1]
    assert name == "record_call" and args[3] == CallOutcome.PROMISE
    assert kwargs["promise_cents"] == 150_000 and kwargs["promise_on"] > TODAY
    assert "Bravo" not in _names(view)


def test_skip_requires_a_reason(qtbot: QtBot, view: TodoView, services: Recorder) -> None:
    view.select_keys({SUGGESTIONS[0].key})
    view.skip_button.click()
    dialog = view.dialog
    assert isinstance(dialog, SkipDialog)
    dialog.submit()
    assert not services.calls and dialog.errors["reason"].text()
    dialog.reason.setPlainText("Client en redressement, dossier transmis")
    dialog.submit()
    assert services.calls[-1][0] == "skip" and services.calls[-1][1][3].startswith("Client en")


def test_notice_dialog_checks_the_lrar_number(view: TodoView, services: Recorder) -> None:
    view.select_keys({SUGGESTIONS[3].key})
    view.execute_current()
    dialog = view.dialog
    assert isinstance(dialog, NoticeDialog)
    dialog.number.setText("12345")
    dialog.submit()
    assert not services.calls and dialog.errors["lrar"].text()
    dialog.number.setText("1a 123 456 7890 3")
    dialog.submit()
    assert services.calls[-1][2]["details"] == {"lrar_number": "1A 123 456 7890 3"}
    assert lrar_problem("RR123456789FR") == "" and lrar_problem("1A12") != ""


def test_batch_leaves_calls_out_and_shows_progress(view: TodoView, services: Recorder) -> None:
    messages: list[str] = []
    view.confirm = lambda _title, _text: True
    view.inform = lambda _title, text: messages.append(text)
    seen: list[tuple[int, int]] = []
    view.select_keys({s.key for s in SUGGESTIONS})
    assert "5" in view.batch_button.text()
    view.progress.valueChanged.connect(lambda value: seen.append((value, view.progress.maximum())))
    view.execute_selection()
    assert "Bravo" in messages[0] and "Delta" in messages[0]  # a call and an LRAR are done one by one
    name, args, _kwargs = services.calls[-1]
    assert name == "execute_selection" and {s.client_name for s in args[1]} == {"Alpha", "Charlie", "Echo"}
    assert seen[-1] == (3, 3)
    assert _names(view) == ["Bravo", "Delta"] and view.progress.isHidden()


def test_header_sort_keeps_the_selection(qtmodeltester: ModelTester, view: TodoView) -> None:
    view.select_keys({SUGGESTIONS[4].key})
    view.table.sortByColumn(view.model.column_index("claimed"), Qt.SortOrder.DescendingOrder)
    assert [s.claimed_cents for s in view.visible()] == sorted((s.claimed_cents for s in SUGGESTIONS), reverse=True)
    assert view.current() == SUGGESTIONS[4]
    view.min_amount.setText("1 000")  # filtering keeps the sorted order
    assert _names(view) == ["Delta", "Bravo", "Charlie"]
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert _names(view) == ["Charlie", "Bravo", "Delta"]
    qtmodeltester.check(view.proxy)

"""The ladder editor on a fresh dossier: a changed offset is saved, an invalid ladder is refused with its message,
a new ladder is created and deleted, a segment gets another ladder; reachable from the Settings menu."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.kinds import Channel
from app.services import ladders
from app.services.workspace import Workspace
from app.ui.ladder_editor import CHANNEL, DEADLINE, LadderEditor
from app.ui.tasks import SyncRunner


@pytest.fixture
def editor(qtbot: QtBot, fresh: Workspace) -> LadderEditor:
    dialog = LadderEditor(fresh, SyncRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _standard(ws: Workspace) -> ladders.LadderSpec:
    return next(spec for spec in ladders.list_ladders(ws) if spec.code == "standard")


def test_opens_on_the_default_ladder_with_its_steps(editor: LadderEditor) -> None:
    assert editor.name.text() == "Standard" and editor.default.isChecked()
    assert editor.steps.rowCount() == 5
    assert editor.steps.offset_editor(4).value() == 45
    assert set(editor.segment_combos) == {"strategic", "standard", "at_risk"}
    assert not editor.save_button.isEnabled()


def test_saves_a_changed_offset(editor: LadderEditor, fresh: Workspace) -> None:
    editor.steps.offset_editor(1).setValue(8)
    assert editor.dirty and not editor.ladder_list.isEnabled() and editor.save_button.isEnabled()
    editor.save_button.click()
    assert [s.offset_days for s in _standard(fresh).steps] == [-5, 8, 15, 30, 45]
    assert not editor.dirty and editor.ladder_list.isEnabled()


def test_refuses_an_invalid_ladder_with_the_message_shown(editor: LadderEditor, fresh: Workspace) -> None:
    editor.steps.offset_editor(2).setValue(3)  # J+3 after J+5
    assert "3 (Deuxième relance)" in editor.message.text()
    assert not editor.save_button.isEnabled()
    editor.save()
    assert [s.offset_days for s in _standard(fresh).steps] == [-5, 5, 15, 30, 45]
    editor.steps.offset_editor(2).setValue(15)
    editor.steps.cellWidget(4, DEADLINE).setValue(3)  # type: ignore[union-attr]
    assert "5 (Mise en demeure)" in editor.message.text()
    editor.revert_button.click()
    assert editor.message.text() == "" and editor.steps.cellWidget(4, DEADLINE).value() == 8  # type: ignore[union-attr]


def test_new_ladder_then_delete(editor: LadderEditor, fresh: Workspace) -> None:
    editor.new_ladder()
    editor.name.setText("Grands comptes")
    editor.name.textEdited.emit("Grands comptes")
    editor.steps.change_steps(lambda steps, row: len(steps))
    editor.save_button.click()
    created = next(spec for spec in ladders.list_ladders(fresh) if spec.name == "Grands comptes")
    assert created.steps[0].channel == Channel.EMAIL and editor.current is not None
    assert editor.current.id == created.id and editor.delete_button.isEnabled()
    editor.confirm = lambda _text: True
    editor.delete_button.click()
    assert "Grands comptes" not in {spec.name for spec in ladders.list_ladders(fresh)}


def test_assigns_a_segment_another_ladder(editor: LadderEditor, fresh: Workspace) -> None:
    combo = editor.segment_combos["standard"]
    risky = next(spec for spec in ladders.list_ladders(fresh) if spec.code == "at_risk")
    combo.setCurrentIndex(combo.findData(risky.id))
    assert {s.code: s.ladder_id for s in ladders.list_segments(fresh)}["standard"] == risky.id


def test_channel_change_to_notice_needs_a_deadline(editor: LadderEditor) -> None:
    combo = editor.steps.cellWidget(1, CHANNEL)
    combo.setCurrentIndex(combo.findData(Channel.REGISTERED_LETTER))  # type: ignore[union-attr]
    assert "2 (Première relance)" in editor.message.text()


def test_undo_drops_a_new_ladder(editor: LadderEditor, fresh: Workspace) -> None:
    editor.new_ladder()
    assert editor.dirty and editor.current is None
    editor.revert_button.click()
    assert not editor.dirty and editor.name.text() == "Standard" and editor.steps.rowCount() == 5
    assert len(ladders.list_ladders(fresh)) == 3

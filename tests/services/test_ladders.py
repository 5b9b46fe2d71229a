"""Ladder editing: list, save (steps kept by id, reordered), refuse invalid ladders, delete, assign segments."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.kinds import Channel, OffsetBase
from app.services import ladders
from app.services.ladders import LadderSpec, StepSpec
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace


def _by_code(ws: Workspace, code: str) -> LadderSpec:
    return next(spec for spec in ladders.list_ladders(ws) if spec.code == code)


def test_lists_the_shipped_ladders_default_first(workspace: Workspace) -> None:
    listed = ladders.list_ladders(workspace)
    assert listed[0].code == "standard" and listed[0].is_default
    assert {spec.code for spec in listed} == {"standard", "good_payer", "at_risk"}
    standard = listed[0]
    assert [s.offset_days for s in standard.steps] == [-5, 5, 15, 30, 45]
    assert standard.steps[-1].channel == Channel.REGISTERED_LETTER and standard.steps[-1].deadline_days == 8
    assert standard.used_by == 1  # the "standard" segment


def test_save_changes_an_offset_and_keeps_step_ids(workspace: Workspace) -> None:
    standard = _by_code(workspace, "standard")
    steps = list(standard.steps)
    steps[1] = replace(steps[1], offset_days=7)
    ladders.save_ladder(workspace, replace(standard, steps=tuple(steps), min_interval_days=6))
    saved = _by_code(workspace, "standard")
    assert [s.offset_days for s in saved.steps] == [-5, 7, 15, 30, 45]
    assert [s.id for s in saved.steps] == [s.id for s in standard.steps]
    assert saved.min_interval_days == 6


def test_reorder_add_and_remove_steps(workspace: Workspace) -> None:
    risky = _by_code(workspace, "at_risk")
    first, second, *rest = risky.steps
    extra = StepSpec("Relance après appel", 3, Channel.EMAIL, offset_base=OffsetBase.PREVIOUS_STEP)
    ladders.save_ladder(workspace, replace(risky, steps=(first, second, extra, *rest[1:])))
    saved = _by_code(workspace, "at_risk")
    assert [s.name for s in saved.steps] == ["Rappel avant échéance", "Première relance", "Relance après appel",
                                             "Relance finale", "Mise en demeure"]


def test_invalid_ladder_is_refused_with_messages(workspace: Workspace) -> None:
    standard = _by_code(workspace, "standard")
    steps = list(standard.steps)
    steps[2] = replace(steps[2], offset_days=2)  # before the J+5 step
    steps[4] = replace(steps[4], deadline_days=3)
    with pytest.raises(ValidationFailed) as caught:
        ladders.save_ladder(workspace, replace(standard, name="À risque", steps=tuple(steps)))
    messages = "\n".join(p.message for p in caught.value.problems)
    assert "3 (Deuxième relance)" in messages
    assert "5 (Mise en demeure)" in messages
    assert "À risque" in messages  # the name is taken
    assert [s.offset_days for s in _by_code(workspace, "standard").steps] == [-5, 5, 15, 30, 45]


def test_new_ladder_default_moves_and_delete(workspace: Workspace) -> None:
    spec = LadderSpec("Très ferme", (StepSpec("Relance", 1, Channel.EMAIL),
                                     StepSpec("Mise en demeure", 10, Channel.REGISTERED_LETTER, deadline_days=8)),
                      is_default=True)
    new_id = ladders.save_ladder(workspace, spec)
    assert _by_code(workspace, "tres_ferme").is_default and not _by_code(workspace, "standard").is_default
    with pytest.raises(ValidationFailed, match=r"par défaut|default"):
        ladders.delete_ladder(workspace, new_id)
    ladders.save_ladder(workspace, replace(_by_code(workspace, "standard"), is_default=True))
    ladders.assign_segments(workspace, {"standard": new_id})
    with pytest.raises(ValidationFailed):
        ladders.delete_ladder(workspace, new_id)
    ladders.assign_segments(workspace, {"standard": _by_code(workspace, "standard").id})
    ladders.delete_ladder(workspace, new_id)
    assert "tres_ferme" not in {spec.code for spec in ladders.list_ladders(workspace)}
    segments = {s.code: s.ladder_id for s in ladders.list_segments(workspace)}
    assert segments["standard"] == _by_code(workspace, "standard").id

"""Executing a letter step stores the PDF with its hash and records the step; the CLI writes a letter."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app import cli
from app.domain.kinds import ActionKind, Channel, Tone
from app.letters.data import LetterKind
from app.models import Action, LadderStep, StoredDocument
from app.services import letters, next_steps
from app.services.rates import RateRow, save_rate
from app.services.todo_dto import Suggestion
from app.services.workspace import Workspace
from tests.services.ledger import Ledger

AS_OF = date(2026, 11, 23)


@pytest.fixture
def late(workspace: Workspace) -> Ledger:
    """OMEGA owes R1, 2 400,00 € due 01/08/2026: 114 days late, the standard ladder's mise en demeure step."""
    save_rate(workspace, RateRow(date(2026, 7, 1), 215, 262, 667))
    book = Ledger(workspace)
    book.client("OMEGA", "Oméga Industries SAS", siren="552100554", address_line1="2 rue Neuve", postcode="69001",
                city="Lyon")
    book.invoice("OMEGA", "R1", date(2026, 7, 2), date(2026, 8, 1), 240_000)
    return book


def _notice_suggestion(ws: Workspace) -> Suggestion:
    """The engine's suggestion for OMEGA (a backlog starts before the notice), turned into the ladder's notice
    step as the À faire list shows it a few steps later."""
    suggestion = next(s for s in next_steps.build_todo(ws, AS_OF).suggestions if s.client_code == "OMEGA")
    with ws.dossier.reading() as session:
        step_id = session.scalar(select(LadderStep.id).where(LadderStep.template == "formal_notice")
                                 .order_by(LadderStep.id))
    return replace(suggestion, step_id=step_id, step_name="Mise en demeure", channel=Channel.REGISTERED_LETTER,
                   tone=Tone.FORMAL, template="formal_notice", deadline_days=8)


def test_executing_a_letter_step_stores_the_pdf_and_its_hash(workspace: Workspace, late: Ledger) -> None:
    suggestion = _notice_suggestion(workspace)
    assert suggestion.channel is Channel.REGISTERED_LETTER
    assert letters.kind_for_suggestion(suggestion) is LetterKind.NOTICE
    action_id, letter = letters.execute_letter_step(workspace, suggestion, AS_OF, details={"lrar": "1A 234 567 8901 2"})
    with workspace.dossier.reading() as session:
        action = session.get(Action, action_id)
        assert action is not None and action.kind is ActionKind.FORMAL_NOTICE and action.document_id is not None
        stored = session.get(StoredDocument, action.document_id)
        assert stored is not None and stored.mime_type == "application/pdf"
        assert stored.sha256 == hashlib.sha256(stored.content).hexdigest() == letter.sha256
        details = json.loads(action.details)
        assert details["sha256"] == letter.sha256 and details["lrar"] == "1A 234 567 8901 2"
        assert details["deadline_days"] == 8
    # R1: 2 400,00 € from 02/08 to 23/11/2026 = 114 days at 12,15 %: 240 000 × 1 215 × 114 / 3 650 000 = 9 107,51 c
    assert letter.data.interest_cents == 9108 and letter.data.total_cents == 240_000 + 9108 + 4000
    again = letters.letter_data(workspace, _omega(workspace), LetterKind.CLAIM, AS_OF)
    assert [item.kind for item in again.reminders] == ["formal_notice"]
    assert again.attachments and again.attachments[0].filename == letter.filename


def _omega(ws: Workspace) -> int:
    from app.services.client_page import client_id_for_code

    found = client_id_for_code(ws, "OMEGA")
    assert found is not None
    return found


def test_a_refused_step_leaves_no_document_behind(workspace: Workspace, late: Ledger) -> None:
    suggestion = _notice_suggestion(workspace)
    letters.execute_letter_step(workspace, suggestion, AS_OF)
    with pytest.raises(Exception, match="déjà"):
        letters.execute_letter_step(workspace, suggestion, AS_OF)
    with workspace.dossier.reading() as session:
        assert len(session.scalars(select(StoredDocument.id)).all()) == 1


def test_a_crash_while_recording_the_step_stores_no_letter(workspace: Workspace, late: Ledger,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import todo_actions

    def crash(*_args: object) -> int:
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(todo_actions, "_execute", crash)
    with pytest.raises(RuntimeError):
        letters.execute_letter_step(workspace, _notice_suggestion(workspace), AS_OF)
    with workspace.dossier.reading() as session:
        assert session.scalars(select(StoredDocument.id)).all() == []
        assert session.scalars(select(Action.id).where(Action.kind == ActionKind.FORMAL_NOTICE)).all() == []


def test_the_cli_writes_a_letter(workspace: Workspace, late: Ledger, tmp_path: Path) -> None:
    path = workspace.path
    workspace.close()
    out = tmp_path / "notice.pdf"
    lines: list[str] = []
    code = cli.main(["letter", str(path), "--client", "OMEGA", "--kind", "notice", "--as-of", "2026-11-23",
                     "--out", str(out)], out=lines.append)
    assert code == 0 and out.is_file()
    assert lines[0].startswith(f"Lettre écrite dans {out}") and hashlib.sha256(out.read_bytes()).hexdigest() in lines[0]
    assert cli.main(["letter", str(path), "--client", "NOPE", "--kind", "reminder1", "--out", str(out)],
                    out=lines.append) == 2
    assert cli.main(["letter", str(path), "--client", "OMEGA", "--kind", "notice", "--as-of", "2027-02-01",
                     "--out", str(out)], out=lines.append) == 2  # no rate for the first half of 2027

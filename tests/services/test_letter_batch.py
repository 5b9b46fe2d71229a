"""The day's letters from the "À faire" list: each produced, kept and recorded, all of them in one PDF."""

from __future__ import annotations

import sqlite3
from datetime import date
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from app.domain.kinds import Channel
from app.services import letters, next_steps
from app.services.clock import fixed_clock
from app.services.demo import create_demo_dossier
from app.services.workspace import open_workspace

AS_OF = date(2026, 11, 23)


def test_a_selection_of_letters_and_emails_is_executed_and_the_letters_printed_together(tmp_path: Path) -> None:
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=AS_OF)
    ws = open_workspace(path, clock=fixed_clock(AS_OF))
    try:
        todo = next_steps.build_todo(ws, AS_OF).suggestions
        chosen = [s for s in todo if s.channel == Channel.LETTER][:2] + [
            s for s in todo if s.channel == Channel.EMAIL][:1]
        assert len(chosen) == 3
        seen: list[tuple[int, int]] = []
        executed = letters.execute_selection(ws, chosen, AS_OF, progress=lambda d, t: seen.append((d, t)))
    finally:
        ws.close()
    assert len(executed.result.action_ids) == 3 and not executed.result.refused
    assert seen[-1] == (3, 3)
    assert executed.document is not None and executed.document.count == 2
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(executed.document.pdf)).pages)
    for suggestion in chosen[:2]:
        assert suggestion.client_name in text
    with sqlite3.connect(path) as db:
        ids = ",".join(map(str, executed.result.action_ids))
        stored = db.execute("SELECT a.kind, d.sha256 FROM actions a LEFT JOIN stored_documents d"
                            f" ON d.id = a.document_id WHERE a.id IN ({ids}) ORDER BY a.id").fetchall()
    assert [kind for kind, _sha in stored] == ["letter", "letter", "reminder"]
    assert all(sha for kind, sha in stored if kind == "letter")  # each letter kept with its hash

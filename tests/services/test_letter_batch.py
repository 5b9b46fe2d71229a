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


def test_a_notice_cites_only_the_reminders_about_the_invoices_it_claims(tmp_path: Path) -> None:
    """Chambon (demo) was reminded in December 2025 – January 2026 about F2025-00645, paid since; its notice of
    today claims three 2026 invoices and must cite only the reminders about those."""
    from app.letters.data import LetterKind
    from app.services import client_page

    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=AS_OF)
    ws = open_workspace(path, read_only=True, clock=fixed_clock(AS_OF))
    try:
        client_id = client_page.client_id_for_code(ws, "411CHAMBON")
        assert client_id is not None
        data = letters.letter_data(ws, client_id, LetterKind.NOTICE, AS_OF)
    finally:
        ws.close()
    assert {line.number for line in data.invoices} == {"F2026-00353", "F2026-00481", "F2026-00660"}
    cited = [line.on for line in data.reminders]
    assert cited and min(cited) >= date(2026, 7, 1)  # nothing about the invoice paid in 2026
    assert date(2025, 12, 26) not in cited

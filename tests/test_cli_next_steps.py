"""encaisse next-steps: the À faire list with its reasons, as a table or as JSON."""

from __future__ import annotations

import json
from datetime import date

from app import cli
from app.i18n import set_language
from app.services.workspace import Workspace
from tests.services.ledger import Ledger


def _run(argv: list[str]) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = cli.main(argv, out=lines.append)
    return code, "\n".join(lines).splitlines()


def _dossier(workspace: Workspace) -> str:
    book = Ledger(workspace)
    book.client("ALPHA", "Alpha SARL")
    book.invoice("ALPHA", "F1", date(2026, 1, 1), date(2026, 1, 31), 120_000)
    book.client("BETA", "Bêta SAS")
    book.invoice("BETA", "F2", date(2026, 2, 1), date(2026, 3, 3), 30_000)
    workspace.close()
    return str(workspace.path)


def test_next_steps_table_in_french(workspace: Workspace) -> None:
    code, lines = _run(["next-steps", _dossier(workspace), "--as-of", "05/02/2026"])
    assert code == 0
    assert lines[0] == "À faire au 05/02/2026 : 1 suggestion(s)"
    assert lines[1] == "Aucun relevé bancaire importé"
    assert "Priorité" in lines[2] and "Réclamé" in lines[2]
    assert lines[4].startswith("ALPHA") and "Première relance" in lines[4] and "1\u202f200,00\xa0€" in lines[4]
    assert "  • L'étape « Première relance » (5 jours après l'échéance) est due depuis le 05/02/2026." in lines
    assert "  • Montant réclamé : 1\u202f200,00\xa0€." in lines
    assert "  ! Aucun relevé bancaire n'a été importé : le client a peut-être déjà payé." in lines


def test_next_steps_json_in_english(workspace: Workspace) -> None:
    set_language("en")
    code, lines = _run(["next-steps", _dossier(workspace), "--as-of", "2026-02-26", "--format", "json"])
    data = json.loads("\n".join(lines))
    assert code == 0 and data["as_of"] == "2026-02-26" and data["bank_stale"] is True
    (alpha, beta) = sorted(data["suggestions"], key=lambda s: s["client_code"])
    assert (alpha["kind"], alpha["step"], alpha["channel"], alpha["claimed_cents"]) == (
        "step", "Deuxième relance", "letter", 120_000)
    assert alpha["reasons"][0]["code"] == "step_reached"
    assert alpha["reasons"][0]["text"] == (
        "Step “Deuxième relance” (15 days after the due date) is due since 15/02/2026.")
    assert alpha["invoices"][0]["number"] == "F1" and alpha["invoices"][0]["days_late"] == 26
    assert beta["step"] == "Rappel de courtoisie" and beta["invoices"][0]["days_late"] == 0

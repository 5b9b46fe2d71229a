"""The command line: figures printed as the services compute them, one clear line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app import cli
from app.main import main
from app.services.workspace import Workspace
from tests.services.ledger import Ledger


def _run(argv: list[str]) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = cli.main(argv, out=lines.append)
    return code, "\n".join(lines).splitlines()


def _closed(book: Ledger) -> Path:
    book.ws.close()
    return book.ws.path


def test_aging_table_in_french(ledger: Ledger) -> None:
    code, lines = _run(["aging", str(_closed(ledger)), "--as-of", "23/11/2026"])
    assert code == 0
    assert lines[0] == "Balance âgée au 23/11/2026"
    assert "Non échu" in lines[1] and "> 90 j" in lines[1] and "Solde net" in lines[1]
    alpha = next(line for line in lines if line.startswith("ALPHA"))
    assert "1\u202f000,00\xa0€" in alpha and "300,00\xa0€" in alpha and "1\u202f250,00\xa0€" in alpha
    assert lines[-1].startswith(" ") or "Total" in lines[-1]


def test_aging_json_and_csv_agree_with_the_total(ledger: Ledger) -> None:
    path = _closed(ledger)
    code, lines = _run(["aging", str(path), "--as-of", "2026-11-23", "--format", "json"])
    data = json.loads("\n".join(lines))
    assert code == 0
    assert data["totals"]["buckets_cents"] == [100_000, 30_000, 0, 0, 80_000]
    assert sum(line["total_cents"] for line in data["lines"]) == data["totals"]["total_cents"] == 210_000
    _code, rows = _run(["aging", str(path), "--as-of", "2026-11-23", "--format", "csv"])
    assert rows[0].split(";")[:3] == ["Code", "Client", "Non échu"]
    assert rows[-1].split(";")[2:7] == ["1000,00", "300,00", "0,00", "0,00", "800,00"]


def test_kpi_json(ledger: Ledger) -> None:
    code, lines = _run(["kpi", str(_closed(ledger)), "--as-of", "2026-11-23", "--format", "json"])
    figures = {item["key"]: item for item in json.loads("\n".join(lines))["kpis"]}
    assert code == 0
    assert figures["receivables"]["value"] == 210_000
    assert figures["dso_accounting"]["period"] == ["2026-08-24", "2026-11-23"]


def test_check_and_backup(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    code, lines = _run(["check", str(path)])
    assert code == 0 and lines[-1] == "Intégrité : OK"
    code, lines = _run(["backup", str(path)])
    assert code == 0 and Path(lines[0].split(" dans ")[1]).is_file()


def test_english_output(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "kpi", str(_closed(ledger)), "--as-of", "2026-11-23"]) == 0
    output = capsys.readouterr().out
    assert "Key figures as of 23/11/2026" in output and "Total receivable" in output and "2,100.00" in output


@pytest.mark.parametrize("make_bad", ["missing", "text", "newer"])
def test_bad_files_give_one_line_and_non_zero_exit(tmp_path: Path, workspace: Workspace, make_bad: str) -> None:
    if make_bad == "missing":
        path = tmp_path / "absent.encaisse"
    elif make_bad == "text":
        path = tmp_path / "notes.encaisse"
        path.write_text("pas un dossier", encoding="utf-8")
    else:
        import sqlite3

        path = workspace.path
        workspace.close()
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    result = subprocess.run([sys.executable, "-m", "app", "aging", str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("encaisse: ") and "Traceback" not in result.stderr


def test_impossible_date_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["aging", "x.encaisse", "--as-of", "31/02/2026"])
    assert exited.value.code == 2
    assert "31/02/2026" in capsys.readouterr().err


def test_parse_date_accepts_both_forms() -> None:
    assert cli.parse_date("2026-11-23") == cli.parse_date("23/11/2026") == date(2026, 11, 23)

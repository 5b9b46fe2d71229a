"""encaisse import PATH FILE [--kind] [--dry-run]: the preview printed, then applied; bank statements only proposed."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from app import cli
from app.services import imports
from app.services.workspace import Workspace, open_workspace
from tests.conftest import SAMPLES


def _run(argv: list[str]) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = cli.main(argv, out=lines.append)
    return code, "\n".join(lines).splitlines()


def _count(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def test_dry_run_prints_the_preview_and_writes_nothing(workspace: Workspace) -> None:
    workspace.close()
    code, lines = _run(["import", str(workspace.path), str(SAMPLES / "fec" / "adams43360_fec_propre.txt"),
                        "--dry-run"])
    assert code == 0
    assert lines[0].startswith("adams43360_fec_propre.txt (fec) : 6 à créer")
    assert any(line.startswith("  + FC-2024-001") for line in lines)
    assert lines[-1] == "Rien n’a été écrit (simulation)."
    assert _count(workspace.path, "invoices") == 0


def test_import_applies_then_reimport_changes_nothing(workspace: Workspace) -> None:
    workspace.close()
    fec = str(SAMPLES / "fec" / "adams43360_fec_propre.txt")
    code, lines = _run(["import", str(workspace.path), fec])
    assert code == 0 and lines[-1].startswith("Importé : 6 créés")
    assert _count(workspace.path, "invoices") == 2 and _count(workspace.path, "allocations") == 2
    code, lines = _run(["import", str(workspace.path), fec, "--kind", "fec"])
    assert code == 0 and lines[-1] == "Rien à modifier."


def test_refused_rows_name_file_and_line(workspace: Workspace, tmp_path: Path) -> None:
    workspace.close()
    table = tmp_path / "factures.csv"
    table.write_text("N° facture;Client;Date facture;Montant TTC\nF1;Dupont;01/10/2026;100,00\n"
                     "F2;Dupont;31/09/2026;50,00\n", encoding="utf-8")
    code, lines = _run(["import", str(workspace.path), str(table)])
    assert code == 0
    assert any(line.startswith("  ! factures.csv:3 [Date facture]") or line.startswith("  ! factures.csv:3")
               for line in lines)


def test_another_companys_fec_is_refused(workspace: Workspace) -> None:
    workspace.close()
    code, lines = _run(["import", str(workspace.path), str(SAMPLES / "fec" / "adh-studio_123456782FEC20251231.txt")])
    assert code == 1
    assert any("123456782" in line and "732829320" in line for line in lines)


def test_bank_statement_is_only_proposed(workspace: Workspace) -> None:
    workspace.close()
    code, lines = _run(["import", str(workspace.path), str(SAMPLES / "camt053" / "OCA_test-camt053.xml")])
    assert code == 0
    assert "Fichier > Importer" in lines[-1]
    assert _count(workspace.path, "payments") == 0


def test_unknown_format_is_one_clear_line(workspace: Workspace, tmp_path: Path, capsys: object) -> None:
    workspace.close()
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)))
    code, _lines = _run(["import", str(workspace.path), str(junk)])
    assert code == 2


def test_a_large_preview_lists_the_first_rows_of_each_kind_unless_all_is_asked(workspace: Workspace,
                                                                              tmp_path: Path) -> None:
    """A FEC creates thousands of records: the preview lists 20 of each kind and says how many more there are."""
    workspace.close()
    header = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
              "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\t"
              "Idevise\n")
    sales = "".join(f"VT\tVentes\tV{n}\t20261001\t411000\tClients\tC001\tDupont SA\tF{n:03d}\t20261001\tFacture\t"
                    f"120,00\t0,00\t\t\t20261001\t\t\n" for n in range(1, 31))
    fec = tmp_path / "732829320FEC20261231.txt"
    fec.write_text(header + sales, encoding="utf-8")
    code, lines = _run(["import", str(workspace.path), str(fec), "--dry-run"])
    assert code == 0 and lines[0].startswith("732829320FEC20261231.txt (fec) : 31 à créer")
    listed = [line for line in lines if line.startswith("  + ")]
    assert len(listed) == 20 and listed[0].startswith("  + C001") and listed[-1].startswith("  + F019")
    assert "  … et 11 autres (--all les liste toutes)" in lines
    code, lines = _run(["import", str(workspace.path), str(fec), "--dry-run", "--all"])
    assert len([line for line in lines if line.startswith("  + ")]) == 31
    assert not any(line.startswith("  … ") for line in lines)

    # Counts are grouped like amounts: a re-imported FEC leaves 205 000 records unchanged.
    reader = open_workspace(workspace.path, read_only=True)
    try:
        preview = imports.preview_import(reader, fec)
    finally:
        reader.close()
    assert cli._render_preview(replace(preview, unchanged=205000)).splitlines()[0] == (
        "732829320FEC20261231.txt (fec) : 31 à créer, 0 à mettre à jour, 0 rapprochés, 205\u202f000 inchangés, "
        "0 refusés")

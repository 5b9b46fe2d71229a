"""Export services: the aged balance and the client list on disk, read back; atomic writes; the CLI verb."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app import cli
from app.i18n import _
from app.services import exports
from app.services.clock import fixed_clock
from app.services.demo import create_demo_dossier
from app.services.workspace import Workspace, open_workspace
from tests.services.ledger import Ledger

AS_OF = date(2026, 11, 23)
CLIENTS_TITLE = "Clients as of {date}"  # translated through _() so the test holds before and after the catalogue


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


def _cents(text: str) -> int:
    return int(text.replace(",", "")) if text else 0


def _flat(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_aged_balance_csv(ledger: Ledger, tmp_path: Path) -> None:
    path = exports.export_aged_balance(ledger.ws, AS_OF, tmp_path / "balance.csv", "csv")
    rows = _csv_rows(path)
    assert rows[0][:3] == ["Code", "Client", "Non échu"] and rows[0][-1] == "Solde net"
    alpha = next(row for row in rows if row[0] == "ALPHA")
    assert alpha[1] == "Alpha SARL" and alpha[2:4] == ["1000,00", "300,00"]
    assert rows[-1][1] == "Total" and rows[-1][2:7] == ["1000,00", "300,00", "0,00", "0,00", "800,00"]
    for column in range(2, len(rows[0])):
        assert sum(_cents(row[column]) for row in rows[1:-1]) == _cents(rows[-1][column])
    assert _cents(rows[-1][7]) == 210_000 and _cents(rows[-1][-1]) == 195_000


def test_clients_xlsx(ledger: Ledger, tmp_path: Path) -> None:
    path = exports.export_clients(ledger.ws, AS_OF, tmp_path / "clients.xlsx", "xlsx")
    sheet = load_workbook(path).active
    assert sheet["A1"].value == _(CLIENTS_TITLE).format(date="23/11/2026")
    assert sheet["A2"].value.startswith("Atelier Test SARL · ") and "SIREN 732 829 320" in sheet["A2"].value
    header = [cell.value for cell in sheet[4]]
    assert header[:2] == ["Code", "Client"] and "Solde" in header
    balance = header.index("Solde") + 1
    values = {sheet.cell(row, 1).value: sheet.cell(row, balance).value for row in range(5, 7)}
    assert values == {"ALPHA": 1250.0, "BETA": 700.0}
    assert sheet.cell(7, 2).value == "Total" and sheet.cell(7, balance).value == pytest.approx(1950.0)


def test_aged_balance_pdf(ledger: Ledger, tmp_path: Path) -> None:
    path = exports.export_aged_balance(ledger.ws, AS_OF, tmp_path / "balance.pdf", "pdf")
    reader = PdfReader(path)
    text = _flat(reader.pages[0].extract_text())
    assert len(reader.pages) == 1
    assert "Balance âgée au 23/11/2026" in text and "Atelier Test SARL" in text and "SIREN 732 829 320" in text
    assert "Bêta SAS" in text and "2 100,00 €" in text and "1 950,00 €" in text and "Page 1 / 1" in text
    again = exports.export_aged_balance(ledger.ws, AS_OF, tmp_path / "again.pdf", "pdf")
    assert again.read_bytes() == path.read_bytes()


def test_failed_export_leaves_no_file(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "balance.xlsx"
    target.write_bytes(b"previous export")

    def broken(table: object, path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(exports._WRITERS, "xlsx", broken)
    with pytest.raises(exports.ExportFailed, match="No space left"):
        exports.export_aged_balance(ledger.ws, AS_OF, target, "xlsx")
    assert target.read_bytes() == b"previous export"
    assert not any(
        p.name.endswith(".part") for p in tmp_path.iterdir())


def test_export_format_from_the_name() -> None:
    assert exports.export_format(Path("a.XLSX")) == "xlsx"
    assert exports.export_format(Path("a"), "pdf") == "pdf"
    with pytest.raises(exports.ExportFailed):
        exports.export_format(Path("a.txt"))


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCAISSE_HOME", str(tmp_path_factory.mktemp("demo-home")))
        path = create_demo_dossier(tmp_path_factory.mktemp("demo") / "demo.encaisse", as_of=AS_OF)
    workspace = open_workspace(path, read_only=True, clock=fixed_clock(AS_OF))
    yield workspace
    workspace.close()


def test_demo_exports_agree(demo_ws: Workspace, tmp_path: Path) -> None:
    table = exports.clients_export_table(demo_ws, AS_OF)
    rows = _csv_rows(exports.export_clients(demo_ws, AS_OF, tmp_path / "c.csv", "csv"))
    assert len(rows) == len(table.rows) + 2
    assert sum(_cents(row[5]) for row in rows[1:-1]) == _cents(rows[-1][5])
    reader = PdfReader(exports.export_clients(demo_ws, AS_OF, tmp_path / "c.pdf", "pdf"))
    assert len(reader.pages) == max(1, math.ceil(len(table.rows) / 100))
    sheet = load_workbook(exports.export_aged_balance(demo_ws, AS_OF, tmp_path / "a.xlsx", "xlsx")).active
    aging = exports.aging_export_table(demo_ws, AS_OF)
    assert sheet.max_row == 4 + len(aging.rows) + 1
    net = sum(sheet.cell(row, sheet.max_column).value for row in range(5, sheet.max_row))
    assert net == pytest.approx(sheet.cell(sheet.max_row, sheet.max_column).value)
    assert sheet.cell(sheet.max_row, sheet.max_column).value * 100 == pytest.approx(aging.totals[-1])  # type: ignore[index]


def test_cli_export(ledger: Ledger, tmp_path: Path) -> None:
    path = ledger.ws.path
    ledger.ws.close()
    lines: list[str] = []
    out = tmp_path / "clients.pdf"
    code = cli.main(["export", str(path), "--what", "clients", "--out", str(out), "--as-of", "23/11/2026"],
                    out=lines.append)
    assert code == 0 and out.is_file() and str(out) in lines[0]
    assert _(CLIENTS_TITLE).format(date="23/11/2026") in _flat(PdfReader(out).pages[0].extract_text())
    code = cli.main(["export", str(path), "--out", str(tmp_path / "missing" / "a.csv")], out=lines.append)
    assert code == 2

"""Exporters from plain data: CSV for French Excel, XLSX with numbers in euros, the paged PDF report."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.io import export_pdf
from app.io.export_csv import write_csv
from app.io.export_pdf import write_report_pdf
from app.io.export_xlsx import MONEY_FORMAT, write_xlsx
from app.io.tables import ExportColumn, TableExport, aging_amounts, aging_header, money_total
from app.services.dto import AgingLine

AS_OF = date(2026, 11, 23)
COLUMNS = (ExportColumn("Code", "text", 10), ExportColumn("Client", "text", 30), ExportColumn("Factures", "int", 8),
           ExportColumn("Solde", "money", 14), ExportColumn("Échu", "money", 14, blank_zero=True))


def _table(count: int) -> TableExport:
    rows = tuple((f"411C{n:05d}", f"Client Éàç n°{n}", n % 7, 123_456 + n * 101, (n % 3) * 5_000)
                 for n in range(count))
    totals = ("", "Total", money_total(rows, 2), money_total(rows, 3), money_total(rows, 4))
    return TableExport("Balance âgée au 23/11/2026", ("Atelier Test SARL", "SIREN 732 829 320",
                                                      "12 rue de la République, 69002 Lyon"),
                       AS_OF, COLUMNS, rows, totals, sheet_name="Balance âgée")


def _flat(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_csv_is_french_excel(tmp_path: Path) -> None:
    table = _table(12)
    path = tmp_path / "out.csv"
    write_csv(table, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["Code", "Client", "Factures", "Solde", "Échu"]
    assert rows[1] == ["411C00000", "Client Éàç n°0", "0", "1234,56", "0,00"]
    assert len(rows) == 1 + 12 + 1 and rows[-1][1] == "Total"
    cents = sum(int(row[3].replace(",", "")) for row in rows[1:-1])
    assert int(rows[-1][3].replace(",", "")) == cents == table.totals[3]  # type: ignore[index]


def test_xlsx_numbers_in_euros(tmp_path: Path) -> None:
    table = _table(30)
    path = tmp_path / "out.xlsx"
    write_xlsx(table, path)
    sheet = load_workbook(path).active
    assert sheet.title == "Balance âgée"
    assert sheet["A1"].value == "Balance âgée au 23/11/2026" and sheet["A1"].font.bold
    assert "SIREN 732 829 320" in sheet["A2"].value
    assert [cell.value for cell in sheet[4]] == ["Code", "Client", "Factures", "Solde", "Échu"]
    assert sheet["A4"].font.bold and sheet.freeze_panes == "A5"
    assert sheet["D5"].value == pytest.approx(1234.56) and sheet["D5"].number_format == MONEY_FORMAT
    assert isinstance(sheet["C6"].value, int)
    last = 4 + 30 + 1
    assert sheet[f"B{last}"].value == "Total" and sheet[f"D{last}"].font.bold
    total = sum(sheet[f"D{row}"].value for row in range(5, last))
    assert sheet[f"D{last}"].value == pytest.approx(total) == table.totals[3] / 100  # type: ignore[index,operator]
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


@pytest.mark.parametrize("count", [0, 100, 250])
def test_pdf_one_page_per_hundred_lines(tmp_path: Path, count: int) -> None:
    path = tmp_path / "out.pdf"
    write_report_pdf(_table(count), path)
    reader = PdfReader(path)
    pages = max(1, math.ceil(count / 100))
    assert len(reader.pages) == pages
    first, last = _flat(reader.pages[0].extract_text()), _flat(reader.pages[-1].extract_text())
    assert "Balance âgée au 23/11/2026" in first and "Atelier Test SARL" in first
    assert "23 novembre 2026" in first
    assert f"Page 1 / {pages}" in first and f"Page {pages} / {pages}" in last
    assert "Total" in last
    if count:
        assert "Client Éàç n°0" in first and "1 234,56 €" in first


def test_pdf_is_deterministic(tmp_path: Path) -> None:
    write_report_pdf(_table(150), tmp_path / "a.pdf")
    write_report_pdf(_table(150), tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_aging_columns_shared_with_the_cli() -> None:
    line = AgingLine(1, "A", "Alpha", (100, 200, 0), 300, 50, 40, 260)
    assert aging_header(((None, 0), (1, 30), (31, None)))[:5] == ["Code", "Client", "Non échu", "1–30 j", "> 30 j"]
    assert aging_amounts(line) == [100, 200, 0, 300, 50, -40, 260]


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    table = TableExport("T", (), AS_OF, COLUMNS, (("=1+1", "=HYPERLINK(\"x\")", 1, 100, 0),))
    write_xlsx(table, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet["A5"].value == "=1+1" and sheet["A5"].data_type == "s"


def test_pdf_falls_back_to_helvetica(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_pdf, "report_fonts", lambda: export_pdf.Fonts("Helvetica", "Helvetica-Bold", False))
    write_report_pdf(_table(5), tmp_path / "out.pdf")
    text = _flat(PdfReader(tmp_path / "out.pdf").pages[0].extract_text())
    assert "Balance âgée au 23/11/2026" in text and "1 234,56 €" in text


def test_pdf_prints_long_account_codes_whole_and_cuts_only_long_names(tmp_path: Path) -> None:
    rows = tuple((f"411-CLIENT-EXPORT-{n:06d}", "Société Coopérative d'Intérêt Collectif des Artisans, Menuisiers,"
                  f" Charpentiers et Couvreurs Réunis de la Région du Grand Ouest n°{n}", 3, 9_876_543_21 + n, 0)
                 for n in range(100))
    table = TableExport("Balance âgée", ("Atelier Test SARL",), AS_OF, COLUMNS, rows,
                        ("", "Total", 300, money_total(rows, 3), 0))
    write_report_pdf(table, tmp_path / "out.pdf")
    text = _flat(PdfReader(tmp_path / "out.pdf").pages[0].extract_text())
    assert all(f"411-CLIENT-EXPORT-{n:06d}" in text for n in range(100))  # 24 characters, never cut
    assert "9 876 543,21 €" in text
    assert "Société Coopérative" in text and "Grand Ouest n°0" not in text  # the name gives way, with "…"
    assert "…" in text

"""Benchmark: 1,000 one- to two-page reminders laid out into one batch PDF, next to a bare ReportLab loop.

Ours: ``app.letters.render.render_batch`` (platypus: wrapped paragraphs, tables with repeated headers, letterhead,
EPC QR code, per-letter "Page n / N"). The limit: a canvas loop drawing the same text, table rows, QR modules and
footers at precomputed positions (text wrapped with simpleSplit), with the same fonts, compression and invariant
mode: the least any such PDF costs. The letter data is assembled once, from the demo dossier, for both.

Usage: python bench/letters.py [DOSSIER] [--count 1000] [--as-of YYYY-MM-DD]
(without DOSSIER, a demo dossier is generated in a temporary folder).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from common import median_time
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from app.letters.data import Fonts, LetterData, LetterKind
from app.letters.layout import FRAME_WIDTH, LEFT, PAGE_HEIGHT, PAGE_WIDTH, TOP, WINDOW_TOP, WINDOW_X, epc_matrix
from app.letters.placeholders import money
from app.letters.render import render_batch
from app.letters.story import identity_lines
from app.services import letters, reports
from app.services.clock import fixed_clock
from app.services.demo import create_demo_dossier
from app.services.workspace import open_workspace

AS_OF = date(2026, 3, 31)
MAX_INVOICES = 14  # one or two pages a letter
KINDS = (LetterKind.REMINDER1, LetterKind.REMINDER2, LetterKind.REMINDER3)


def batch_data(path: Path, as_of: date, count: int) -> list[LetterData]:
    """``count`` reminders cycling over the dossier's late clients, at most MAX_INVOICES invoices each."""
    ws = open_workspace(path, read_only=True, clock=fixed_clock(as_of))
    try:
        late = [line.client_id for line in reports.aged_balance(ws, as_of).lines if sum(line.buckets[1:]) > 0]
        base = []
        for index, client_id in enumerate(late):
            try:
                data = letters.letter_data(ws, client_id, KINDS[index % 3], as_of)
            except letters.LetterFailed:  # everything overdue is disputed or not to be reminded
                continue
            base.append(replace(data, invoices=data.invoices[:MAX_INVOICES]))
    finally:
        ws.close()
    return [base[index % len(base)] for index in range(count)]


def bare_loop(items: list[LetterData], fonts: Fonts) -> bytes:
    """The same letters drawn straight on a canvas."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    for data in items:
        pages = 1 if len(data.invoices) + len(data.credits) < 6 else 2
        page = 1
        y = _head(canvas, data, fonts)
        assert data.texts is not None
        for paragraph in (data.texts.subject, data.texts.salutation, *data.texts.paragraphs):
            for line in simpleSplit(paragraph, fonts.regular, 10, FRAME_WIDTH):
                canvas.setFont(fonts.regular, 10)
                canvas.drawString(LEFT, y, line)
                y -= 13.6
            y -= 6
        header = ("Facture", "Date", "Échéance", "Montant TTC", "Réglé", "Reste dû", "Jours")
        rows = [(i.number, i.issue_date.strftime("%d/%m/%Y"), i.due_date.strftime("%d/%m/%Y"),
                 money(i.amount_cents, "fr"), money(i.paid_cents, "fr"), money(i.open_cents, "fr"), str(i.days_late))
                for i in data.invoices]
        rows += [(c.reference, c.on.strftime("%d/%m/%Y"), "", "", "", "−" + money(c.cents, "fr"), "")
                 for c in data.credits]
        for row in [header, *rows]:
            if y < 60 * mm:
                _footer(canvas, data, fonts, page, pages)
                canvas.showPage()
                page += 1
                y = PAGE_HEIGHT - TOP - 10
                _row(canvas, header, y, fonts)
                y -= 14
            _row(canvas, row, y, fonts)
            y -= 14
        canvas.setFont(fonts.bold, 10)
        canvas.drawString(LEFT, y - 6, "Montant net réclamé")
        canvas.drawRightString(LEFT + FRAME_WIDTH, y - 6, money(data.claimed_cents, "fr"))
        y -= 20
        for item in data.reminders if data.kind is not LetterKind.REMINDER1 else ():
            canvas.setFont(fonts.regular, 8.5)
            canvas.drawString(LEFT, y, f"• {item.kind} — {item.on:%d/%m/%Y} — {item.summary}")
            y -= 11
        if y < 95 * mm:
            _footer(canvas, data, fonts, page, pages)
            canvas.showPage()
            page += 1
            y = PAGE_HEIGHT - TOP - 10
        _qr(canvas, data, y)
        y -= 100
        for line in [*simpleSplit(data.texts.closing, fonts.regular, 10, FRAME_WIDTH), data.creditor.signatory_name,
                     data.creditor.signatory_title]:
            canvas.setFont(fonts.regular, 10)
            canvas.drawString(LEFT, y, line)
            y -= 13.6
        _footer(canvas, data, fonts, page, pages)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _head(canvas: Canvas, data: LetterData, fonts: Fonts) -> float:
    canvas.setFont(fonts.bold, 13)
    canvas.drawString(LEFT, PAGE_HEIGHT - TOP - 12, data.creditor.name)
    canvas.setFont(fonts.regular, 8.5)
    y = PAGE_HEIGHT - TOP - 18
    for line in identity_lines(data.creditor, "fr"):
        y -= 10.5
        canvas.drawString(LEFT, y, line)
    y = PAGE_HEIGHT - WINDOW_TOP - 4 * mm
    for line in (data.debtor.name, data.debtor.contact_name, *data.debtor.address_lines):
        canvas.setFont(fonts.regular, 10)
        canvas.drawString(WINDOW_X, y, line)
        y -= 13
    canvas.drawString(LEFT, PAGE_HEIGHT - 80 * mm, f"Lyon, le {data.as_of:%d/%m/%Y}")
    return PAGE_HEIGHT - 97 * mm


def _row(canvas: Canvas, row: tuple[str, ...], y: float, fonts: Fonts) -> None:
    widths = (36, 21, 21, 26, 23, 26, 17)
    x = LEFT
    canvas.setFont(fonts.regular, 8.5)
    for index, (cell, width) in enumerate(zip(row, widths, strict=True)):
        if index >= 3:
            canvas.drawRightString(x + width * mm - 3, y, cell)
        else:
            canvas.drawString(x + 3, y, cell)
        x += width * mm


def _qr(canvas: Canvas, data: LetterData, top: float) -> None:
    matrix = epc_matrix(data.creditor, data.claimed_cents, data.reference) if data.creditor.iban and \
        data.claimed_cents else ()
    module = 30 * mm / (len(matrix) + 4) if matrix else 0
    path = canvas.beginPath()
    for r, row in enumerate(matrix):  # runs of dark modules, as ours draws them
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            path.rect(LEFT + (start + 2) * module, top - (r + 3) * module, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.rect(LEFT, top - 36 * mm, FRAME_WIDTH, 36 * mm, stroke=1, fill=0)
    lines = ("Règlement par virement", f"IBAN : {data.creditor.iban}", f"BIC : {data.creditor.bic}",
             f"Montant : {money(data.claimed_cents, 'fr')}", f"Référence à indiquer : {data.reference}",
             "Scannez ce code avec votre application bancaire (QR code EPC / GiroCode).")
    for index, line in enumerate(lines):
        canvas.drawString(LEFT + 36 * mm, top - 20 - index * 13, line)


def _footer(canvas: Canvas, data: LetterData, fonts: Fonts, page: int, pages: int) -> None:
    canvas.setFont(fonts.regular, 7)
    canvas.line(LEFT, 15 * mm, PAGE_WIDTH - LEFT, 15 * mm)
    canvas.drawString(LEFT, 15 * mm - 9, f"{data.creditor.name} — SIREN {data.creditor.siren}")
    canvas.drawRightString(PAGE_WIDTH - LEFT, 15 * mm - 9, f"Page {page} / {pages}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="encaisse-bench-") as scratch:
        path = args.path or create_demo_dossier(Path(scratch) / "demo.encaisse", as_of=args.as_of)
        items = batch_data(path, args.as_of, args.count)
    fonts = letters.letter_fonts()
    ours_s, pdf = median_time(args.runs, lambda: render_batch(items, fonts))
    limit_s, bare = median_time(args.runs, lambda: bare_loop(items, fonts))
    ours_pages, bare_pages = len(PdfReader(io.BytesIO(pdf)).pages), len(PdfReader(io.BytesIO(bare)).pages)
    assert ours_pages <= 2 * args.count, "a reminder took more than two pages"
    print(f"{args.count} reminders: ours {ours_pages} pages, {len(pdf) / 1e6:.1f} MB; "
          f"bare loop {bare_pages} pages, {len(bare) / 1e6:.1f} MB")
    print(f"BENCH letters_batch ours_s={ours_s:.2f} limit_s={limit_s:.2f} ratio={ours_s / limit_s:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])

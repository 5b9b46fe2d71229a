"""The letter page: A4, letterhead with the address in a right window envelope's window (DL folded in three,
or C5), identity footer, "Page n / N" per letter, and the EPC payment QR code as a flowable."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from segno import helpers

from app.letters.data import Creditor, Debtor, Fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 20 * mm
RIGHT = 20 * mm
TOP = 15 * mm
BOTTOM = 22 * mm  # the footer lives below
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT
# French window envelopes (DL 110 × 220 mm, letter folded in three; C5 folded once) show a window of about
# 45 × 100 mm on the right: the address block starts 110 mm from the left and 50 mm from the top.
WINDOW_X = 110 * mm
WINDOW_TOP = 50 * mm
WINDOW_WIDTH = 85 * mm
WINDOW_HEIGHT = 40 * mm
LETTERHEAD_HEIGHT = 82 * mm  # from the top margin to where the text starts (97 mm from the top)
LOGO_MAX = (48 * mm, 16 * mm)
EPC_NAME_MAX = 70
EPC_TEXT_MAX = 140


def clean(text: str, fonts: Fonts) -> str:
    """Helvetica lacks the narrow no-break space Babel puts in French amounts: a plain no-break space then."""
    return text if fonts.unicode else text.replace("\u202f", "\u00a0")


@dataclass(frozen=True, slots=True)
class Footer:
    """What the canvas writes at the bottom of every page of one letter."""

    identity: str
    page_label: str  # "Page {page} / {pages}"


class LetterCanvas(Canvas):  # type: ignore[misc]
    """Keeps every page until the end so that each letter's pages say "Page n / N" with its own N."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.letter_key = 0
        self.footers: dict[int, Footer] = {}
        self.footer_font = ("Helvetica", 7.0)

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals = Counter(state["letter_key"] for state in self._pages)
        seen: Counter[int] = Counter()
        for state in self._pages:
            self.__dict__.update(state)
            seen[self.letter_key] += 1
            self._draw_footer(seen[self.letter_key], totals[self.letter_key])
            super().showPage()
        super().save()

    def _draw_footer(self, page: int, pages: int) -> None:
        footer = self.footers.get(self.letter_key)
        if footer is None:
            return
        font, size = self.footer_font
        self.saveState()
        self.setStrokeColorRGB(0.6, 0.6, 0.6)
        self.setLineWidth(0.4)
        self.line(LEFT, 15 * mm, PAGE_WIDTH - RIGHT, 15 * mm)
        self.setFillColorRGB(0.3, 0.3, 0.3)
        self.setFont(font, size)
        label = footer.page_label.format(page=page, pages=pages)
        room = FRAME_WIDTH - pdfmetrics.stringWidth(label, font, size) - 6 * mm
        for index, line in enumerate(simpleSplit(footer.identity, font, size, room)[:2]):
            self.drawString(LEFT, 15 * mm - 9 - index * (size + 2), line)
        self.drawRightString(PAGE_WIDTH - RIGHT, 15 * mm - 9, label)
        self.restoreState()


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The first page's fixed zone of one letter."""

    key: int
    creditor: Creditor
    debtor: Debtor
    identity_lines: tuple[str, ...]
    references: tuple[str, ...]  # date line, client account…: left, beside the window
    registered: str  # the LRAR mention above the window, or ""
    footer: Footer
    fonts: Fonts


class LetterheadFlowable(Flowable):  # type: ignore[misc]
    """Draws the letterhead at absolute page positions; always the first flowable of a letter's first page."""

    def __init__(self, head: Letterhead) -> None:
        super().__init__()
        self.head = head

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return FRAME_WIDTH, LETTERHEAD_HEIGHT

    def draw(self) -> None:
        canvas = self.canv
        head = self.head
        if isinstance(canvas, LetterCanvas):
            canvas.letter_key = head.key
            canvas.footers[head.key] = head.footer
            canvas.footer_font = (head.fonts.regular, 7.0)
        canvas.saveState()
        # Absolute coordinates from here: the flowable sits at the top of the frame, under the top margin.
        canvas.translate(-LEFT, -(PAGE_HEIGHT - TOP - LETTERHEAD_HEIGHT))
        top = PAGE_HEIGHT - TOP
        y = self._logo(top)
        self._identity(y)
        self._window()
        self._references()
        canvas.restoreState()

    def _text(self, text: str) -> str:
        return clean(text, self.head.fonts)

    def _logo(self, top: float) -> float:
        """The logo (scaled into its box), else the company name in bold; returns the y below it."""
        head, canvas = self.head, self.canv
        if head.creditor.logo:
            try:
                image = ImageReader(io.BytesIO(head.creditor.logo))
                width, height = (float(side) for side in image.getSize())
                scale = min(LOGO_MAX[0] / width, LOGO_MAX[1] / height)
                canvas.drawImage(image, LEFT, top - height * scale, width * scale, height * scale, mask="auto")
                canvas.setFont(head.fonts.bold, 10.5)
                canvas.drawString(LEFT, top - height * scale - 4 * mm - 8, self._text(head.creditor.name))
                return float(top - height * scale - 4 * mm - 12)
            except Exception:  # an unreadable logo must not stop the letter: the name alone is printed
                pass
        canvas.setFont(head.fonts.bold, 13)
        canvas.drawString(LEFT, top - 12, self._text(head.creditor.name))
        return top - 18

    def _identity(self, y: float) -> None:
        canvas = self.canv
        canvas.setFont(self.head.fonts.regular, 8.5)
        canvas.setFillColorRGB(0.25, 0.25, 0.25)
        for line in self.head.identity_lines:
            y -= 10.5
            canvas.drawString(LEFT, y, self._text(line))
        canvas.setFillColorRGB(0, 0, 0)

    def _window(self) -> None:
        head, canvas = self.head, self.canv
        top = PAGE_HEIGHT - WINDOW_TOP
        if head.registered:
            mention = self._text(head.registered)
            size = min(7.5, 7.5 * WINDOW_WIDTH / pdfmetrics.stringWidth(mention, head.fonts.bold, 7.5))
            canvas.setFont(head.fonts.bold, size)
            canvas.drawString(WINDOW_X, top + 5 * mm, mention)
        lines = [(head.fonts.bold, 10.5, head.debtor.name)]
        if head.debtor.contact_name:
            lines.append((head.fonts.regular, 10, head.debtor.contact_name))
        lines += [(head.fonts.regular, 10, line) for line in head.debtor.address_lines if line]
        y = top - 4 * mm
        for font, size, text in lines[:7]:
            canvas.setFont(font, size)
            for part in simpleSplit(self._text(text), font, size, WINDOW_WIDTH)[:2]:
                canvas.drawString(WINDOW_X, y, part)
                y -= size + 3

    def _references(self) -> None:
        canvas = self.canv
        y = PAGE_HEIGHT - 80 * mm
        canvas.setFont(self.head.fonts.regular, 9.5)
        for line in self.head.references:
            canvas.drawString(LEFT, y, self._text(line))
            y -= 13


def epc_payload_ok(creditor: Creditor, cents: int) -> bool:
    return bool(creditor.iban) and 1 <= cents <= 99_999_999_999


def epc_matrix(creditor: Creditor, cents: int, reference: str) -> tuple[tuple[bool, ...], ...]:
    """The EPC069-12 QR code (GiroCode) paying ``cents`` to the creditor with ``reference`` as remittance text."""
    code = helpers.make_epc_qr(name=creditor.name[:EPC_NAME_MAX], iban=creditor.iban.replace(" ", ""),
                               amount=Decimal(cents).scaleb(-2), text=reference[:EPC_TEXT_MAX] or None,
                               bic=creditor.bic or None, encoding=1)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)


class QrFlowable(Flowable):  # type: ignore[misc]
    """A QR code drawn as filled runs of modules (no image: crisp at any resolution, few operators)."""

    def __init__(self, matrix: tuple[tuple[bool, ...], ...], size: float, border: int = 2) -> None:
        super().__init__()
        self.matrix = matrix
        self.size = size
        self.border = border

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas = self.canv
        count = len(self.matrix) + 2 * self.border
        module = self.size / count
        path = canvas.beginPath()
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + self.border + 1) * module
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                path.rect((start + self.border) * module, y, (column - start) * module, module)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.drawPath(path, stroke=0, fill=1)


class TextLines(Flowable):  # type: ignore[misc]
    """Left-aligned lines of one font (a list, a note): wrapped once with simpleSplit, split between any two lines.

    Much cheaper than a Paragraph for list-like text, which a letter to a long-standing debtor has plenty of.
    """

    def __init__(self, lines: list[str], font: str, size: float, leading: float, width: float = FRAME_WIDTH,
                 space_after: float = 0.0) -> None:
        super().__init__()
        self.lines = [part for line in lines for part in (simpleSplit(line, font, size, width) or [""])]
        self.font, self.size, self.leading, self.width = font, size, leading, width
        self.spaceAfter = space_after

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, len(self.lines) * self.leading

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fits = int(available_height // self.leading)
        if fits <= 0 or fits >= len(self.lines):
            return []
        return [self._part(self.lines[:fits]), self._part(self.lines[fits:])]

    def _part(self, lines: list[str]) -> TextLines:
        part = TextLines([], self.font, self.size, self.leading, self.width, self.spaceAfter)
        part.lines = lines
        return part

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(self.font, self.size)
        top = len(self.lines) * self.leading
        for index, line in enumerate(self.lines):
            canvas.drawString(0, top - (index + 1) * self.leading + (self.leading - self.size) / 2 + 1.5, line)

"""One letter's flowables: styles, tables with repeated headers, the parts letters share (letterhead, invoices,
credits, penalties, totals, payment block with the EPC QR code, signature)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.letters.data import Creditor, Debtor, Fonts, LetterData, LetterTexts, PenaltyLine
from app.letters.labels import action_label, labels
from app.letters.layout import (
    FRAME_WIDTH,
    Footer,
    Letterhead,
    LetterheadFlowable,
    QrFlowable,
    TextLines,
    clean,
    epc_matrix,
    epc_payload_ok,
)
from app.letters.placeholders import long_date, money, short_date

HEADER_SHADE = colors.Color(0.88, 0.90, 0.94)
ROW_SHADE = colors.Color(0.96, 0.97, 0.98)
RULE = colors.Color(0.55, 0.55, 0.6)
INVOICE_WIDTHS = (36 * mm, 21 * mm, 21 * mm, 26 * mm, 23 * mm, 26 * mm, 17 * mm)  # 170 mm
ROW_HEIGHT = 14.6  # 8.5 pt text, its 10.2 pt leading and 2.2 pt of padding above and below


class LetterError(ValueError):
    """Letter data that cannot be rendered (no texts, nothing to claim for a plan…)."""


@cache
def styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    if fonts.unicode:  # <b> in paragraphs needs the family; Helvetica has one already
        pdfmetrics.registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold, italic=fonts.regular,
                                      boldItalic=fonts.bold)
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13.6, alignment=TA_JUSTIFY,
                          spaceAfter=6)
    return {
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, alignment=0, spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, spaceAfter=4),
        "subject": ParagraphStyle("subject", parent=base, fontName=fonts.bold, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontName=fonts.bold, fontSize=10.5, spaceBefore=8,
                                  spaceAfter=4, alignment=0, keepWithNext=1),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=13, leading=17,
                                alignment=TA_CENTER, spaceAfter=10),
        "th": ParagraphStyle("th", fontName=fonts.bold, fontSize=8, leading=9.6),
        "th_right": ParagraphStyle("th_right", fontName=fonts.bold, fontSize=8, leading=9.6, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", fontName=fonts.regular, fontSize=8.5, leading=10.4),
        "signature": ParagraphStyle("signature", parent=base, alignment=0, leftIndent=95 * mm, spaceBefore=14),
        "strong": ParagraphStyle("strong", parent=base, fontName=fonts.bold, alignment=0),
    }


def paragraph(text: str, style: ParagraphStyle, fonts: Fonts) -> Paragraph:
    return Paragraph(escape(clean(text, fonts)).replace("\n", "<br/>"), style)


def rate_text(rate_bp: int, language: str) -> str:
    value = f"{rate_bp / 100:.2f}"
    return value.replace(".", ",") + "\u00a0%" if language == "fr" else value + "%"


def siren_text(siren: str) -> str:
    return " ".join(siren[i:i + 3] for i in range(0, len(siren), 3)) if len(siren) == 9 else siren


class Story:
    """Builds the flowables of one letter."""

    def __init__(self, data: LetterData, key: int, fonts: Fonts) -> None:
        if data.texts is None:
            raise LetterError("letter data without texts: render its template first")
        self.data = data
        self.texts: LetterTexts = data.texts
        self.key = key
        self.fonts = fonts
        self.lang = data.language
        self.words = labels(data.language)
        self.styles = styles(fonts)
        self.flow: list[Flowable] = []

    # -- small pieces ---------------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        return clean(value, self.fonts)

    def para(self, text: str, style: str = "body") -> None:
        self.flow.append(paragraph(text, self.styles[style], self.fonts))

    def money(self, cents: int) -> str:
        return self.text(money(cents, self.lang))

    def date(self, day: Any) -> str:
        return short_date(day, self.lang)

    def table(self, rows: list[list[Any]], widths: Sequence[float], numeric: Sequence[int], *, totals: int = 0,
              extra: Sequence[tuple[Any, ...]] = ()) -> Table:
        """A table whose header row repeats on every page it spans; amounts right-aligned; totals in bold."""
        # Header cells as plain text, wrapped here once (a Paragraph per cell is wrapped on every page break).
        header = ["\n".join(simpleSplit(self.text(str(cell)), self.fonts.bold, 8, width - 6) or [""])
                  for cell, width in zip(rows[0], widths, strict=True)]
        # Heights given: every body cell is one line of plain text, so ReportLab need not measure each cell.
        heights = [max(text.count("\n") + 1 for text in header) * 9.6 + 4.4] + [
            None if any(not isinstance(cell, str) for cell in row) else ROW_HEIGHT for row in rows[1:]]
        table = Table([header, *rows[1:]], colWidths=list(widths), rowHeights=heights, repeatRows=1)
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, 0), self.fonts.bold, 8, 9.6),
            ("ALIGN", (0, 0), (-1, 0), "LEFT"),
            ("FONT", (0, 1), (-1, -1), self.fonts.regular, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_SHADE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ]
        commands += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in numeric]
        body_end = -1 - totals
        if len(rows) - totals > 2:
            commands.append(("ROWBACKGROUNDS", (0, 1), (-1, body_end), [colors.white, ROW_SHADE]))
        if totals:
            commands += [("FONT", (0, -totals), (-1, -1), self.fonts.bold, 8.5),
                         ("LINEABOVE", (0, -totals), (-1, -totals), 0.6, RULE)]
        table.setStyle(TableStyle([*commands, *extra]))
        return table

    # -- parts shared by the letters ------------------------------------------------------------------------
    def letterhead(self, registered: bool = False) -> None:
        data, words = self.data, self.words
        creditor = data.creditor
        city = creditor.city
        dated = words["place_date"].format(city=city, date=self._long(data.as_of)) if city else \
            words["date_only"].format(date=self._long(data.as_of))
        debtor = data.debtor
        if debtor.contact_name:
            debtor = replace(debtor, contact_name=words["attention"].format(name=debtor.contact_name))
        head = Letterhead(self.key, creditor, debtor, identity_lines(creditor, self.lang),
                          (dated, words["client_ref"].format(code=data.debtor.code)),
                          words["lrar"] if registered else "",
                          Footer(footer_identity(creditor, self.lang), words["page"]), self.fonts)
        self.flow.append(LetterheadFlowable(head))

    def _long(self, day: Any) -> str:

        return self.text(long_date(day, self.lang))

    def opening(self, title: str = "") -> None:
        if title:
            self.para(title, "title")
        self.flow.append(Paragraph(f"{escape(self.words['object'])} {escape(self.text(self.texts.subject))}",
                                   self.styles["subject"]))
        if self.texts.salutation:
            self.para(self.texts.salutation)
        for paragraph in self.texts.paragraphs:
            self.para(paragraph)

    def invoices_table(self) -> None:
        data, words = self.data, self.words
        if not data.invoices:
            return
        rows: list[list[Any]] = [[words["col_number"], words["col_date"], words["col_due"], words["col_amount"],
                                  words["col_paid"], words["col_open"], words["col_late"]]]
        for line in data.invoices:
            rows.append([self.text(line.number), self.date(line.issue_date), self.date(line.due_date),
                         self.money(line.amount_cents), self.money(line.paid_cents), self.money(line.open_cents),
                         str(line.days_late)])
        rows.append([words["total_overdue"], "", "", "", "", self.money(data.overdue_cents), ""])
        self.flow.append(Spacer(1, 3 * mm))
        self.flow.append(self.table(rows, INVOICE_WIDTHS, (3, 4, 5, 6), totals=1,
                                    extra=[("SPAN", (0, -1), (4, -1))]))

    def credits_table(self) -> None:
        data, words = self.data, self.words
        if not data.credits:
            return
        rows: list[list[Any]] = [[words["col_reference"], words["col_date"], words["col_credit"]]]
        for credit in data.credits:
            label = words["credit_note" if credit.kind == "credit_note" else "payment"].format(
                reference=credit.reference)
            rows.append([self.text(label.strip()), self.date(credit.on), "−" + self.money(credit.cents)])
        self.flow.append(CondPageBreak(25 * mm))
        self.para(words["credits_title"], "heading")
        self.flow.append(self.table(rows, (104 * mm, 30 * mm, 36 * mm), (2,)))

    def claimed_line(self) -> None:
        words = self.words
        row = [[words["claimed"], self.money(self.data.claimed_cents)]]
        table = Table(row, colWidths=[134 * mm, 36 * mm])
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), self.fonts.bold, 10), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                   ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                                   ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        self.flow.append(Spacer(1, 3 * mm))
        self.flow.append(table)

    def previous_reminders(self) -> None:
        data = self.data
        if not data.reminders:
            return
        # One line per mailing: several invoices reminded the same day by the same means are one letter.
        mailings = dict.fromkeys((item.on, item.kind) for item in data.reminders)
        items = [f"• {action_label(kind, self.lang)} — {self._long(on)}" for on, kind in mailings]
        self.flow.append(CondPageBreak(25 * mm))
        self.para(self.words["previous_title"], "heading")
        self.flow.append(TextLines([self.text(item) for item in items], self.fonts.regular, 8.5, 11, space_after=4))

    def payment_block(self, cents: int) -> None:
        data, words = self.data, self.words
        creditor = data.creditor
        if not creditor.iban:
            self.para(words["no_iban"].format(name=creditor.name), "small")
            return
        lines = [f"<b>{escape(words['pay_title'])}</b>",
                 escape(words["pay_iban"].format(iban=_grouped(creditor.iban)))]
        if creditor.bic:
            lines.append(escape(words["pay_bic"].format(bic=creditor.bic)))
        lines.append(escape(self.text(words["pay_amount"].format(amount=money(cents, self.lang)))))
        lines.append(escape(self.text(words["pay_reference"].format(reference=data.reference))))
        cells: list[Any] = []
        widths: list[float] = []
        if epc_payload_ok(creditor, cents):
            cells.append(QrFlowable(epc_matrix(creditor, cents, data.reference), 30 * mm))
            widths.append(34 * mm)
            lines.append(f"<font size=7.5>{escape(words['pay_qr'])}</font>")
        cells.append(Paragraph("<br/>".join(lines), self.styles["plain"]))
        widths.append(FRAME_WIDTH - sum(widths))
        table = Table([cells], colWidths=widths)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 5),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        self.flow.append(Spacer(1, 4 * mm))
        self.flow.append(table)  # one row: never split, it moves to the next page whole

    def closing(self, signature: bool = True) -> None:
        creditor = self.data.creditor
        block: list[Flowable] = [Spacer(1, 3 * mm)]
        if self.texts.closing:
            block.append(paragraph(self.texts.closing, self.styles["body"], self.fonts))
        if signature:
            name = creditor.signatory_name or creditor.name
            block.append(paragraph(self.words["signature"].format(name=name, title=creditor.signatory_title).strip(),
                            self.styles["signature"], self.fonts))
        self.flow.append(KeepTogether(block))

    def parties(self) -> None:
        """Creditor and debtor identities side by side (company name, form, SIREN, address)."""
        data, words = self.data, self.words
        left = [f"<b>{escape(words['creditor'])}</b>", *party_lines(data.creditor, self.lang, creditor=True)]
        right = [f"<b>{escape(words['debtor'])}</b>", *party_lines(data.debtor, self.lang, creditor=False)]
        table = Table([[Paragraph("<br/>".join(left), self.styles["small"]),
                        Paragraph("<br/>".join(right), self.styles["small"])]], colWidths=[85 * mm, 85 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                                   ("LINEAFTER", (0, 0), (0, 0), 0.5, RULE)]))
        self.flow.append(table)
        self.flow.append(Spacer(1, 4 * mm))

    def penalties_table(self) -> None:
        data, words = self.data, self.words
        if not data.penalties:
            return
        rows: list[list[Any]] = [[words["col_number"], words["col_period"], words["col_days"], words["col_base"],
                                  words["col_rate"], words["col_interest"]]]
        spans: list[tuple[Any, ...]] = []
        for penalty in data.penalties:
            rows += self._penalty_rows(penalty, spans, len(rows))
        rows.append([words["penalties_total"], "", "", "", "", self.money(data.interest_cents + data.indemnity_cents)])
        self.flow.append(CondPageBreak(30 * mm))
        self.para(words["penalties_title"], "heading")
        self.flow.append(self.table(rows, (30 * mm, 52 * mm, 14 * mm, 26 * mm, 22 * mm, 26 * mm), (2, 3, 4, 5),
                                    totals=1, extra=[*spans, ("SPAN", (0, -1), (4, -1))]))
        basis = {line.basis for line in data.penalties if line.periods}
        notes = [words[f"basis_{name}"] for name in sorted(basis)]
        if notes:
            self.flow.append(Spacer(1, 1.5 * mm))
            self.para(" · ".join(notes), "small")

    def _penalty_rows(self, penalty: PenaltyLine, spans: list[tuple[Any, ...]], start: int) -> list[list[Any]]:
        words = self.words
        rows: list[list[Any]] = []
        for index, period in enumerate(penalty.periods):
            rows.append([self.text(penalty.number) if index == 0 else "",
                         words["period"].format(start=self.date(period.start), end=self.date(period.end)),
                         str(period.days), self.money(period.base_cents), rate_text(period.rate_bp, self.lang),
                         self.money(period.cents)])
        if penalty.indemnity_cents:
            row = start + len(rows)
            rows.append(["" if penalty.periods else self.text(penalty.number), words["indemnity_line"], "", "", "",
                         self.money(penalty.indemnity_cents)])
            spans.append(("SPAN", (1, row), (4, row)))
        return rows

    def totals_table(self) -> None:
        data, words = self.data, self.words
        rows: list[list[str]] = [[words["principal"], self.money(data.claimed_cents)],
                                 [words["interest_total"].format(date=self.date(data.as_of)),
                                  self.money(data.interest_cents)]]
        count = sum(1 for line in data.penalties if line.indemnity_cents)
        if data.indemnity_cents:
            rows.append([words["indemnity_total"].format(count=count), self.money(data.indemnity_cents)])
        rows.append([words["total_due"], self.money(data.total_cents)])
        table = Table(rows, colWidths=[134 * mm, 36 * mm])
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.fonts.regular, 9.5), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("FONT", (0, -1), (-1, -1), self.fonts.bold, 10.5), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
        self.flow.append(Spacer(1, 4 * mm))
        self.flow.append(KeepTogether([table]))


def _grouped(iban: str) -> str:
    compact = iban.replace(" ", "")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def identity_lines(creditor: Creditor, language: str) -> tuple[str, ...]:
    words = labels(language)
    lines = [line for line in creditor.address_lines if line]
    ids = [words["siren"].format(siren=siren_text(creditor.siren)) if creditor.siren else "",
           words["vat"].format(vat=creditor.vat_number) if creditor.vat_number else ""]
    lines.append(" — ".join(part for part in ids if part))
    lines.append(" · ".join(part for part in (creditor.phone, creditor.email) if part))
    return tuple(line for line in lines if line)


def footer_identity(creditor: Creditor, language: str) -> str:
    words = labels(language)
    parts = [creditor.name + (f" ({creditor.legal_form})" if creditor.legal_form else ""),
             words["siren"].format(siren=siren_text(creditor.siren)) if creditor.siren else "",
             ", ".join(line for line in creditor.address_lines if line),
             f"IBAN {_grouped(creditor.iban)}" if creditor.iban else "", f"BIC {creditor.bic}" if creditor.bic else ""]
    return " — ".join(part for part in parts if part)


def party_lines(party: Creditor | Debtor, language: str, *, creditor: bool) -> list[str]:
    words = labels(language)
    name = party.name
    if isinstance(party, Creditor) and party.legal_form and party.legal_form not in name:
        name += f", {party.legal_form}"
    lines = [escape(name)]
    if party.siren:
        lines.append(escape(words["siren"].format(siren=siren_text(party.siren))))
    lines += [escape(line) for line in party.address_lines if line]
    if isinstance(party, Creditor) and party.signatory_name:
        lines.append(escape(words["representative"].format(name=party.signatory_name,
                                                            title=party.signatory_title).rstrip(", ")))
    return lines

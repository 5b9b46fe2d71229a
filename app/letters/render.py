"""Letters as PDF bytes from plain letter data: reminders 1–3, mise en demeure, statement, payment-plan agreement;
one letter, or the day's letters in one PDF. Deterministic (ReportLab's invariant mode, fixed metadata)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
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
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app import __version__
from app.letters.data import Creditor, Debtor, Fonts, LetterData, LetterKind, LetterTexts, PenaltyLine
from app.letters.labels import action_label, kind_title, labels
from app.letters.layout import (
    BOTTOM,
    FRAME_WIDTH,
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TOP,
    Footer,
    LetterCanvas,
    Letterhead,
    LetterheadFlowable,
    QrFlowable,
    TextLines,
    clean,
    epc_matrix,
    epc_payload_ok,
)
from app.letters.placeholders import money, short_date

HEADER_SHADE = colors.Color(0.88, 0.90, 0.94)
ROW_SHADE = colors.Color(0.96, 0.97, 0.98)
RULE = colors.Color(0.55, 0.55, 0.6)
INVOICE_WIDTHS = (36 * mm, 21 * mm, 21 * mm, 26 * mm, 23 * mm, 26 * mm, 17 * mm)  # 170 mm
Progress = Callable[[int, int], object]
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


def _p(text: str, style: ParagraphStyle, fonts: Fonts) -> Paragraph:
    return Paragraph(escape(clean(text, fonts)).replace("\n", "<br/>"), style)


def rate_text(rate_bp: int, language: str) -> str:
    value = f"{rate_bp / 100:.2f}"
    return value.replace(".", ",") + "\u00a0%" if language == "fr" else value + "%"


def siren_text(siren: str) -> str:
    return " ".join(siren[i:i + 3] for i in range(0, len(siren), 3)) if len(siren) == 9 else siren


class _Story:
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
        self.flow.append(_p(text, self.styles[style], self.fonts))

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
        from app.letters.placeholders import long_date

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
            block.append(_p(self.texts.closing, self.styles["body"], self.fonts))
        if signature:
            name = creditor.signatory_name or creditor.name
            block.append(_p(self.words["signature"].format(name=name, title=creditor.signatory_title).strip(),
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


def _reminder(story: _Story) -> None:
    story.letterhead()
    story.opening()
    story.invoices_table()
    story.credits_table()
    story.claimed_line()
    if story.data.kind is not LetterKind.REMINDER1:
        story.previous_reminders()
    story.payment_block(story.data.claimed_cents)
    story.closing()


def _notice(story: _Story) -> None:
    data, words = story.data, story.words
    story.letterhead(registered=True)
    story.para(words["notice_title"], "title")
    story.parties()
    story.opening()
    story.invoices_table()
    story.credits_table()
    story.penalties_table()
    story.totals_table()
    deadline = data.deadline
    if deadline is not None and data.deadline_days is not None:
        story.flow.append(Spacer(1, 3 * mm))
        story.para(words["deadline"].format(date=story._long(deadline), days=data.deadline_days), "strong")
    story.para(words["legal_consumer" if data.debtor.is_consumer else "legal_b2b"], "small")
    story.previous_reminders()
    story.payment_block(data.total_cents)
    story.closing()


def _statement(story: _Story) -> None:
    data, words = story.data, story.words
    story.letterhead()
    story.para(words["statement_title"].format(date=story._long(data.as_of)), "title")
    story.opening()
    rows: list[list[Any]] = [[words["col_kind"], words["col_date"], words["col_due"], words["col_amount"],
                              words["col_open"], words["col_status"]]]
    for line in data.all_open:
        status = words["late_days"].format(days=line.days_late) if line.days_late else words["not_due"]
        rows.append([story.text(line.number), story.date(line.issue_date), story.date(line.due_date),
                     story.money(line.amount_cents), story.money(line.open_cents), status])
    for credit in data.credits:
        label = words["credit_note" if credit.kind == "credit_note" else "payment"].format(reference=credit.reference)
        rows.append([story.text(label.strip()), story.date(credit.on), "", "", "−" + story.money(credit.cents), ""])
    balance = sum(line.open_cents for line in data.all_open) - data.credits_cents
    rows.append([words["balance"], "", "", "", story.money(balance), ""])
    story.flow.append(story.table(rows, (40 * mm, 21 * mm, 21 * mm, 28 * mm, 28 * mm, 32 * mm), (3, 4), totals=1,
                                  extra=[("SPAN", (0, -1), (3, -1))]))
    story.payment_block(data.claimed_cents)
    story.closing()


def _plan(story: _Story) -> None:
    data, words = story.data, story.words
    plan = data.plan
    if plan is None:
        raise LetterError("a payment-plan agreement needs a plan")
    story.letterhead()
    story.para(words["plan_title"], "title")
    story.parties()
    story.opening()
    story.para(words["plan_invoices"].format(numbers=", ".join(plan.invoice_numbers)), "small")
    rows: list[list[Any]] = [[words["col_instalment"], words["col_due_on"], words["col_amount"]]]
    rows += [[str(number), story._long(item.due_on), story.money(item.cents)]
             for number, item in enumerate(plan.instalments, start=1)]
    rows.append([words["plan_total"], "", story.money(plan.total_cents)])
    story.flow.append(story.table(rows, (40 * mm, 80 * mm, 50 * mm), (0, 2), totals=1,
                                  extra=[("SPAN", (0, -1), (1, -1)), ("ALIGN", (0, -1), (0, -1), "LEFT")]))
    first_due = next((item for item in plan.instalments if item.state != "paid"), None)
    story.payment_block(first_due.cents if first_due else 0)
    creditor = data.creditor
    left = [f"<b>{escape(words['sign_creditor'])}</b>", escape(creditor.signatory_name or creditor.name),
            escape(creditor.signatory_title)]
    right = [f"<b>{escape(words['sign_debtor']).replace(chr(10), '<br/>')}</b>", escape(data.debtor.name)]
    table = Table([[Paragraph("<br/>".join(left), story.styles["small"]),
                    Paragraph("<br/>".join(right), story.styles["small"])],
                   ["", ""]], colWidths=[85 * mm, 85 * mm], rowHeights=[None, 28 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (0, -1), 0.5, RULE),
                               ("BOX", (1, 0), (1, -1), 0.5, RULE)]))
    closing = [_p(story.texts.closing, story.styles["body"], story.fonts)] if story.texts.closing else []
    story.flow.append(KeepTogether([Spacer(1, 3 * mm), *closing, Spacer(1, 3 * mm), table]))


_BUILDERS: dict[LetterKind, Callable[[_Story], None]] = {
    LetterKind.REMINDER1: _reminder, LetterKind.REMINDER2: _reminder, LetterKind.REMINDER3: _reminder,
    LetterKind.NOTICE: _notice, LetterKind.STATEMENT: _statement, LetterKind.PLAN: _plan,
}


def letter_story(data: LetterData, key: int, fonts: Fonts) -> list[Flowable]:
    """The flowables of one letter (its letterhead first)."""
    story = _Story(data, key, fonts)
    if data.kind is LetterKind.CLAIM:
        from app.letters.claim import claim_cover

        claim_cover(story)
    else:
        _BUILDERS[data.kind](story)
    return story.flow


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """One frame per page (the letterhead is a flowable); reports each letter as it is laid out."""

    def __init__(self, buffer: io.BytesIO, *, title: str, author: str,
                 progress: Callable[[int], object] | None) -> None:
        super().__init__(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=LEFT, rightMargin=LEFT,
                         topMargin=TOP, bottomMargin=BOTTOM, invariant=1, title=title, author=author,
                         creator=f"Encaisse {__version__}", subject=title, pageCompression=1)
        frame = Frame(LEFT, BOTTOM, FRAME_WIDTH, PAGE_HEIGHT - TOP - BOTTOM, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, id="body")
        self.addPageTemplates([PageTemplate(id="letter", frames=[frame])])
        self._progress = progress
        self._done = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's name
        if isinstance(flowable, LetterheadFlowable) and self._progress is not None:
            self._done += 1
            self._progress(self._done)


def _build(stories: Sequence[list[Flowable]], title: str, author: str,
           progress: Callable[[int], object] | None = None) -> bytes:
    flow: list[Flowable] = []
    for index, story in enumerate(stories):
        if index:
            flow.append(PageBreak())
        flow += story
    buffer = io.BytesIO()
    _Document(buffer, title=title, author=author, progress=progress).build(flow, canvasmaker=LetterCanvas)
    return buffer.getvalue()


def document_title(data: LetterData) -> str:
    return f"{kind_title(data.kind, data.language)} — {data.debtor.name}"


def render_letter(data: LetterData, fonts: Fonts | None = None) -> bytes:
    """One letter as PDF bytes (the claim file is rendered by app.letters.claim.render_claim)."""
    chosen = fonts or Fonts()
    return _build([letter_story(data, 0, chosen)], document_title(data), data.creditor.name)


def render_batch(letters: Sequence[LetterData], fonts: Fonts | None = None,
                 progress: Progress | None = None) -> bytes:
    """Several letters in one PDF, each starting on a new page with its own page numbers.

    ``progress(done, total)`` is called as each letter is laid out (and once before, with 0).
    """
    if not letters:
        raise LetterError("no letter to render")
    chosen = fonts or Fonts()
    total = len(letters)
    if progress is not None:
        progress(0, total)
    stories = [letter_story(data, key, chosen) for key, data in enumerate(letters)]
    first = letters[0]
    title = f"{kind_title(first.kind, first.language)} — {total}"
    return _build(stories, title, first.creditor.name,
                  None if progress is None else (lambda done: progress(done, total)))

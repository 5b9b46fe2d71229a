"""Letters as PDF bytes from plain letter data: reminders 1–3, mise en demeure, statement, payment-plan agreement;
one letter, or the day's letters in one PDF. Deterministic (ReportLab's invariant mode, fixed metadata)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
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
from app.letters.data import Fonts, LetterData, LetterKind
from app.letters.labels import kind_title
from app.letters.layout import BOTTOM, FRAME_WIDTH, LEFT, PAGE_HEIGHT, PAGE_WIDTH, TOP, LetterCanvas, LetterheadFlowable
from app.letters.story import RULE, LetterError, Story, paragraph

__all__ = ["LetterError", "document_title", "letter_story", "render_batch", "render_letter"]
Progress = Callable[[int, int], object]

def _reminder(story: Story) -> None:
    story.letterhead()
    story.opening()
    story.invoices_table()
    story.credits_table()
    story.claimed_line()
    if story.data.kind is not LetterKind.REMINDER1:
        story.previous_reminders()
    story.payment_block(story.data.claimed_cents)
    story.closing()


def _notice(story: Story) -> None:
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


def _statement(story: Story) -> None:
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


def _plan(story: Story) -> None:
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
    closing = [paragraph(story.texts.closing, story.styles["body"], story.fonts)] if story.texts.closing else []
    story.flow.append(KeepTogether([Spacer(1, 3 * mm), *closing, Spacer(1, 3 * mm), table]))


_BUILDERS: dict[LetterKind, Callable[[Story], None]] = {
    LetterKind.REMINDER1: _reminder, LetterKind.REMINDER2: _reminder, LetterKind.REMINDER3: _reminder,
    LetterKind.NOTICE: _notice, LetterKind.STATEMENT: _statement, LetterKind.PLAN: _plan,
}


def letter_story(data: LetterData, key: int, fonts: Fonts) -> list[Flowable]:
    """The flowables of one letter (its letterhead first)."""
    story = Story(data, key, fonts)
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

"""The injonction de payer claim file: a cover (parties, sums, court, timeline, list of exhibits), then the letters
sent, the invoice originals and the receipts stored in the dossier, merged into one PDF (pypdf)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Spacer

from app.letters.data import Attachment, Fonts, LetterData
from app.letters.labels import action_label
from app.letters.layout import PAGE_HEIGHT, PAGE_WIDTH

if TYPE_CHECKING:
    from app.letters.story import Story

IMAGE_TYPES = ("image/png", "image/jpeg")


def claim_cover(story: Story) -> None:
    """The cover pages: summary of the claim, then its timeline and the numbered exhibits."""
    data, words = story.data, story.words
    story.letterhead()
    story.para(words["claim_title"], "title")
    story.opening()
    story.para(words["claim_parties"], "heading")
    story.parties()
    story.para(words["claim_amounts"], "heading")
    story.invoices_table()
    story.credits_table()
    if data.debtor.is_consumer and data.notice_date is not None:
        story.para(words["interest_from"].format(date=story._long(data.notice_date)), "small")
    story.penalties_table()
    story.totals_table()
    story.para(words["claim_court"], "heading")
    story.para(words["court_civil" if data.debtor.is_consumer else "court_commercial"], "small")
    _timeline(story)
    _exhibits(story)
    story.flow.append(Spacer(1, 4 * mm))
    story.para(words["done_at"].format(city=data.creditor.city, date=story._long(data.as_of)), "plain")
    story.closing()


def _timeline(story: Story) -> None:
    data, words = story.data, story.words
    if not data.timeline:
        return
    rows: list[list[Any]] = [[words["col_date"], words["col_action"], words["col_summary"], words["col_document"]]]
    for item in data.timeline:
        detail = item.summary or words.get(f"channel_{item.channel}", "")
        rows.append([story.date(item.on), action_label(item.kind, story.lang),
                     _cell(story, detail), _cell(story, item.document)])
    story.flow.append(CondPageBreak(30 * mm))
    story.para(words["timeline_title"], "heading")
    story.flow.append(story.table(rows, (22 * mm, 32 * mm, 78 * mm, 38 * mm), ()))


def _cell(story: Story, text: str) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(story.text(text)), story.styles["cell"]) if text else ""


def _exhibits(story: Story) -> None:
    data, words = story.data, story.words
    if not data.attachments:
        return
    rows: list[list[Any]] = [["#", words["col_document"], words["col_reference"]]]
    for number, attachment in enumerate(data.attachments, start=1):
        note = "" if mergeable(attachment) else " " + words["not_merged"].format(mime=attachment.mime_type)
        rows.append([str(number), _cell(story, attachment.title + note), _cell(story, attachment.filename)])
    story.flow.append(Spacer(1, 2 * mm))
    story.flow.append(CondPageBreak(30 * mm))
    story.para(words["exhibits_title"], "heading")
    story.flow.append(story.table(rows, (10 * mm, 100 * mm, 60 * mm), ()))


def mergeable(attachment: Attachment) -> bool:
    return attachment.mime_type == "application/pdf" or attachment.mime_type in IMAGE_TYPES


def _image_page(attachment: Attachment) -> bytes:
    """An image exhibit (a scanned receipt) on an A4 page, scaled to fit with its title on top."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    image = ImageReader(io.BytesIO(attachment.content))
    width, height = image.getSize()
    room_w, room_h = PAGE_WIDTH - 30 * mm, PAGE_HEIGHT - 45 * mm
    scale = min(room_w / width, room_h / height)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(15 * mm, PAGE_HEIGHT - 15 * mm, attachment.title[:110])
    canvas.drawImage(image, 15 * mm, PAGE_HEIGHT - 22 * mm - height * scale, width * scale, height * scale)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_claim(data: LetterData, fonts: Fonts | None = None) -> bytes:
    """The cover, then every exhibit in the order of its list, as one PDF."""
    from app.letters.render import render_letter

    cover = render_letter(data, fonts)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for attachment in data.attachments:
        if attachment.mime_type == "application/pdf":
            try:
                writer.append(PdfReader(io.BytesIO(attachment.content)))
            except Exception:  # a damaged stored PDF is listed in the exhibits, not merged
                continue
        elif attachment.mime_type in IMAGE_TYPES:
            writer.append(PdfReader(io.BytesIO(_image_page(attachment))))
    writer.add_metadata({"/Title": f"{data.creditor.name} — {data.debtor.name}", "/Creator": "Encaisse",
                         "/Producer": "Encaisse (pypdf)"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()

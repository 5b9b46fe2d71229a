"""Letter wording: the shipped French and English templates, the user's versions kept in the dossier's settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.i18n import _
from app.io.export_pdf import report_fonts
from app.letters.data import (
    ActionLine,
    CreditLine,
    Debtor,
    Fonts,
    Instalment,
    InterestPeriod,
    InvoiceLine,
    LetterData,
    LetterKind,
    PenaltyLine,
    PlanTerms,
)
from app.letters.document import render_document
from app.letters.placeholders import placeholder_values
from app.letters.templating import SECTIONS, check_sections, parse_sections, render_texts
from app.paths import resource
from app.services.dto import Problem
from app.services.letters_load import read_creditor
from app.services.settings import (
    LETTER_DEADLINE_DAYS,
    LETTER_TEMPLATES,
    put_entry,
    read_entries,
    read_setting,
    write_setting,
)
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

LANGUAGES = ("fr", "en")


def letter_fonts() -> Fonts:
    """The export's fonts (DejaVu Sans when found, else Helvetica), registered once."""
    fonts = report_fonts()
    return Fonts(fonts.regular, fonts.bold, fonts.unicode)


def _key(kind: LetterKind, language: str) -> str:
    return f"{language}:{kind.value}"


def default_sections(kind: LetterKind, language: str) -> dict[str, str]:
    """The shipped wording (resources/letters/LANG/KIND.txt)."""
    lang = language if language in LANGUAGES else "fr"
    return parse_sections(resource(f"letters/{lang}/{kind.value}.txt").read_text(encoding="utf-8"))


def _overrides(session: Session) -> dict[str, Any]:
    return read_entries(session, LETTER_TEMPLATES)


def sections_in(session: Session, kind: LetterKind, language: str) -> dict[str, str]:
    """The user's version of a template if there is one, else the shipped one."""
    stored = _overrides(session).get(_key(kind, language))
    if isinstance(stored, dict):
        return {name: str(stored.get(name, "")) for name in SECTIONS}
    return default_sections(kind, language)


def template_sections(ws: Workspace, kind: LetterKind, language: str) -> tuple[dict[str, str], bool]:
    """(sections, customised): what the template editor shows."""
    with ws.dossier.reading() as session:
        customised = _key(kind, language) in _overrides(session)
        return sections_in(session, kind, language), customised


def save_template(ws: Workspace, kind: LetterKind, language: str, sections: dict[str, str]) -> None:
    """Keep the user's wording after checking it (TemplateRefused names an unknown placeholder)."""
    cleaned = {name: sections.get(name, "").strip() for name in SECTIONS}
    check_sections(cleaned)
    with ws.dossier.transaction() as session:
        put_entry(session, LETTER_TEMPLATES, _key(kind, language), cleaned)


def reset_template(ws: Workspace, kind: LetterKind, language: str) -> None:
    """Back to the shipped wording."""
    with ws.dossier.transaction() as session:
        put_entry(session, LETTER_TEMPLATES, _key(kind, language), None)


def sample_data(ws: Workspace, kind: LetterKind, language: str, as_of: date) -> LetterData:
    """A letter to a fictional client with the dossier's own identity: what the template editor previews."""
    with ws.dossier.reading() as session:
        creditor, _rate = read_creditor(session)
    invoices = (InvoiceLine("F-2026-0142", as_of - timedelta(days=75), as_of - timedelta(days=45), 144_000, 0,
                            144_000, 45),
                InvoiceLine("F-2026-0187", as_of - timedelta(days=50), as_of - timedelta(days=20), 60_000, 20_000,
                            40_000, 20))
    debtor = Debtor("EXEMPLE", "Client Exemple SARL", "552100554", "", "Mme Claire Martin",
                    ("5 place Bellecour", "69002 Lyon"), language, False)
    penalties: tuple[PenaltyLine, ...] = ()
    if kind.states_penalties:
        penalties = tuple(PenaltyLine(line.number, line.due_date, line.open_cents, "statutory",
                                      (InterestPeriod(line.due_date + timedelta(days=1), as_of, line.days_late,
                                                      line.open_cents, 1215,
                                                      line.open_cents * 1215 * line.days_late // 3_650_000),),
                                      line.open_cents * 1215 * line.days_late // 3_650_000, 4000)
                          for line in invoices)
    plan = PlanTerms(as_of, ("F-2026-0142",), tuple(Instalment(as_of + timedelta(days=30 * n), 48_000)
                                                    for n in range(1, 4)))
    return LetterData(kind, language, as_of, creditor, debtor, invoices,
                      (CreditLine("credit_note", "AV-2026-0009", as_of - timedelta(days=30), 10_000),),
                      (ActionLine(as_of - timedelta(days=15), "reminder", "email", ""),), penalties,
                      deadline_days=8 if kind is LetterKind.NOTICE else None, plan=plan, all_open=invoices)


def preview_template(ws: Workspace, kind: LetterKind, language: str, sections: dict[str, str],
                     as_of: date) -> bytes:
    """The sample letter written with ``sections`` (TemplateRefused when they cannot be used)."""
    data = sample_data(ws, kind, language, as_of)
    texts = render_texts(sections, placeholder_values(data))
    return render_document(replace(data, texts=texts), letter_fonts())


def notice_deadline(ws: Workspace) -> int:
    """The payment deadline a mise en demeure gives when its ladder step names none."""
    with ws.dossier.reading() as session:
        stored = read_setting(session, LETTER_DEADLINE_DAYS)
    return stored if isinstance(stored, int) else LETTER_DEADLINE_DAYS.default


def save_notice_deadline(ws: Workspace, days: int) -> None:
    """8 to 15 days (legal-fr.md §B.1: the usual range; a ladder step may give up to 30)."""
    if not 8 <= days <= 15:
        raise ValidationFailed([Problem("deadline_days", _("A formal notice gives 8 to 15 days to pay."))])
    with ws.dossier.transaction() as session:
        write_setting(session, LETTER_DEADLINE_DAYS, days)

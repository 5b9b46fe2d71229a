"""Letter wording: the shipped French and English templates, the user's versions kept in the dossier's settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.letters.data import LetterKind
from app.letters.templating import SECTIONS, check_sections, parse_sections
from app.paths import resource
from app.services.settings import LETTER_TEMPLATES, read_setting, write_setting
from app.services.workspace import Workspace

LANGUAGES = ("fr", "en")


def _key(kind: LetterKind, language: str) -> str:
    return f"{language}:{kind.value}"


def default_sections(kind: LetterKind, language: str) -> dict[str, str]:
    """The shipped wording (resources/letters/LANG/KIND.txt)."""
    lang = language if language in LANGUAGES else "fr"
    return parse_sections(resource(f"letters/{lang}/{kind.value}.txt").read_text(encoding="utf-8"))


def _overrides(session: Session) -> dict[str, Any]:
    stored = read_setting(session, LETTER_TEMPLATES)
    return stored if isinstance(stored, dict) else {}


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
        overrides = dict(_overrides(session))
        overrides[_key(kind, language)] = cleaned
        write_setting(session, LETTER_TEMPLATES, overrides)


def reset_template(ws: Workspace, kind: LetterKind, language: str) -> None:
    """Back to the shipped wording."""
    with ws.dossier.transaction() as session:
        overrides = dict(_overrides(session))
        if overrides.pop(_key(kind, language), None) is not None:
            write_setting(session, LETTER_TEMPLATES, overrides)

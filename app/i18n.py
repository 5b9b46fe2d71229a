"""gettext for every user-facing string: English message ids, French by default, catalogues read from .po."""

from __future__ import annotations

import gettext
import io
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.paths import resource

DOMAIN = "encaisse"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

_state: dict[str, gettext.NullTranslations | str] = {}


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``; English (the message ids) needs none."""
    po_path = resource(f"locale/{language}/LC_MESSAGES/{DOMAIN}.po")
    if language == "en" or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    # Compiled in memory: no generated .mo file is committed or has to be built before running.
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _state["language"] = language
    _state["catalog"] = translations(language)


def current_language() -> str:
    language = _state.get("language", DEFAULT_LANGUAGE)
    assert isinstance(language, str)
    return language


def _catalog() -> gettext.NullTranslations:
    if "catalog" not in _state:
        set_language(DEFAULT_LANGUAGE)
    catalog = _state["catalog"]
    assert isinstance(catalog, gettext.NullTranslations)
    return catalog


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _catalog().ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for extraction; it is translated later, when shown."""
    return message


def translate_in(language: str, message: str) -> str:
    """Translate into a given language without changing the current one (letters in the client's language)."""
    return translations(language).gettext(message)

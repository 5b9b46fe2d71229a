"""Every user-facing string has a French translation, and the language switch works."""

from __future__ import annotations

import sys
from pathlib import Path

from app.i18n import _, set_language, translate_in

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import catalog


def test_french_catalogue_is_complete() -> None:
    problems = catalog.missing(catalog.load(), catalog.extracted())
    assert problems == [], f"run `python tools/catalog.py` and translate: {problems[:20]}"


def test_language_switch() -> None:
    set_language("fr")
    assert _("Clients") == "Clients"
    assert _("Not due") == "Non échu"
    set_language("en")
    assert _("Not due") == "Not due"
    set_language("fr")
    assert translate_in("en", "Not due") == "Not due"

"""Extract every _()/N_()/ngettext() string from app/ and merge it into the French catalogue.

Usage: python tools/catalog.py [--check]
--check exits 1 (listing them) when a message has no French translation or the catalogue is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "resources" / "locale" / "fr" / "LC_MESSAGES" / "encaisse.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    template = Catalog(project="Encaisse", domain="encaisse")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT / "app", method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(message, locations=[(f"app/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def load() -> Catalog:
    if not PO_FILE.exists():
        return Catalog(locale="fr", project="Encaisse", domain="encaisse")
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="fr")


def missing(catalog: Catalog, template: Catalog) -> list[str]:
    """Message ids of the code with no French translation."""
    problems = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            problems.append(str(message.id))
    return problems


def main() -> int:
    template, catalog = extracted(), load()
    if "--check" in sys.argv:
        problems = missing(catalog, template)
        for problem in problems:
            print(f"untranslated: {problem!r}")
        return 1 if problems else 0
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    PO_FILE.parent.mkdir(parents=True, exist_ok=True)
    with PO_FILE.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    print(f"{len(catalog)} messages, {len(missing(catalog, template))} untranslated -> {PO_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fill French translations from a JSON object {msgid: msgstr}, after tools/catalog.py has merged the new ids.

Usage: python tools/translate.py FILE.json   (plural entries take a list of two strings)
Several people may add strings at once: run catalog.py, then this, on the latest catalogue, and commit both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO_FILE = Path(__file__).resolve().parent.parent / "resources" / "locale" / "fr" / "LC_MESSAGES" / "encaisse.po"


def main(source: Path) -> int:
    wanted = json.loads(source.read_text(encoding="utf-8"))
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    unknown = []
    for msgid, msgstr in wanted.items():
        plural = (m.id for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid)
        key = msgid if msgid in catalog else next(plural, None)
        if key is None or key not in catalog:
            unknown.append(msgid)
            continue
        catalog[key].string = tuple(msgstr) if isinstance(msgstr, list) else msgstr
        catalog[key].flags.discard("fuzzy")
    with PO_FILE.open("wb") as handle:
        write_po(handle, catalog, width=100)
    for msgid in unknown:
        print(f"not in the catalogue (run tools/catalog.py first): {msgid}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

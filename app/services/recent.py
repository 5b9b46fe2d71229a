"""The list of recently opened dossiers, kept in the user's data folder (not in any dossier)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from app.paths import recent_file
from app.services.dto import RecentDossier

MAX_RECENT = 10


def _load() -> list[dict[str, str]]:
    try:
        data = json.loads(recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # a missing or damaged list is simply empty; it is rebuilt as dossiers are opened
    return [entry for entry in data if isinstance(entry, dict) and "path" in entry] if isinstance(data, list) else []


def _save(entries: list[dict[str, str]]) -> None:
    target = recent_file()
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(target)  # atomic: the list is never half-written


def recent_dossiers() -> list[RecentDossier]:
    """Most recent first; entries whose file has gone are kept but marked missing."""
    return [
        RecentDossier(Path(entry["path"]), entry.get("name", ""), entry.get("last_opened", ""),
                      Path(entry["path"]).is_file())
        for entry in _load()
    ]


def remember(path: Path, name: str, *, now: datetime | None = None) -> None:
    key = str(path.resolve())
    entries = [entry for entry in _load() if entry["path"] != key]
    stamp = (now or datetime.now()).isoformat(timespec="seconds")
    entries.insert(0, {"path": key, "name": name, "last_opened": stamp})
    _save(entries[:MAX_RECENT])


def forget(path: Path) -> None:
    key = str(path.resolve())
    _save([entry for entry in _load() if entry["path"] != key])

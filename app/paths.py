"""Where Encaisse keeps its own files (recent list, backups), overridable with ENCAISSE_HOME for tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from app import APP_NAME

HOME_ENV = "ENCAISSE_HOME"


def data_dir() -> Path:
    """The per-user data folder, created on first use."""
    override = os.environ.get(HOME_ENV)
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recent_file() -> Path:
    return data_dir() / "recent.json"


def resources_dir() -> Path:
    """The shipped resources folder (translations, rate table, default ladders)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        # A PyInstaller bundle unpacks resources/ next to the frozen modules (installer/encaisse.spec).
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(relative: str) -> Path:
    """A file under resources/; refuses absolute paths and ``..`` so a name can never escape it."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ValueError(f"not a resource name: {relative}")
    return resources_dir() / candidate

"""The ``encaisse`` command itself: --version, a dossier given on the command line, and paths that are not one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app import __version__
from app.main import main
from app.services.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


def _encaisse(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, offscreen, with its own data folder."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENCAISSE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app.main", *arguments], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_version_is_the_one_of_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"Encaisse {__version__}\n"


def test_version_answers_without_a_display(tmp_path: Path) -> None:
    env_result = _encaisse(tmp_path, "--version")
    assert (env_result.returncode, env_result.stdout.strip()) == (0, f"Encaisse {__version__}")


def test_a_dossier_named_on_the_command_line_is_the_one_opened(tmp_path: Path, workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()  # the command opens it for writing, as a double-click in the file manager would
    target = tmp_path / "shot.png"
    result = _encaisse(tmp_path / "home", str(path), "--screenshot", str(target), "--view", "clients",
                       "--as-of", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert QImage(str(target)).width() == 1280
    # Opening a dossier puts it first in the start screen's recent list, under its company's name.
    recent = json.loads((tmp_path / "home" / "recent.json").read_text(encoding="utf-8"))
    assert (recent[0]["path"], recent[0]["name"]) == (str(path.resolve()), "Atelier Test SARL")


@pytest.mark.parametrize(("make", "says"), [
    (lambda folder: folder / "absent.encaisse", "fichier introuvable"),
    (lambda folder: folder, "est un répertoire, pas un dossier Encaisse"),
    (lambda folder: _write(folder / "notes.encaisse", b"not a database"), "n'est pas un dossier Encaisse"),
])
def test_a_path_that_is_not_a_dossier_gives_one_clear_line_and_exit_code_2(
        tmp_path: Path, make: Callable[[Path], Path], says: str) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    bad = make(folder)
    target = tmp_path / "never.png"
    result = _encaisse(tmp_path / "home", str(bad), "--screenshot", str(target))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith(f"encaisse: {bad.resolve()}") and says in line
    assert not target.exists()


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path

"""Screenshot mode: a real process renders a page of the demo dossier into a PNG of the asked size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from tests.ui.conftest import AS_OF

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, dossier: Path, target: Path, view: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from datetime import date; from pathlib import Path; from app.ui.application import run; "
        f"sys.exit(run(dossier_path=Path({str(dossier)!r}), demo=False, screenshot=Path({str(target)!r}), "
        f"view={view!r}, as_of=date.fromisoformat({AS_OF.isoformat()!r})))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENCAISSE_HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_screenshot_writes_a_png_of_the_window(tmp_path: Path, demo_path: Path) -> None:
    target = tmp_path / "shots" / "invoices.png"
    result = _run(tmp_path, demo_path, target, "invoices")
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)
    # Not a blank window: the table drew many distinct colours (text, stripes, status colours).
    colours = {image.pixel(x, y) for x in range(200, 1280, 7) for y in range(120, 780, 7)}
    assert len(colours) > 20


def test_screenshot_of_a_missing_dossier_fails_with_code_2(tmp_path: Path) -> None:
    target = tmp_path / "never.png"
    result = _run(tmp_path, tmp_path / "absent.encaisse", target, "aging")
    assert result.returncode == 2
    assert "absent.encaisse" in result.stderr
    assert not target.exists()

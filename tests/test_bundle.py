"""The Linux bundle built from installer/encaisse.spec runs without Python: version, demo screenshot, a letter."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from email.message import Message
from importlib import metadata
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import __version__
from app.licences import UNKNOWN, shipped_libraries

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bundle test builds the Linux bundle only"),
]

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "encaisse.spec"
BUILD_TIMEOUT_S = 1800


@dataclass(frozen=True)
class Demo:
    home: Path
    screenshot: Path
    dossier: Path


@pytest.fixture(scope="module")
def executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle once for this module, into a temporary folder (the project's dist/ is left alone)."""
    work = tmp_path_factory.mktemp("pyinstaller")
    completed = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    binary = work / "dist" / "encaisse" / "encaisse"
    assert binary.is_file()
    return binary


def _run(executable: Path, *arguments: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the frozen program as a user would: no virtualenv, no PYTHONPATH, from another folder."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} and not key.startswith("PYTEST")}
    env.update(ENCAISSE_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([str(executable), *arguments], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def demo(executable: Path, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The bundle opens its demo dossier on the dashboard and saves the window to a PNG."""
    folder = tmp_path_factory.mktemp("bundle-run")
    home = folder / "home"
    screenshot = folder / "dashboard.png"
    completed = _run(executable, "--demo", "--as-of", "2026-11-23", "--screenshot", str(screenshot),
                     "--view", "dashboard", home=home, cwd=folder)
    assert completed.returncode == 0, completed.stderr
    dossiers = sorted(home.rglob("*.encaisse"))
    assert dossiers, f"no demo dossier under {home}"
    return Demo(home=home, screenshot=screenshot, dossier=dossiers[0])


def test_version_answers_the_single_sourced_version(executable: Path, tmp_path: Path) -> None:
    completed = _run(executable, "--version", home=tmp_path / "home", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"Encaisse {__version__}"


def _assert_real_picture(path: Path) -> None:
    from PySide6.QtGui import QImage  # reading a PNG needs no QApplication

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(path))
    assert not image.isNull()
    assert image.width() >= 800 and image.height() >= 500
    # A blank or single-colour window (no platform plugin, no fonts) has a handful of colours; a view's text,
    # icons and charts have hundreds.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 100


def test_demo_screenshot_is_a_real_picture_of_the_window(demo: Demo) -> None:
    _assert_real_picture(demo.screenshot)


def test_a_dossier_given_on_the_command_line_opens(executable: Path, demo: Demo, tmp_path: Path) -> None:
    """What a double-click on a .encaisse file does once the installer has associated the type."""
    screenshot = tmp_path / "clients.png"
    completed = _run(executable, str(demo.dossier), "--as-of", "2026-11-23", "--screenshot", str(screenshot),
                     "--view", "clients", home=demo.home, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    _assert_real_picture(screenshot)


def test_bundled_cli_writes_a_french_letter_with_the_bundled_fonts(executable: Path, demo: Demo,
                                                                    tmp_path: Path) -> None:
    aging = _run(executable, "aging", str(demo.dossier), "--as-of", "2026-11-23", home=demo.home, cwd=tmp_path)
    assert aging.returncode == 0, aging.stderr
    assert "Balance âgée au 23/11/2026" in aging.stdout  # French catalogue (resources/) and Babel's fr data
    assert "Noël Ingénierie SAS" in aging.stdout

    letter = tmp_path / "relance.pdf"
    written = _run(executable, "letter", str(demo.dossier), "--client", "411NOEL2", "--kind", "reminder1",
                   "--as-of", "2026-11-23", "--out", str(letter), home=demo.home, cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    reader = PdfReader(letter)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Noël Ingénierie SAS" in text
    assert "Lyon, le 23 novembre 2026" in text  # Babel's French dates
    assert "480,23 €" in text and "Jours de" in text  # the amounts table, in French
    assert "GiroCode" in text  # the EPC payment QR code block (segno)
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].get_object().values()}
    # DejaVu Sans (French narrow no-break spaces in amounts); Helvetica alone would mean no font was found.
    assert any("DejaVuSans" in name for name in fonts), fonts
    # On a machine without system fonts (Windows, a bare Linux) it is matplotlib's copy inside the bundle.
    assert (executable.parent / "_internal" / "matplotlib" / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf").is_file()


def test_the_about_dialog_finds_every_library_and_its_licence_in_the_bundle(executable: Path) -> None:
    bundled = {_key(dist.metadata["Name"]): dist
               for dist in metadata.distributions(path=[str(executable.parent / "_internal")])}

    def lookup(name: str) -> Message | None:
        dist = bundled.get(_key(name))
        return None if dist is None else dist.metadata  # type: ignore[return-value]

    installed = {library.name: library for library in shipped_libraries()}
    in_bundle = {library.name: library for library in shipped_libraries(lookup=lookup)}
    assert in_bundle == installed  # same names, versions and licences as the About dialog shows from source
    assert all(library.licence != UNKNOWN for library in in_bundle.values() if library.direct)
    # Licence texts travel too (Qt's LGPL is in no file of PySide6's wheel; matplotlib's is)
    matplotlib = bundled[_key("matplotlib")]
    assert any("LICENSE" in path.name and Path(str(matplotlib.locate_file(path))).is_file()
               for path in matplotlib.files or [])


def _key(name: str) -> str:
    return name.replace("_", "-").replace(".", "-").lower()

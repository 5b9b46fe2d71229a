"""The installer files agree with each other and with the app: file type, icon, version, install and uninstall."""

from __future__ import annotations

import configparser
import importlib.util
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from app import __version__

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "installer" / "linux"
WINDOWS = ROOT / "installer" / "windows"
ICONS = ROOT / "resources" / "icons" / "app"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
posix_only = pytest.mark.skipif(os.name != "posix", reason="install.sh is the Linux installer")


def _desktop() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive (Name[en])
    parser.read(LINUX / "encaisse.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def _mime_type() -> ET.Element:
    root = ET.parse(LINUX / "encaisse-mime.xml").getroot()
    [mime_type] = root.findall("m:mime-type", MIME_NS)
    return mime_type


def _iss() -> str:
    return (WINDOWS / "encaisse.iss").read_text(encoding="utf-8")


def _iss_define(name: str) -> str:
    match = re.search(rf'^#define {name} "([^"]*)"', _iss(), re.MULTILINE)
    assert match, f"#define {name} missing from encaisse.iss"
    return match.group(1)


def _windows_path(relative: str) -> Path:
    return (WINDOWS / relative.replace("\\", "/")).resolve()


def _version_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("installer_version", WINDOWS / "version.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_desktop_entry_opens_dossiers_with_the_app_icon() -> None:
    entry = _desktop()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Encaisse"
    assert entry["Exec"].split() == ["encaisse", "%f"]  # one file: the command takes one dossier
    assert entry["Icon"] == "encaisse"
    assert {"Office", "Finance"} <= set(entry["Categories"].rstrip(";").split(";"))
    assert "relance" in entry["Comment"].lower() and entry["Comment[en]"]
    assert entry["Terminal"] == "false"


def test_the_mime_type_is_the_one_the_desktop_entry_and_the_windows_association_name() -> None:
    mime_type = _mime_type()
    assert _desktop()["MimeType"].rstrip(";").split(";") == [mime_type.get("type")]
    globs = [glob.get("pattern") for glob in mime_type.findall("m:glob", MIME_NS)]
    assert globs == ["*" + _iss_define("AssocExt")] == ["*.encaisse"]
    comments = {comment.get("{http://www.w3.org/XML/1998/namespace}lang"): comment.text
                for comment in mime_type.findall("m:comment", MIME_NS)}
    assert comments == {None: "Encaisse dossier", "fr": "Dossier Encaisse"}


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(LINUX / "encaisse.desktop")], capture_output=True,
                            text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_windows_installer_uses_files_that_exist() -> None:
    icon = _windows_path(_iss_define("AppIcon"))
    assert icon == ICONS / "encaisse.ico" and icon.is_file()
    assert "SetupIconFile={#AppIcon}" in _iss()
    # The bundle the installer packs is the one `make bundle` writes: dist/<name in the spec>/.
    assert _windows_path(_iss_define("Bundle")) == ROOT / "dist" / "encaisse"
    assert _iss_define("AppExe") == "encaisse.exe"
    spec = ROOT / "installer" / "encaisse.spec"
    if spec.exists():  # written in parallel with this script
        assert re.search(r'COLLECT\(.*?name="encaisse"', spec.read_text(encoding="utf-8"), re.DOTALL)


def test_the_windows_installer_associates_dossiers_in_french_and_english_and_keeps_user_data() -> None:
    iss = _iss()
    assert "ChangesAssociations=yes" in iss
    assert 'Name: "french"; MessagesFile: "compiler:Languages\\French.isl"' in iss
    assert 'Name: "english"; MessagesFile: "compiler:Default.isl"' in iss
    assert '"""{app}\\{#AppExe}"" ""%1"""' in iss  # the double-clicked file is the command's argument
    assert "DefaultIcon" in iss and "{app}\\encaisse.ico,0" in iss
    assert "[UninstallDelete]" not in iss.splitlines() and "LOCALAPPDATA%\\Encaisse" in iss
    assert re.search(r'^Name: "desktopicon";.*Flags: unchecked$', iss, re.MULTILINE)  # optional, off by default


def test_the_installer_version_is_app_version(tmp_path: Path) -> None:
    module = _version_module()
    module.TARGET = tmp_path / "version.iss"
    assert module.main([]) == 0
    assert f'#define AppVersion "{__version__}"' in module.TARGET.read_text(encoding="utf-8").splitlines()
    # encaisse.iss takes it from there unless ISCC is given /DAppVersion=...
    assert '#include "version.iss"' in _iss() and "#ifndef AppVersion" in _iss()
    printed = subprocess.run([sys.executable, str(WINDOWS / "version.py"), "--print"], capture_output=True,
                             text=True, check=True)
    assert printed.stdout.strip() == __version__


def test_the_icon_files_hold_every_size() -> None:
    data = (ICONS / "encaisse.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for index in range(count):
        width, height, _colours, _zero, _planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index)
        image = Image.open(io.BytesIO(data[offset:offset + length]))
        assert (image.format, image.size, bits) == ("PNG", (width or 256, height or 256), 32)
        sizes.append(image.size[0])
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    for size in (16, 32, 48, 64, 128, 256):
        with Image.open(ICONS / f"encaisse-{size}.png") as png:
            assert png.size == (size, size) and png.mode == "RGBA"
            assert png.getpixel((0, 0))[3] == 0 and png.getpixel((size // 2, size // 2))[3] == 255  # rounded tile


def _fake_bundle(folder: Path) -> Path:
    """A stand-in for dist/encaisse: an ``encaisse`` program that answers --version like the real one."""
    (folder / "_internal").mkdir(parents=True)
    program = folder / "encaisse"
    program.write_text(f'#!/bin/sh\necho "Encaisse {__version__}"\n', encoding="utf-8")
    program.chmod(0o755)
    return folder


@posix_only
def test_install_sh_installs_then_uninstalls_and_keeps_the_data(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path / "dist" / "encaisse")
    prefix = tmp_path / "home dir" / ".local"  # a space in the path, as in many home folders
    env = {**os.environ, "HOME": str(tmp_path / "home dir"), "XDG_DATA_HOME": str(prefix / "share"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def run(*arguments: str) -> str:
        return subprocess.run(["sh", str(LINUX / "install.sh"), "--prefix", str(prefix), *arguments], env=env,
                              capture_output=True, text=True, check=True, timeout=60).stdout

    run(str(bundle))
    command = prefix / "bin" / "encaisse"
    assert subprocess.run([str(command), "--version"], capture_output=True, text=True,
                          check=True).stdout.strip() == f"Encaisse {__version__}"
    desktop = (prefix / "share" / "applications" / "encaisse.desktop").read_text(encoding="utf-8")
    assert f'Exec="{command}" %f' in desktop.splitlines()
    assert (prefix / "share" / "mime" / "packages" / "encaisse-mime.xml").is_file()
    for size in (16, 48, 256):
        assert (prefix / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "encaisse.png").is_file()
    if shutil.which("update-mime-database"):
        assert "application/x-encaisse:*.encaisse" in (prefix / "share" / "mime" / "globs2").read_text()

    data = prefix / "share" / "Encaisse" / "recent.json"  # where platformdirs puts the data folder here
    data.parent.mkdir(parents=True)
    data.write_text("[]", encoding="utf-8")
    mimeapps = tmp_path / "config" / "mimeapps.list"  # as `xdg-mime default` leaves it, beside another choice
    mimeapps.parent.mkdir(exist_ok=True)
    mimeapps.write_text("[Default Applications]\napplication/x-encaisse=encaisse.desktop\ntext/plain=gedit.desktop\n",
                        encoding="utf-8")
    said = run("--uninstall")
    assert mimeapps.read_text(encoding="utf-8") == "[Default Applications]\ntext/plain=gedit.desktop\n"
    assert not command.exists() and not (prefix / "lib" / "encaisse").exists()
    assert not (prefix / "share" / "applications" / "encaisse.desktop").exists()
    assert not list((prefix / "share" / "icons").rglob("encaisse.*"))
    assert data.read_text(encoding="utf-8") == "[]"
    assert "kept" in said


@posix_only
def test_install_sh_refuses_a_missing_bundle_and_leaves_nothing(tmp_path: Path) -> None:
    result = subprocess.run(["sh", str(LINUX / "install.sh"), "--prefix", str(tmp_path / "p"), str(tmp_path / "no")],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 1 and "make bundle" in result.stderr
    assert not (tmp_path / "p").exists()

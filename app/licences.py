"""The libraries Encaisse ships with (its dependencies and theirs), with the version and licence each declares."""

from __future__ import annotations

import platform
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from importlib import metadata
from pathlib import Path, PurePath

# The [project] dependencies of pyproject.toml, by distribution name. A test keeps the two lists equal: the
# installed metadata of Encaisse itself cannot be trusted for this (an editable install keeps a stale copy,
# and a bundle may not carry it at all).
DEPENDENCIES = (
    "PySide6-Essentials", "SQLAlchemy", "alembic", "platformdirs", "Babel", "python-stdnum", "matplotlib",
    "openpyxl", "reportlab", "Jinja2", "segno", "pypdf", "pypdfium2", "rl_accel", "defusedxml", "rapidfuzz",
    "keyring",
)
UNKNOWN = "?"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LONG_LICENCE = 60  # some projects paste their whole licence text into License:, or a sentence

Lookup = Callable[[str], Message | None]


@dataclass(frozen=True, slots=True)
class LibraryLicence:
    """One shipped library as its metadata describes it; ``direct`` when Encaisse itself depends on it."""

    name: str
    version: str
    licence: str
    direct: bool


def _installed(name: str) -> Message | None:
    try:
        return metadata.metadata(name)  # type: ignore[return-value]  # PackageMetadata is an email Message
    except metadata.PackageNotFoundError:
        return None


def licence_of(meta: Message) -> str:
    """The licence a distribution declares: License-Expression, else a short License, else its classifiers."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    declared = (meta.get("License") or "").strip()
    if declared and "\n" not in declared and len(declared) <= _LONG_LICENCE:
        return declared
    classifiers = [line.split("::")[-1].strip() for line in meta.get_all("Classifier") or []
                   if line.startswith("License ::") and line.count("::") >= 2]
    if classifiers:
        return ", ".join(classifiers)
    return declared.splitlines()[0].strip() if declared else UNKNOWN


def _requirements(meta: Message) -> list[str]:
    """Names a distribution needs at run time: optional extras are not shipped, so they are left out."""
    names = []
    for line in meta.get_all("Requires-Dist") or []:
        marker = line.partition(";")[2]
        match = _NAME.match(line)
        if match and "extra" not in marker:
            names.append(match.group(1))
    return names


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def shipped_libraries(roots: Iterable[str] = DEPENDENCIES, lookup: Lookup = _installed) -> list[LibraryLicence]:
    """Every installed library reachable from ``roots``, sorted by name; a root missing here is listed as unknown.

    Requirements guarded by a platform marker are followed only when installed, which is what a bundle holds.
    """
    direct = {_key(name) for name in roots}
    found: dict[str, LibraryLicence] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        key = _key(name)
        if key in found:
            continue
        meta = lookup(name)
        if meta is None:
            if key in direct:
                found[key] = LibraryLicence(name, UNKNOWN, UNKNOWN, True)
            continue
        found[key] = LibraryLicence(meta.get("Name") or name, meta.get("Version") or UNKNOWN, licence_of(meta),
                                    key in direct)
        pending.extend(_requirements(meta))
    return sorted(found.values(), key=lambda library: library.name.lower())


_LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)


def _is_licence_file(path: PurePath) -> bool:
    """In the metadata folder: under licenses/ (PEP 639) or named like a licence."""
    return len(path.parts) > 1 and path.parts[0].endswith(".dist-info") and (
        path.parts[1] == "licenses" or bool(_LICENCE_FILE.search(path.name)))


def licence_text(name: str) -> str | None:
    """The licence texts a library ships in its metadata, each under its file name when there are several
    (numpy's and PDFium's vendored parts); else a License field long enough to be the text; else None
    (PySide6's wheel ships none)."""
    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    texts = []
    for path in sorted(filter(_is_licence_file, distribution.files or []), key=lambda p: (len(p.parts), str(p))):
        try:  # some are Latin-1 (PDFium's libjpeg notice): shown with a replaced character rather than not at all
            text = Path(str(distribution.locate_file(path))).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        if text.strip():
            texts.append((PurePath(*path.parts[1:]).as_posix(), text.strip()))
    if len(texts) == 1:
        return texts[0][1]
    if texts:
        return "\n\n".join(f"==== {where} ====\n\n{text}" for where, text in texts)
    declared = "\n".join(distribution.metadata.get_all("License") or []).strip()
    return declared if "\n" in declared else None


def python_runtime() -> LibraryLicence:
    """The Python interpreter a bundle carries, under the PSF licence."""
    return LibraryLicence("Python", platform.python_version(), "PSF-2.0", True)

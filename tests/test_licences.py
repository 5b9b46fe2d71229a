"""The shipped libraries' licences: the dependency list stays pyproject's, and each licence is read sensibly."""

from __future__ import annotations

import re
import tomllib
from email.message import Message
from pathlib import Path

from app.licences import DEPENDENCIES, UNKNOWN, licence_of, licence_text, shipped_libraries

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _meta(name: str, version: str = "1.0", *, requires: tuple[str, ...] = (), **fields: str | list[str]) -> Message:
    meta = Message()
    meta["Name"], meta["Version"] = name, version
    for line in requires:
        meta["Requires-Dist"] = line
    for key, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            meta[key.replace("_", "-")] = one
    return meta


def test_the_dependency_list_is_the_one_in_pyproject() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    names = [re.match(r"[A-Za-z0-9._-]+", line).group(0) for line in declared]  # type: ignore[union-attr]
    assert list(DEPENDENCIES) == names


def test_the_licence_prefers_the_spdx_expression_then_a_short_licence_then_the_classifier() -> None:
    assert licence_of(_meta("a", License_Expression="MIT", License="whatever")) == "MIT"
    assert licence_of(_meta("b", License="BSD-3-Clause")) == "BSD-3-Clause"
    pasted = "License agreement for matplotlib\n" + "text " * 200
    classifier = "License :: OSI Approved :: Python Software Foundation License"
    assert licence_of(_meta("c", License=pasted, Classifier=[classifier, "Topic :: Office"])) \
        == "Python Software Foundation License"
    assert licence_of(_meta("d")) == UNKNOWN


def test_the_list_follows_requirements_but_not_extras_nor_what_is_not_installed() -> None:
    installed = {
        "app-dep": _meta("App-Dep", "2.0", requires=("inner>=1", 'tests-only; extra == "test"',
                                                    'win-only; sys_platform == "win32"'), License="MIT"),
        "inner": _meta("inner", "0.3", License_Expression="Apache-2.0"),
        "tests-only": _meta("tests-only"),
    }
    libraries = shipped_libraries(["App_Dep", "gone"], lambda name: installed.get(name.lower().replace("_", "-")))
    assert [(lib.name, lib.version, lib.licence, lib.direct) for lib in libraries] == [
        ("App-Dep", "2.0", "MIT", True), ("gone", UNKNOWN, UNKNOWN, True), ("inner", "0.3", "Apache-2.0", False)]


def test_every_installed_dependency_declares_a_version_and_a_licence() -> None:
    libraries = {library.name.lower(): library for library in shipped_libraries()}
    assert {"reportlab", "pyside6_essentials", "shiboken6", "numpy"} <= set(libraries)
    assert [name for name, library in libraries.items() if UNKNOWN in (library.version, library.licence)] == []


def test_licence_texts_come_from_the_metadata_folder() -> None:
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (licence_text("python-stdnum") or "")
    several = licence_text("numpy") or ""  # numpy ships its own licence and those of its vendored parts
    assert several.startswith("==== licenses/LICENSE.txt ====") and several.count("==== ") > 2
    assert licence_text("no-such-library") is None

"""Shared fixtures: a private data folder per test session, a pinned clock, a fresh dossier."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.i18n import set_language
from app.services.clock import fixed_clock
from app.services.dto import CompanyInput
from app.services.workspace import Workspace, create_workspace

TODAY = date(2026, 11, 23)
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"

COMPANY = CompanyInput(
    legal_name="Atelier Test SARL", legal_form="SARL", siren="732829320", siret="73282932000074",
    address_line1="12 rue de la République", postcode="69002", city="Lyon",
    iban="FR7630006000011234567890189", email="compta@atelier-test.fr",
)


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recent list and backups go to a temporary folder, never to the user's."""
    monkeypatch.setenv("ENCAISSE_HOME", str(tmp_path_factory.mktemp("home")))
    set_language("fr")


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = create_workspace(tmp_path / "test.encaisse", COMPANY, clock=fixed_clock(TODAY))
    yield ws
    ws.close()

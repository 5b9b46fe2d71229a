"""Shared fixtures: a private data folder per test session, a pinned clock, a fresh dossier."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.domain.kinds import DisputeReason, InvoiceKind
from app.i18n import set_language
from app.services import cases
from app.services.clock import fixed_clock
from app.services.dto import CompanyInput
from app.services.workspace import Workspace, create_workspace
from tests.services.ledger import Ledger

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


@pytest.fixture
def ledger(workspace: Workspace) -> Ledger:
    """Two clients as of 23/11/2026:

    ALPHA: F1 1 000,00 € due 30/11 (not due); F2 500,00 € due 01/11, 200,00 € paid 10/11 → 300,00 € open,
           22 days past due (bucket 1–30); a 50,00 € payment received 15/11 and not allocated.
    BETA:  F3 800,00 € due 01/08 → 114 days past due (> 90), disputed since 01/10;
           A1 credit note 100,00 € issued 01/09, not allocated.
    """
    book = Ledger(workspace)
    book.client("ALPHA", "Alpha SARL")
    book.client("BETA", "Bêta SAS")
    book.invoice("ALPHA", "F1", date(2026, 10, 31), date(2026, 11, 30), 100_000)
    f2 = book.invoice("ALPHA", "F2", date(2026, 10, 2), date(2026, 11, 1), 50_000)
    book.pay("ALPHA", date(2026, 11, 10), 20_000, (f2, 20_000))
    book.pay("ALPHA", date(2026, 11, 15), 5_000)
    f3 = book.invoice("BETA", "F3", date(2026, 7, 2), date(2026, 8, 1), 80_000)
    book.invoice("BETA", "A1", date(2026, 9, 1), date(2026, 9, 1), 10_000, kind=InvoiceKind.CREDIT_NOTE)
    cases.open_dispute(workspace, (f3,), DisputeReason.QUALITY, date(2026, 10, 1))
    return book

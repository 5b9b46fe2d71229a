"""UI fixtures: offscreen Qt, one demo dossier per session, views driven through a synchronous runner."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.services.clock import fixed_clock
from app.services.demo import create_demo_dossier
from app.services.workspace import Workspace, open_workspace
from app.ui.tasks import SyncRunner
from app.ui.view_base import ViewContext
from tests.services.ledger import Ledger

AS_OF = date(2026, 3, 31)


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The normal demo dossier (60 clients, 1,500 invoices) as of AS_OF; tests open it read-only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCAISSE_HOME", str(tmp_path_factory.mktemp("demo-home")))
        return create_demo_dossier(tmp_path_factory.mktemp("demo") / "demo.encaisse", as_of=AS_OF)


@pytest.fixture(scope="session")
def demo_ws(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, read_only=True, clock=fixed_clock(AS_OF))
    yield workspace
    workspace.close()


@pytest.fixture
def runner() -> Iterator[SyncRunner]:
    """Runs service calls at once; any error a view did not handle fails the test."""
    sync = SyncRunner()
    yield sync
    assert sync.errors == []


@pytest.fixture
def context(demo_ws: Workspace, runner: SyncRunner) -> ViewContext:
    return ViewContext(demo_ws, runner, AS_OF)


@pytest.fixture
def fresh(workspace: Workspace) -> Workspace:
    """An empty dossier on 23/11/2026 (the root ``workspace``), for entry forms and editors."""
    return workspace


@pytest.fixture
def book(fresh: Workspace) -> Ledger:
    """Client ALPHA with F1 1 000,00 € due 01/10 and F2 500,00 € due 01/11/2026, nothing paid."""
    ledger = Ledger(fresh)
    ledger.client("ALPHA", "Alpha SARL")
    ledger.invoice("ALPHA", "F1", date(2026, 9, 1), date(2026, 10, 1), 100_000)
    ledger.invoice("ALPHA", "F2", date(2026, 10, 2), date(2026, 11, 1), 50_000)
    return ledger

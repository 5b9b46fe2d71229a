"""The demo dossier: a Lyon workshop, its clients, two years of invoices, payments, cases and reminders."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.domain.kinds import Channel
from app.domain.periods import add_months
from app.i18n import _
from app.models import Base, LadderStep, LegalRate, Segment
from app.models.lock import WriteLock
from app.paths import data_dir
from app.services.clock import fixed_clock
from app.services.demo_builder import Builder
from app.services.demo_records import (
    LARGE_SIZE,
    NORMAL_SIZE,
    TABLE_ORDER,
    DemoSize,
    Row,
    Rows,
    StepInfo,
)
from app.services.dto import CompanyInput
from app.services.workspace import create_workspace

__all__ = ["DEMO_COMPANY", "LARGE_SIZE", "NORMAL_SIZE", "TABLE_ORDER", "DemoSize", "StepInfo",
           "create_demo_dossier", "default_demo_path", "generate_rows", "insert_rows", "read_ladders"]

DEMO_COMPANY = CompanyInput(
    legal_name="Atelier Durand & Fils", legal_form="SARL", siren="817342561", siret="81734256100021",
    vat_number="FR03817342561", address_line1="14 rue Saint-Jean", postcode="69005", city="Lyon",
    email="compta@atelier-durand.fr", phone="04 78 42 17 63", iban="FR7610096185200003456780148",
    bic="CMCIFRPP", signatory_name="Marc Durand", signatory_title="Gérant", payment_terms_days=30,
)

# Tables in an order that satisfies their foreign keys.


def default_demo_path() -> Path:
    """Where "Ouvrir la démo" keeps its dossier."""
    return data_dir() / "demo" / "demo.encaisse"


def create_demo_dossier(path: Path, *, as_of: date, large: bool = False, seed: int = 7,
                        size: DemoSize | None = None) -> Path:
    """Replace ``path`` by a demo dossier whose data ends on ``as_of``; same seed and date, same file.

    Raises DossierLocked (and leaves the file alone) when another Encaisse has it open.
    """
    chosen = size or (LARGE_SIZE if large else NORMAL_SIZE)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_dossier(path)
    workspace = create_workspace(path, DEMO_COMPANY, clock=fixed_clock(as_of))
    try:
        with _gc_paused(), workspace.dossier.transaction() as session:
            rows = generate_rows(as_of=as_of, size=chosen, seed=seed, ladders=read_ladders(session))
            insert_rows(session, rows)
            assume_unchanged_rates(session, as_of)
    except BaseException:
        workspace.close()
        _remove_dossier(path)
        raise
    workspace.dossier.refresh_statistics()
    workspace.close()
    return workspace.path


def assume_unchanged_rates(session: Session, as_of: date) -> None:
    """Carry the last shipped half-year's rates up to ``as_of``, marked as a demo assumption.

    A real dossier gets no such guess: a letter stating penalties refuses to run until the user enters
    the half-year's published rates (Paramètres > Taux légaux). The demo must show its letters today.
    """
    last = session.scalar(select(LegalRate).order_by(LegalRate.semester_start.desc()).limit(1))
    if last is None:
        return
    start = last.semester_start
    while (start := add_months(start, 6)) <= as_of:
        session.add(LegalRate(semester_start=start, ecb_mro_bp=last.ecb_mro_bp, legal_pro_bp=last.legal_pro_bp,
                              legal_individual_bp=last.legal_individual_bp,
                              source=_("demo: assumed unchanged since {date}, to be checked").format(
                                  date=last.semester_start.strftime("%d/%m/%Y"))))


def _remove_dossier(path: Path) -> None:
    """Delete a dossier and its WAL files, unless another Encaisse holds its lock."""
    if not path.exists():
        return
    lock = WriteLock(path)
    lock.acquire()
    try:
        for name in (path.name, path.name + "-wal", path.name + "-shm"):
            path.with_name(name).unlink(missing_ok=True)
    finally:
        lock.release()


def read_ladders(session: Session) -> dict[str, tuple[StepInfo, ...]]:
    """The steps of each segment's ladder, in order."""
    query = (
        select(Segment.code, LadderStep.id, LadderStep.position, LadderStep.name, LadderStep.offset_days,
               LadderStep.channel)
        .join(LadderStep, LadderStep.ladder_id == Segment.ladder_id)
        .order_by(Segment.code, LadderStep.position)
    )
    steps: dict[str, list[StepInfo]] = {}
    for code, step_id, position, name, offset, channel in session.execute(query):
        steps.setdefault(code, []).append(StepInfo(step_id, position, name, offset, Channel(channel)))
    return {code: tuple(found) for code, found in steps.items()}


def insert_rows(session: Session, rows: Mapping[str, list[Row]]) -> None:
    """Bulk-insert generated rows (Core executemany, ids already set), parents first."""
    for name in TABLE_ORDER:
        if rows.get(name):
            session.execute(insert(Base.metadata.tables[name]), rows[name])


def generate_rows(*, as_of: date, size: DemoSize, seed: int,
                  ladders: Mapping[str, tuple[StepInfo, ...]]) -> Rows:
    """Every row of a demo dossier but those create_workspace writes, as plain dicts per table."""
    with _gc_paused():
        return Builder(as_of, size, random.Random(seed), ladders).build()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Bulk generation makes a million small objects and no garbage: the cycle collector only slows it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- small helpers ---------------------------------------------------------------------------------

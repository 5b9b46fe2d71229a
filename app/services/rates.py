"""The dossier's legal rate table: read it for the penalties, list it, and let the user add or correct a
half-year (a new ECB rate or legal rate is published twice a year; no new release is needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.penalties import RateTable, SemesterRate
from app.i18n import _
from app.models import LegalRate
from app.services.dto import Problem
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

MAX_RATE_BP = 5000  # 50 %: anything above is a typing error (rates are entered in percent)


@dataclass(frozen=True, slots=True)
class RateRow:
    """One half-year of the table as shown and edited; rates in basis points (2,15 % = 215)."""

    semester_start: date
    ecb_mro_bp: int
    legal_pro_bp: int | None
    legal_individual_bp: int | None
    source: str = ""


def rate_table(session: Session) -> RateTable:
    """The table the penalties are computed with."""
    return RateTable([SemesterRate(row.semester_start, row.ecb_mro_bp, row.legal_pro_bp, row.legal_individual_bp)
                      for row in session.scalars(select(LegalRate))])


def list_rates(ws: Workspace) -> list[RateRow]:
    """Every half-year, newest first."""
    with ws.dossier.reading() as session:
        rows = session.scalars(select(LegalRate).order_by(LegalRate.semester_start.desc()))
        return [RateRow(r.semester_start, r.ecb_mro_bp, r.legal_pro_bp, r.legal_individual_bp, r.source)
                for r in rows]


def check_rate(row: RateRow) -> list[Problem]:
    problems = []
    if (row.semester_start.month, row.semester_start.day) not in ((1, 1), (7, 1)):
        problems.append(Problem("semester_start", _("A half-year starts on 1 January or 1 July, not on {date}.")
                                .format(date=row.semester_start.strftime("%d/%m/%Y"))))
    for field, value in (("ecb_mro_bp", row.ecb_mro_bp), ("legal_pro_bp", row.legal_pro_bp),
                         ("legal_individual_bp", row.legal_individual_bp)):
        if value is not None and not -MAX_RATE_BP <= value <= MAX_RATE_BP:
            problems.append(Problem(field, _("A rate must lie between -50 % and 50 %.")))
    return problems


def save_rate(ws: Workspace, row: RateRow) -> bool:
    """Add the half-year, or correct it if the table has it; True when it was added."""
    problems = check_rate(row)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        existing = session.get(LegalRate, row.semester_start)
        if existing is None:
            session.add(LegalRate(semester_start=row.semester_start, ecb_mro_bp=row.ecb_mro_bp,
                                  legal_pro_bp=row.legal_pro_bp, legal_individual_bp=row.legal_individual_bp,
                                  source=row.source or _("entered by the user")))
            return True
        existing.ecb_mro_bp, existing.legal_pro_bp = row.ecb_mro_bp, row.legal_pro_bp
        existing.legal_individual_bp = row.legal_individual_bp
        existing.source = row.source or _("corrected by the user")
        return False

"""Legal rate table: ECB main refinancing rate and French legal interest rates, per half-year."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class LegalRate(Base):
    """Rates in force for the half-year starting on ``semester_start`` (1 January or 1 July).

    Rates are integer basis points (2.15 % = 215) so that no rate goes through a float either.
    """

    __tablename__ = "legal_rates"
    __table_args__ = (
        CheckConstraint(
            "strftime('%m-%d', semester_start) IN ('01-01', '07-01')", name="semester_start"
        ).ddl_if(dialect="sqlite"),
    )

    semester_start: Mapped[date] = mapped_column(primary_key=True)
    ecb_mro_bp: Mapped[int]
    legal_pro_bp: Mapped[int | None]  # taux de l'intérêt légal, "autres cas" (creditor is a business)
    legal_individual_bp: Mapped[int | None]  # creditor is a private individual
    source: Mapped[str] = mapped_column(default="")

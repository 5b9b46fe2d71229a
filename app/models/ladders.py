"""Reminder ladders (scénarios de relance) and their ordered steps."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.kinds import Channel, OffsetBase, Tone
from app.models.base import Base, Cents, str_enum


class Ladder(Base):
    """A named sequence of reminder steps, assigned by segment, per client, or as the dossier default."""

    __tablename__ = "ladders"
    __table_args__ = (
        CheckConstraint("min_interval_days >= 0", name="interval"),
        CheckConstraint("min_amount_cents >= 0", name="min_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(default=False)
    min_interval_days: Mapped[int] = mapped_column(default=7)
    min_amount_cents: Mapped[int] = mapped_column(Cents, default=0)
    # A backlog taken over starts at the step matching its age instead of the first step.
    backlog_by_age: Mapped[bool] = mapped_column(default=True)

    steps: Mapped[list[LadderStep]] = relationship(
        back_populates="ladder", cascade="all, delete-orphan", order_by="LadderStep.position"
    )


class LadderStep(Base):
    """One step: when (offset from due date or previous step), how (channel, tone, template), from how much."""

    __tablename__ = "ladder_steps"
    __table_args__ = (
        UniqueConstraint("ladder_id", "position", name="uq_ladder_steps_position"),
        CheckConstraint("deadline_days IS NULL OR deadline_days > 0", name="deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ladder_id: Mapped[int] = mapped_column(ForeignKey("ladders.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    offset_days: Mapped[int]
    offset_base: Mapped[OffsetBase] = mapped_column(
        str_enum(OffsetBase, "offset_base"), default=OffsetBase.DUE_DATE
    )
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"))
    tone: Mapped[Tone] = mapped_column(str_enum(Tone, "tone"), default=Tone.COURTEOUS)
    template: Mapped[str] = mapped_column(String(80), default="")
    min_amount_cents: Mapped[int] = mapped_column(Cents, default=0)
    needs_review: Mapped[bool] = mapped_column(default=False)
    deadline_days: Mapped[int | None] = mapped_column()  # payment deadline a mise en demeure gives

    ladder: Mapped[Ladder] = relationship(back_populates="steps")

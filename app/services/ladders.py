"""Editing the reminder ladders (scénarios de relance): list, check, save, delete, assign to segments."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.domain.kinds import Channel, OffsetBase, Tone
from app.i18n import _
from app.models import Action, Client, Ladder, LadderStep, Segment
from app.services.dto import Problem
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

# The payment deadline a mise en demeure gives: 8 to 15 days is the usual practice, up to 30 is seen
# (reference/legal-fr.md §B.1); shorter is not a "délai raisonnable", longer delays the judicial route.
NOTICE_DEADLINE_MIN, NOTICE_DEADLINE_MAX = 8, 30
MAX_OFFSET_DAYS = 730
MAX_INTERVAL_DAYS = 365


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One step as the editor shows and saves it; ``id`` None for a new step."""

    name: str
    offset_days: int
    channel: Channel
    offset_base: OffsetBase = OffsetBase.DUE_DATE
    tone: Tone = Tone.COURTEOUS
    template: str = ""
    min_amount_cents: int = 0
    needs_review: bool = False
    deadline_days: int | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class LadderSpec:
    """A ladder with its steps in order; ``id`` None for a new ladder (its code is made from its name).

    Attributes:
        used_by: clients and segments assigned to it (read only; a used ladder cannot be deleted).
        has_history: some of its steps were already taken (read only; those steps cannot be removed).
    """

    name: str
    steps: tuple[StepSpec, ...]
    min_interval_days: int = 7
    min_amount_cents: int = 0
    backlog_by_age: bool = True
    is_default: bool = False
    code: str = ""
    id: int | None = None
    used_by: int = 0
    has_history: bool = False


@dataclass(frozen=True, slots=True)
class SegmentLadder:
    code: str
    label: str
    ladder_id: int | None


def list_ladders(ws: Workspace) -> list[LadderSpec]:
    """Every ladder with its steps, the default first, then by name."""
    with ws.dossier.reading() as session:
        used = _usage(session)
        taken = set(session.scalars(select(LadderStep.ladder_id).join(Action, Action.ladder_step_id == LadderStep.id)))
        ladders = session.scalars(select(Ladder).order_by(Ladder.is_default.desc(), Ladder.name)).all()
        return [_spec(ladder, used.get(ladder.id, 0), ladder.id in taken) for ladder in ladders]


def list_segments(ws: Workspace) -> list[SegmentLadder]:
    with ws.dossier.reading() as session:
        return [SegmentLadder(*row) for row in session.execute(
            select(Segment.code, Segment.label, Segment.ladder_id).order_by(Segment.label))]


def _usage(session: Session) -> dict[int, int]:
    counts: dict[int, int] = {}
    for model in (Client, Segment):
        column = model.ladder_id
        rows = session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column))
        for ladder_id, count in rows:
            if ladder_id is not None:
                counts[ladder_id] = counts.get(ladder_id, 0) + count
    return counts


def _spec(ladder: Ladder, used_by: int, has_history: bool) -> LadderSpec:
    steps = tuple(StepSpec(
        id=step.id, name=step.name, offset_days=step.offset_days, offset_base=OffsetBase(step.offset_base),
        channel=Channel(step.channel), tone=Tone(step.tone), template=step.template,
        min_amount_cents=step.min_amount_cents, needs_review=step.needs_review, deadline_days=step.deadline_days,
    ) for step in ladder.steps)
    return LadderSpec(
        id=ladder.id, code=ladder.code, name=ladder.name, steps=steps, min_interval_days=ladder.min_interval_days,
        min_amount_cents=ladder.min_amount_cents, backlog_by_age=ladder.backlog_by_age,
        is_default=ladder.is_default, used_by=used_by, has_history=has_history)


def check_ladder(spec: LadderSpec, others: Sequence[LadderSpec] = ()) -> list[Problem]:
    """What stops ``spec`` from being saved, each message naming the step it concerns; ``others`` are the
    dossier's other ladders (for unique names)."""
    problems: list[Problem] = []
    name = spec.name.strip()
    if not name:
        problems.append(Problem("name", _("Give the ladder a name.")))
    elif any(other.name.strip().casefold() == name.casefold() for other in others if other.id != spec.id):
        problems.append(Problem("name", _("Another ladder is already called “{name}”.").format(name=name)))
    if not 0 <= spec.min_interval_days <= MAX_INTERVAL_DAYS:
        problems.append(Problem("min_interval_days", _("The minimum interval is between 0 and {max} days.").format(
            max=MAX_INTERVAL_DAYS)))
    if spec.min_amount_cents < 0:
        problems.append(Problem("min_amount_cents", _("The minimum amount cannot be negative.")))
    if not spec.steps:
        problems.append(Problem("steps", _("A ladder needs at least one step.")))
    problems.extend(_step_problems(spec.steps))
    return problems


def _step_problems(steps: Sequence[StepSpec]) -> list[Problem]:
    problems: list[Problem] = []
    last_due_offset: int | None = None
    for position, step in enumerate(steps, start=1):
        def problem(message: str, position: int = position, step: StepSpec = step) -> Problem:
            label = _("Step {position}").format(position=position)
            if step.name.strip():
                label += f" ({step.name.strip()})"
            return Problem(f"steps.{position}", _("{step}: {problem}").format(step=label, problem=message))
        problems.extend(problem(message) for message in _one_step_problems(step, position))
        if step.offset_base == OffsetBase.DUE_DATE:
            if last_due_offset is not None and step.offset_days <= last_due_offset:
                problems.append(problem(_(
                    "its offset ({offset} days from the due date) must come after the previous step's "
                    "({previous} days).").format(offset=step.offset_days, previous=last_due_offset)))
            last_due_offset = step.offset_days
    return problems


def _one_step_problems(step: StepSpec, position: int) -> list[str]:
    messages = []
    if not step.name.strip():
        messages.append(_("give it a name."))
    if abs(step.offset_days) > MAX_OFFSET_DAYS:
        messages.append(_("the offset is limited to {max} days.").format(max=MAX_OFFSET_DAYS))
    if step.offset_base == OffsetBase.PREVIOUS_STEP:
        if position == 1:
            messages.append(_("the first step counts from the due date, there is no previous step."))
        elif step.offset_days <= 0:
            messages.append(_("a step counted from the previous one comes at least 1 day after it."))
    if step.min_amount_cents < 0:
        messages.append(_("the minimum amount cannot be negative."))
    if step.channel == Channel.REGISTERED_LETTER:
        if step.deadline_days is None or not NOTICE_DEADLINE_MIN <= step.deadline_days <= NOTICE_DEADLINE_MAX:
            messages.append(_("a mise en demeure gives the debtor {low} to {high} days to pay (8 to 15 is usual)."
                              ).format(low=NOTICE_DEADLINE_MIN, high=NOTICE_DEADLINE_MAX))
    elif step.deadline_days is not None:
        messages.append(_("only a mise en demeure (registered letter) gives a payment deadline."))
    return messages


def save_ladder(ws: Workspace, spec: LadderSpec) -> int:
    """Create or update a ladder and its steps in one transaction; returns its id.

    Steps keep their id (the history refers to them); a step already taken cannot be removed. Making a ladder
    the default takes the flag from the previous one; the default cannot be unset, only moved."""
    spec = replace(spec, name=spec.name.strip(), steps=tuple(replace(s, name=s.name.strip()) for s in spec.steps))
    with ws.dossier.transaction() as session:
        others = [_spec(ladder, 0, False) for ladder in session.scalars(select(Ladder))]
        problems = check_ladder(spec, others)
        ladder = _ladder_to_save(session, spec, others, problems)
        if problems:
            raise ValidationFailed(problems)
        ladder.name, ladder.min_interval_days = spec.name, spec.min_interval_days
        ladder.min_amount_cents, ladder.backlog_by_age = spec.min_amount_cents, spec.backlog_by_age
        if spec.is_default and not ladder.is_default:
            session.execute(update(Ladder).values(is_default=False))
        ladder.is_default = spec.is_default
        session.flush()
        _save_steps(session, ladder, spec.steps)
        return ladder.id


def _ladder_to_save(session: Session, spec: LadderSpec, others: list[LadderSpec], problems: list[Problem]) -> Ladder:
    if spec.id is None:
        ladder = Ladder(code=_unique_code(spec.name, {other.code for other in others}), name=spec.name)
        session.add(ladder)
        if not spec.is_default and not any(other.is_default for other in others):
            problems.append(Problem("is_default", _("The dossier needs a default ladder: make this one the default.")))
        return ladder
    found = session.get(Ladder, spec.id)
    if found is None:
        raise ValidationFailed([Problem("", _("This ladder no longer exists."))])
    if found.is_default and not spec.is_default:
        problems.append(Problem("is_default", _(
            "This is the dossier's default ladder: make another ladder the default instead.")))
    return found


def _save_steps(session: Session, ladder: Ladder, steps: Sequence[StepSpec]) -> None:
    current = {step.id: step for step in ladder.steps}
    kept = {step.id for step in steps if step.id is not None}
    removed = [step for step_id, step in current.items() if step_id not in kept]
    taken = set(session.scalars(select(Action.ladder_step_id).where(
        Action.ladder_step_id.in_([step.id for step in removed])))) if removed else set()
    if taken:
        names = ", ".join(step.name for step in removed if step.id in taken)
        raise ValidationFailed([Problem("steps", _(
            "Steps already taken for some clients cannot be removed (the history refers to them): {names}."
        ).format(names=names))])
    for step in removed:
        ladder.steps.remove(step)
    for step in ladder.steps:  # out of the way, so that reordering never collides on (ladder, position)
        step.position = -step.position - 1000
    session.flush()
    for position, spec in enumerate(steps, start=1):
        row = current.get(spec.id) if spec.id is not None else None
        if row is None:
            row = LadderStep(ladder_id=ladder.id)
            ladder.steps.append(row)
        row.position, row.name = position, spec.name
        row.offset_days, row.offset_base = spec.offset_days, spec.offset_base
        row.channel, row.tone, row.template = spec.channel, spec.tone, spec.template.strip()
        row.min_amount_cents, row.needs_review, row.deadline_days = (
            spec.min_amount_cents, spec.needs_review, spec.deadline_days)
    session.flush()


def _unique_code(name: str, taken: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:32] or "ladder"
    code, suffix = base, 2
    while code in taken:
        code, suffix = f"{base}_{suffix}", suffix + 1
    return code


def delete_ladder(ws: Workspace, ladder_id: int) -> None:
    """Delete a ladder no client, segment nor history entry uses, and that is not the default."""
    with ws.dossier.transaction() as session:
        ladder = session.get(Ladder, ladder_id)
        if ladder is None:
            raise ValidationFailed([Problem("", _("This ladder no longer exists."))])
        reason = _why_in_use(session, ladder)
        if reason:
            raise ValidationFailed([Problem("", reason)])
        session.delete(ladder)


def _why_in_use(session: Session, ladder: Ladder) -> str:
    if ladder.is_default:
        return _("“{name}” is the dossier's default ladder: make another one the default first.").format(
            name=ladder.name)
    used = _usage(session).get(ladder.id, 0)
    if used:
        return _("“{name}” is assigned to {count} clients or segments: assign them another ladder first.").format(
            name=ladder.name, count=used)
    taken = session.scalar(select(func.count(Action.id)).join(LadderStep, Action.ladder_step_id == LadderStep.id)
                           .where(LadderStep.ladder_id == ladder.id))
    if taken:
        return _("“{name}” was already used for reminders; the history refers to it.").format(name=ladder.name)
    return ""


def assign_segments(ws: Workspace, assignments: Mapping[str, int | None]) -> None:
    """Give segments (by code) their ladder (None: the dossier default), in one transaction."""
    with ws.dossier.transaction() as session:
        known = set(session.scalars(select(Ladder.id)))
        for code, ladder_id in assignments.items():
            segment = session.get(Segment, code)
            if segment is None or (ladder_id is not None and ladder_id not in known):
                raise ValidationFailed([Problem("", _("Unknown segment or ladder: {code}.").format(code=code))])
            segment.ladder_id = ladder_id

"""The dossier's list of dispute reasons: default codes shown translated, reasons the user added shown as typed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.domain.kinds import DisputeReason
from app.i18n import N_, _, ngettext
from app.models import Dispute
from app.services.dto import Problem
from app.services.settings import DISPUTE_REASONS, read_setting, write_setting
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

MAX_REASON_LENGTH = 80  # disputes.reason is String(80)

DEFAULT_LABELS: dict[str, str] = {
    DisputeReason.PRICE: N_("Price"),
    DisputeReason.QUANTITY: N_("Quantity"),
    DisputeReason.QUALITY: N_("Quality"),
    DisputeReason.NOT_RECEIVED: N_("Not received"),
    DisputeReason.ALREADY_PAID: N_("Already paid"),
    DisputeReason.OTHER: N_("Other"),
}


@dataclass(frozen=True, slots=True)
class ReasonEdit:
    """One line of the edited list: ``was`` the stored value it came from (None for a new line), ``text`` the
    value to store (a default code kept as is, or the text the user typed)."""

    was: str | None
    text: str


def reason_label(value: str) -> str:
    """What the user reads for a stored reason: a default code translated, anything else as typed."""
    return _(DEFAULT_LABELS[value]) if value in DEFAULT_LABELS else value


def _read(session: Session) -> list[str]:
    stored = read_setting(session, DISPUTE_REASONS)
    return [str(value) for value in stored] if isinstance(stored, list) else list(DISPUTE_REASONS.default)


def dispute_reasons(ws: Workspace) -> tuple[str, ...]:
    """The reasons offered for a dispute, in the user's order."""
    with ws.dossier.reading() as session:
        return tuple(_read(session))


def check_reasons(edits: Iterable[ReasonEdit]) -> list[Problem]:
    """Empty, too long or duplicate reasons (compared as the user reads them, ignoring case and spaces)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for edit in edits:
        text = edit.text.strip()
        if not text:
            problems.append(Problem("text", _("A reason cannot be empty.")))
            continue
        if len(text) > MAX_REASON_LENGTH:
            problems.append(Problem("text", _("A reason is at most {count} characters.").format(
                count=MAX_REASON_LENGTH)))
        key = " ".join(reason_label(text).casefold().split())
        if key in seen:
            problems.append(Problem("text", _("“{reason}” is already in the list.").format(
                reason=reason_label(text))))
        seen.add(key)
    return problems


def _usage(session: Session, values: Iterable[str]) -> dict[str, int]:
    wanted = list(values)
    if not wanted:
        return {}
    rows = session.execute(select(Dispute.reason, func.count(Dispute.id)).where(Dispute.reason.in_(wanted))
                           .group_by(Dispute.reason))
    return {reason: int(count) for reason, count in rows}


def save_dispute_reasons(ws: Workspace, edits: tuple[ReasonEdit, ...]) -> tuple[str, ...]:
    """Store the edited list in one transaction: lines renamed carry their disputes along (they stay readable
    under the new name); a reason still used by a dispute cannot be removed."""
    problems = check_reasons(edits)
    if not edits:
        problems.append(Problem("", _("Keep at least one reason.")))
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        current = _read(session)
        kept = {edit.was for edit in edits if edit.was is not None}
        removed = [value for value in current if value not in kept]
        used = _usage(session, removed)
        if used:
            raise ValidationFailed([Problem("", ngettext(
                "“{reason}” is still the reason of {count} dispute; change its reason first.",
                "“{reason}” is still the reason of {count} disputes; change their reason first.", count).format(
                reason=reason_label(value), count=count)) for value, count in used.items()])
        for edit in edits:
            text = edit.text.strip()
            if edit.was is not None and edit.was != text:
                session.execute(update(Dispute).where(Dispute.reason == edit.was).values(reason=text))
        values = [edit.text.strip() for edit in edits]
        write_setting(session, DISPUTE_REASONS, values)
        return tuple(values)


def _unchanged(current: tuple[str, ...]) -> list[ReasonEdit]:
    return [ReasonEdit(value, value) for value in current]


def add_dispute_reason(ws: Workspace, text: str) -> tuple[str, ...]:
    """Add a reason at the end of the list."""
    return save_dispute_reasons(ws, (*_unchanged(dispute_reasons(ws)), ReasonEdit(None, text)))


def rename_dispute_reason(ws: Workspace, old: str, new: str) -> tuple[str, ...]:
    """Rename a reason; the disputes that had it now read the new name."""
    current = dispute_reasons(ws)
    if old not in current:
        raise ValidationFailed([Problem("", _("“{reason}” is not in the list.").format(reason=reason_label(old)))])
    return save_dispute_reasons(ws, tuple(ReasonEdit(v, new if v == old else v) for v in current))


def remove_dispute_reason(ws: Workspace, value: str) -> tuple[str, ...]:
    """Remove a reason no dispute uses."""
    return save_dispute_reasons(ws, tuple(e for e in _unchanged(dispute_reasons(ws)) if e.was != value))


@dataclass(frozen=True, slots=True)
class ReasonList:
    """The list as its editor needs it: the reasons in order, and how many disputes use each stored reason."""

    reasons: tuple[str, ...]
    used: dict[str, int]


def reason_list(ws: Workspace) -> ReasonList:
    with ws.dossier.reading() as session:
        rows = session.execute(select(Dispute.reason, func.count(Dispute.id)).group_by(Dispute.reason))
        return ReasonList(tuple(_read(session)), {reason: int(count) for reason, count in rows})

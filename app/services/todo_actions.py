"""Acting on a suggestion (execute, postpone, skip, log a call, record an LRAR's delivery): one transaction each."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, CallOutcome, Channel, SuggestionKind
from app.domain.ladder_engine_facts import KIND_OF_CHANNEL
from app.i18n import _
from app.models import (
    Action,
    Client,
    Dispute,
    Invoice,
    Promise,
    action_invoices,
    dispute_invoices,
    promise_invoices,
)
from app.services.dto import Problem
from app.services.history import record_action
from app.services.queries import disputed_invoice_ids, open_invoices
from app.services.todo_dto import BatchResult, Suggestion
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

# (done, total) after each suggestion of a batch; returning False stops the batch there.
Progress = Callable[[int, int], bool | None]
_ROUTE_KINDS = {SuggestionKind.INJUNCTION: ActionKind.COURT, SuggestionKind.SMALL_CLAIM: ActionKind.COURT,
                SuggestionKind.AGENCY: ActionKind.AGENCY}
CHECK_BANK_DAYS = 3  # "already paid": look at the bank again after this many days


def _fail(message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(field, message)])


def check_day(ws: Workspace, on: date, field: str = "on") -> None:
    if on > ws.clock():
        raise _fail(_("{date} is in the future: record what was done, once it is done.").format(
            date=on.strftime("%d/%m/%Y")), field)


def _summary(label: str, suggestion: Suggestion) -> str:
    numbers = ", ".join(inv.number for inv in suggestion.invoices)
    return f"{label} : {numbers}" if numbers else label


def _record(session: Session, suggestion: Suggestion, kind: ActionKind, on: date, *, label: str,
            channel: Channel | None = None, step_id: int | None = None, details: dict[str, Any] | None = None,
            document: int | None = None) -> int:
    action_id = record_action(session, client_id=suggestion.client_id, kind=kind, occurred_on=on,
                              summary=_summary(label, suggestion), channel=channel, details=details,
                              invoice_ids=[inv.invoice_id for inv in suggestion.invoices], document_id=document)
    if step_id is not None:
        action = session.get(Action, action_id)
        assert action is not None
        action.ladder_step_id = step_id
    return action_id


def check_current(session: Session, suggestion: Suggestion, on: date) -> None:
    """Refuse a suggestion the dossier has overtaken: invoices paid or disputed since, the client no longer to be
    reminded, the step, call-back or court step already recorded."""
    client = session.get(Client, suggestion.client_id)
    if client is None:
        raise _fail(_("Client #{id} does not exist.").format(id=suggestion.client_id))
    if client.do_not_remind:
        raise _fail(_("{client} is now marked “do not remind”.").format(client=client.name))
    ids = [inv.invoice_id for inv in suggestion.invoices]
    still_open = {row.id for row in session.execute(open_invoices(on, Invoice.id.in_(ids)))}
    disputed = disputed_invoice_ids(session, on)
    problems = []
    for inv in suggestion.invoices:
        if inv.invoice_id not in still_open:
            problems.append(Problem("", _("Invoice {number} has been paid since this list was made: refresh the "
                                          "list.").format(number=inv.number)))
        elif inv.invoice_id in disputed and suggestion.kind is not SuggestionKind.FOLLOW_UP:
            problems.append(Problem("", _("Invoice {number} is disputed since this list was made: refresh the "
                                          "list.").format(number=inv.number)))
    if problems:
        raise ValidationFailed(problems)
    _check_not_done(session, suggestion)


def _check_not_done(session: Session, suggestion: Suggestion) -> None:
    ids = [inv.invoice_id for inv in suggestion.invoices]
    if suggestion.kind is SuggestionKind.STEP and suggestion.step_id is not None:
        done = session.execute(
            select(action_invoices.c.invoice_id, Action.occurred_on)
            .join(Action, Action.id == action_invoices.c.action_id)
            .where(Action.ladder_step_id == suggestion.step_id, action_invoices.c.invoice_id.in_(ids),
                   Action.kind != ActionKind.POSTPONED)).all()
        if done and {row.invoice_id for row in done} >= set(ids):
            raise _fail(_("Step “{step}” was already recorded on {date}.").format(
                step=suggestion.step_name, date=max(row.occurred_on for row in done).strftime("%d/%m/%Y")))
    related = suggestion.related_action_id
    if related is None:
        return
    for kind, details_text in session.execute(select(Action.kind, Action.details).where(
            Action.client_id == suggestion.client_id, Action.id > related)):
        details = json.loads(details_text or "{}")
        if suggestion.kind is SuggestionKind.FOLLOW_UP and details.get("follow_up_id") == related:
            raise _fail(_("This call back was already recorded."))
        if suggestion.kind in _ROUTE_KINDS and (kind in (ActionKind.COURT, ActionKind.AGENCY) or (
                kind is ActionKind.SKIPPED and details.get("notice_action_id") == related)):
            raise _fail(_("A court step or a hand-over already followed this formal notice."))


def execute_suggestion(ws: Workspace, suggestion: Suggestion, on: date, *, details: dict[str, Any] | None = None,
                       document: int | None = None) -> int:
    """Record the suggested step as done on ``on`` (reminder, letter, call, mise en demeure, judicial step);
    returns the action id. ``document`` is a stored document id (the letter produced)."""
    check_day(ws, on)
    extra = dict(details or {})
    if suggestion.kind is SuggestionKind.DELIVERY:
        return record_delivery(ws, _related(suggestion), _opt_day(extra.get("presented_on")),
                               _opt_day(extra.get("received_on")))
    with ws.dossier.transaction() as session:
        return execute_in(session, suggestion, on, details=extra, document=document)


def execute_in(session: Session, suggestion: Suggestion, on: date, *, details: dict[str, Any] | None = None,
               document: int | None = None) -> int:
    """Record a step inside the caller's transaction (so a letter stored with it commits or rolls back with
    it); the day must already be checked against the clock. Delivery dates go through ``record_delivery``."""
    check_current(session, suggestion, on)
    return _execute(session, suggestion, on, dict(details or {}), document)


def _execute(session: Session, suggestion: Suggestion, on: date, extra: dict[str, Any], document: int | None) -> int:
    if suggestion.kind is SuggestionKind.FOLLOW_UP:
        extra["follow_up_id"] = _related(suggestion)
        return _record(session, suggestion, ActionKind.CALL, on, label=_("Call back"), channel=Channel.PHONE,
                       details=extra, document=document)
    if suggestion.kind in _ROUTE_KINDS:
        extra.update(route=suggestion.kind.value, claimed_cents=suggestion.claimed_cents)
        if suggestion.related_action_id is not None:
            extra["notice_action_id"] = suggestion.related_action_id
        return _record(session, suggestion, _ROUTE_KINDS[suggestion.kind], on, label=suggestion.step_name,
                       channel=Channel.JUDICIAL, details=extra, document=document)
    if suggestion.channel is Channel.REGISTERED_LETTER and suggestion.deadline_days:
        extra.setdefault("deadline_days", suggestion.deadline_days)
    return _record(session, suggestion, KIND_OF_CHANNEL[suggestion.channel], on, label=suggestion.step_name,
                   channel=suggestion.channel, step_id=suggestion.step_id, details=extra, document=document)


def _related(suggestion: Suggestion) -> int:
    if suggestion.related_action_id is None:
        raise _fail(_("This suggestion is not about an earlier action."))
    return suggestion.related_action_id


def _opt_day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _task_details(suggestion: Suggestion, reason: str) -> dict[str, Any]:
    """What ties a postponement or a skip to the suggestion it answers (see app.domain.ladder_engine)."""
    details: dict[str, Any] = {"key": suggestion.key, "reason": reason}
    if suggestion.kind is SuggestionKind.FOLLOW_UP:
        details["follow_up_id"] = suggestion.related_action_id
    elif suggestion.kind is not SuggestionKind.STEP and suggestion.related_action_id is not None:
        details["notice_action_id"] = suggestion.related_action_id
    return details


def postpone(ws: Workspace, suggestion: Suggestion, on: date, until: date, reason: str = "") -> int:
    """Nothing is suggested for the client before ``until``."""
    check_day(ws, on)
    if until <= on:
        raise _fail(_("Postpone to a date after {date}.").format(date=on.strftime("%d/%m/%Y")), "until")
    with ws.dossier.transaction() as session:
        details = _task_details(suggestion, reason.strip())
        details.pop("follow_up_id", None)  # a postponed call back is still to be made, later
        details["until"] = until.isoformat()
        return _record(session, suggestion, ActionKind.POSTPONED, on, details=details,
                       label=_("Postponed until {date}").format(date=until.strftime("%d/%m/%Y")))


def skip(ws: Workspace, suggestion: Suggestion, on: date, reason: str) -> int:
    """The step counts as done for the covered invoices without being taken; the next step follows."""
    check_day(ws, on)
    if not reason.strip():
        raise _fail(_("Say why this step is skipped."), "reason")
    with ws.dossier.transaction() as session:
        step_id = suggestion.step_id if suggestion.kind is SuggestionKind.STEP else None
        return _record(session, suggestion, ActionKind.SKIPPED, on, step_id=step_id,
                       details=_task_details(suggestion, reason.strip()),
                       label=_("Skipped: {step}").format(step=suggestion.step_name))


def _call_problems(on: date, outcome: CallOutcome, promise_on: date | None, promise_cents: int | None,
                   follow_up_on: date | None) -> list[Problem]:
    problems = []
    if outcome is CallOutcome.PROMISE:
        if promise_on is None or promise_on < on:
            problems.append(Problem("promise_on", _("Give the promised date (on or after the call).")))
        if promise_cents is not None and promise_cents <= 0:
            problems.append(Problem("promise_cents", _("The promised amount must be greater than zero.")))
    if outcome is CallOutcome.CALL_BACK and follow_up_on is None:
        problems.append(Problem("follow_up_on", _("Give the date to call back.")))
    if follow_up_on is not None and follow_up_on < on:
        problems.append(Problem("follow_up_on", _("The call back date cannot be before the call.")))
    return problems


def record_call(ws: Workspace, suggestion: Suggestion, on: date, outcome: CallOutcome, *, notes: str = "",
                promise_on: date | None = None, promise_cents: int | None = None,
                dispute_reason: str | None = None, follow_up_on: date | None = None) -> int:
    """Log a call made for a suggestion with its outcome; a promise, a dispute or a follow-up task is created
    in the same transaction. Returns the call's action id."""
    check_day(ws, on)
    problems = _call_problems(on, outcome, promise_on, promise_cents, follow_up_on)
    if problems:
        raise ValidationFailed(problems)
    if outcome is CallOutcome.ALREADY_PAID and follow_up_on is None:
        follow_up_on = on + timedelta(days=CHECK_BANK_DAYS)
    with ws.dossier.transaction() as session:
        check_current(session, suggestion, on)
        details: dict[str, Any] = {"outcome": outcome.value}
        if notes.strip():
            details["notes"] = notes.strip()
        if suggestion.kind is SuggestionKind.FOLLOW_UP:
            details["follow_up_id"] = _related(suggestion)
        step_id = suggestion.step_id if suggestion.kind is SuggestionKind.STEP else None
        label = suggestion.step_name if step_id is not None else _("Call")
        call_id = _record(session, suggestion, ActionKind.CALL, on, label=label, channel=Channel.PHONE,
                          step_id=step_id, details=details)
        if outcome is CallOutcome.PROMISE:
            assert promise_on is not None
            _promise(session, suggestion, on, promise_on, promise_cents or suggestion.claimed_cents, notes)
        elif outcome is CallOutcome.DISPUTE:
            _dispute(session, suggestion, on, dispute_reason or "other", notes)
        if follow_up_on is not None:
            note = notes.strip() or _("Client says it has already paid: check the bank.") \
                if outcome is CallOutcome.ALREADY_PAID else notes.strip()
            _record(session, suggestion, ActionKind.FOLLOW_UP, on, channel=Channel.PHONE,
                    label=_("Call back on {date}").format(date=follow_up_on.strftime("%d/%m/%Y")),
                    details={"on": follow_up_on.isoformat(), "note": note, "call_action_id": call_id})
        return call_id


def _link(session: Session, table: Any, owner: str, owner_id: int, suggestion: Suggestion) -> tuple[int, ...]:
    ids = tuple(sorted({inv.invoice_id for inv in suggestion.invoices}))
    session.execute(insert(table), [{f"{owner}_id": owner_id, "invoice_id": invoice_id} for invoice_id in ids])
    return ids


def _promise(session: Session, suggestion: Suggestion, on: date, promised_on: date, cents: int, notes: str) -> None:
    """As app.services.cases.record_promise, inside the call's transaction."""
    if cents <= 0:
        raise _fail(_("The promised amount must be greater than zero."), "promise_cents")
    promise = Promise(client_id=suggestion.client_id, made_on=on, promised_on=promised_on, amount_cents=cents,
                      notes=notes)
    session.add(promise)
    session.flush()
    ids = _link(session, promise_invoices, "promise", promise.id, suggestion)
    record_action(session, client_id=suggestion.client_id, kind=ActionKind.PROMISE, occurred_on=on, summary=notes,
                  invoice_ids=ids, details={"promised_on": promised_on.isoformat(), "amount_cents": cents})


def _dispute(session: Session, suggestion: Suggestion, on: date, reason: str, notes: str) -> None:
    """As app.services.cases.open_dispute, inside the call's transaction."""
    dispute = Dispute(client_id=suggestion.client_id, opened_on=on, reason=reason[:80], notes=notes)
    session.add(dispute)
    session.flush()
    ids = _link(session, dispute_invoices, "dispute", dispute.id, suggestion)
    record_action(session, client_id=suggestion.client_id, kind=ActionKind.DISPUTE_OPENED, occurred_on=on,
                  summary=notes or reason, invoice_ids=ids, details={"reason": reason})


def record_delivery(ws: Workspace, notice_action_id: int, presented_on: date | None,
                    received_on: date | None) -> int:
    """The presentation and/or receipt dates of a registered letter (mise en demeure)."""
    with ws.dossier.transaction() as session:
        notice = session.get(Action, notice_action_id)
        if notice is None or notice.kind is not ActionKind.FORMAL_NOTICE:
            raise _fail(_("Action #{id} is not a formal notice.").format(id=notice_action_id))
        problems = _delivery_problems(ws, notice.occurred_on, presented_on, received_on)
        if problems:
            raise ValidationFailed(problems)
        ids = session.scalars(select(action_invoices.c.invoice_id).where(
            action_invoices.c.action_id == notice_action_id)).all()
        day = received_on or presented_on
        assert day is not None
        label = _("Formal notice received on {date}") if received_on else _("Formal notice presented on {date}")
        return record_action(
            session, client_id=notice.client_id, kind=ActionKind.DELIVERY, occurred_on=day, invoice_ids=ids,
            channel=Channel.REGISTERED_LETTER, summary=label.format(date=day.strftime("%d/%m/%Y")),
            details={"notice_action_id": notice_action_id,
                     "presented_on": presented_on.isoformat() if presented_on else None,
                     "received_on": received_on.isoformat() if received_on else None})


def _delivery_problems(ws: Workspace, sent_on: date, presented_on: date | None,
                       received_on: date | None) -> list[Problem]:
    sent = sent_on.strftime("%d/%m/%Y")
    problems = []
    if presented_on is None and received_on is None:
        problems.append(Problem("received_on", _("Give the presentation date, the receipt date or both.")))
    for field, day in (("presented_on", presented_on), ("received_on", received_on)):
        if day is not None and day < sent_on:
            problems.append(Problem(field, _("The letter was sent on {date}: it cannot arrive before.").format(
                date=sent)))
        elif day is not None and day > ws.clock():
            problems.append(Problem(field, _("{date} is in the future.").format(date=day.strftime("%d/%m/%Y"))))
    if presented_on and received_on and received_on < presented_on:
        problems.append(Problem("received_on", _("The letter cannot be received before it was presented.")))
    return problems


def execute_batch(ws: Workspace, suggestions: Sequence[Suggestion], on: date,
                  progress: Progress | None = None) -> BatchResult:
    """Execute several suggestions, each in its own transaction; a stale one is refused, the others done."""
    done: list[int] = []
    refused: list[tuple[str, str]] = []
    for index, suggestion in enumerate(suggestions, start=1):
        try:
            done.append(execute_suggestion(ws, suggestion, on))
        except ValidationFailed as error:
            refused.append((suggestion.key, str(error)))
        if progress is not None and progress(index, len(suggestions)) is False and index < len(suggestions):
            return BatchResult(tuple(done), tuple(refused), cancelled=True)
    return BatchResult(tuple(done), tuple(refused))

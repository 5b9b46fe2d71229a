"""Editing a dispute, promise or plan: the case row changes and a new history entry says what, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, InvoiceKind
from app.formatting import format_cents, format_date
from app.i18n import _
from app.models import (
    Action,
    Dispute,
    Instalment,
    Invoice,
    PaymentPlan,
    Promise,
    StoredDocument,
    dispute_invoices,
    plan_invoices,
    promise_invoices,
)
from app.services.case_links import DISPUTE, PLAN, PROMISE, CaseRef, origin_action
from app.services.cases import (
    InstalmentInput,
    attach_signed_plan,
    check_instalments,
    check_reason,
    client_of_invoices,
    link_invoices,
)
from app.services.dispute_reasons import reason_label
from app.services.dto import Problem
from app.services.entries import OpenItemChoice, check_document
from app.services.history import record_action
from app.services.queries import open_invoices
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class DisputeDetail:
    """A dispute as its edit form needs it; ``choices`` are the client's open invoices and those it covers."""

    id: int
    client_id: int
    opened_on: date
    reason: str
    notes: str
    resolved_on: date | None
    invoice_ids: tuple[int, ...]
    choices: tuple[OpenItemChoice, ...]


@dataclass(frozen=True, slots=True)
class PromiseDetail:
    id: int
    client_id: int
    made_on: date
    promised_on: date
    amount_cents: int
    recorded_by: str
    notes: str
    invoice_ids: tuple[int, ...]
    choices: tuple[OpenItemChoice, ...]


@dataclass(frozen=True, slots=True)
class PlanDetail:
    """A plan as its edit form needs it; ``signed_filename`` is its signed copy's name, "" when none."""

    id: int
    client_id: int
    agreed_on: date
    instalments: tuple[InstalmentInput, ...]
    notes: str
    cancelled_on: date | None
    signed_filename: str
    invoice_ids: tuple[int, ...]
    choices: tuple[OpenItemChoice, ...]


@dataclass(frozen=True, slots=True)
class PlanEdit:
    """What the plan form saves: ``cancel_on`` cancels the plan on that date; ``signed`` (filename, content)
    attaches its signed copy."""

    instalments: tuple[InstalmentInput, ...]
    notes: str
    cancel_on: date | None = None
    signed: tuple[str, bytes] | None = None


_TABLES = {DISPUTE: (dispute_invoices, "dispute"), PROMISE: (promise_invoices, "promise"),
           PLAN: (plan_invoices, "plan")}


def _invoice_ids(session: Session, kind: str, case_id: int) -> tuple[int, ...]:
    table, owner = _TABLES[kind]
    return tuple(sorted(session.scalars(select(table.c.invoice_id).where(table.c[f"{owner}_id"] == case_id))))


def _choices(session: Session, client_id: int, linked: tuple[int, ...], as_of: date) -> tuple[OpenItemChoice, ...]:
    """The client's invoices open on ``as_of`` and those the case covers (even if settled since), by due date."""
    items = open_invoices(as_of, Invoice.client_id == client_id).subquery()
    rows = session.execute(
        select(Invoice.id, Invoice.number, Invoice.issue_date, Invoice.due_date, Invoice.amount_incl_cents,
               items.c.open_cents)
        .outerjoin(items, items.c.id == Invoice.id)
        .where(Invoice.client_id == client_id, Invoice.kind == InvoiceKind.INVOICE,
               (items.c.id.is_not(None)) | Invoice.id.in_(linked))
        .order_by(Invoice.due_date, Invoice.id))
    return tuple(OpenItemChoice(row[0], row[1], row[2], row[3], row[4], int(row[5] or 0)) for row in rows)


def _numbers(session: Session, invoice_ids: tuple[int, ...]) -> str:
    return ", ".join(sorted(session.scalars(select(Invoice.number).where(Invoice.id.in_(invoice_ids))))) or "—"


def _missing(what: str) -> ValidationFailed:
    return ValidationFailed([Problem("", what)])


def dispute_detail(ws: Workspace, dispute_id: int, as_of: date) -> DisputeDetail:
    with ws.dossier.reading() as session:
        dispute = session.get(Dispute, dispute_id)
        if dispute is None:
            raise _missing(_("This dispute does not exist."))
        linked = _invoice_ids(session, DISPUTE, dispute_id)
        return DisputeDetail(dispute.id, dispute.client_id, dispute.opened_on, dispute.reason, dispute.notes,
                             dispute.resolved_on, linked, _choices(session, dispute.client_id, linked, as_of))


def promise_detail(ws: Workspace, promise_id: int, as_of: date) -> PromiseDetail:
    with ws.dossier.reading() as session:
        promise = session.get(Promise, promise_id)
        if promise is None:
            raise _missing(_("This promise does not exist."))
        linked = _invoice_ids(session, PROMISE, promise_id)
        return PromiseDetail(promise.id, promise.client_id, promise.made_on, promise.promised_on,
                             promise.amount_cents, promise.recorded_by, promise.notes, linked,
                             _choices(session, promise.client_id, linked, as_of))


def plan_detail(ws: Workspace, plan_id: int, as_of: date) -> PlanDetail:
    with ws.dossier.reading() as session:
        plan = session.get(PaymentPlan, plan_id)
        if plan is None:
            raise _missing(_("This payment plan does not exist."))
        linked = _invoice_ids(session, PLAN, plan_id)
        signed = session.scalar(select(StoredDocument.filename).where(
            StoredDocument.id == plan.signed_document_id)) if plan.signed_document_id else None
        return PlanDetail(plan.id, plan.client_id, plan.agreed_on,
                          tuple(InstalmentInput(i.due_on, i.amount_cents) for i in plan.instalments), plan.notes,
                          plan.cancelled_on, signed or "", linked, _choices(session, plan.client_id, linked, as_of))


def _relink(session: Session, kind: str, case_id: int, client_id: int, old: tuple[int, ...],
            new: tuple[int, ...]) -> bool:
    """Replace the invoices a case covers (of its own client only); True when they changed."""
    wanted = tuple(sorted(set(new)))
    if wanted == old:
        return False
    if client_of_invoices(session, wanted) != client_id:
        raise ValidationFailed([Problem("invoice_ids", _("The invoices must belong to the case's client."))])
    table, owner = _TABLES[kind]
    session.execute(delete(table).where(table.c[f"{owner}_id"] == case_id))
    link_invoices(session, table, owner, case_id, wanted)
    return True


def _record_correction(ws: Workspace, session: Session, client_id: int, ref: CaseRef, title: str,
                       changes: list[str], invoice_ids: tuple[int, ...], origin_kinds: tuple[ActionKind, ...],
                       details: dict[str, object]) -> int:
    """The new history entry saying what changed; it points at the entry that recorded the case."""
    corrected = origin_action(session, client_id, ref, origin_kinds)
    summary = _("{title}: {changes}").format(title=title, changes=" ; ".join(changes))
    action_id = record_action(session, client_id=client_id, kind=ActionKind.CORRECTION, occurred_on=ws.clock(),
                              summary=summary, invoice_ids=invoice_ids,
                              details={f"{ref.kind}_id": ref.id, **details})
    action = session.get(Action, action_id)
    assert action is not None  # just added
    action.corrects_action_id = corrected
    return action_id


def edit_dispute(ws: Workspace, dispute_id: int, reason: str, notes: str, invoice_ids: tuple[int, ...]) -> int | None:
    """Change a dispute's reason, notes and, while it is open, the invoices it covers; returns the id of the
    correction entry, None when nothing changed."""
    reason, notes = str(reason).strip(), notes.strip()
    problems = check_reason(reason)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        dispute = session.get(Dispute, dispute_id)
        if dispute is None:
            raise _missing(_("This dispute does not exist."))
        old_ids = _invoice_ids(session, DISPUTE, dispute_id)
        if dispute.resolved_on is not None and tuple(sorted(set(invoice_ids))) != old_ids:
            raise ValidationFailed([Problem("invoice_ids", _("The invoices of a resolved dispute cannot change."))])
        changes: list[str] = []
        details: dict[str, object] = {}
        if reason != dispute.reason:
            changes.append(_("reason {old} → {new}").format(old=reason_label(dispute.reason),
                                                            new=reason_label(reason)))
            dispute.reason = details["reason"] = reason
        old_numbers = _numbers(session, old_ids)
        if _relink(session, DISPUTE, dispute_id, dispute.client_id, old_ids, invoice_ids):
            changes.append(_("invoices {old} → {new}").format(old=old_numbers, new=_numbers(session, invoice_ids)))
        if notes != dispute.notes:
            changes.append(_("notes changed"))
            dispute.notes = details["notes"] = notes
        if not changes:
            return None
        return _record_correction(ws, session, dispute.client_id, CaseRef(DISPUTE, dispute_id), _("Dispute corrected"),
                                  changes, _invoice_ids(session, DISPUTE, dispute_id),
                                  (ActionKind.DISPUTE_OPENED,), details)


def check_promise(made_on: date, promised_on: date, amount_cents: int) -> list[Problem]:
    problems = []
    if amount_cents <= 0:
        problems.append(Problem("amount_cents", _("The promised amount must be greater than zero.")))
    if promised_on < made_on:
        problems.append(Problem("promised_on", _("The promised date cannot be before the promise.")))
    return problems


def edit_promise(ws: Workspace, promise_id: int, promised_on: date, amount_cents: int, notes: str,
                 invoice_ids: tuple[int, ...]) -> int | None:
    """Change a promise's date, amount, notes and invoices; returns the correction entry's id (None: no change)."""
    notes = notes.strip()
    with ws.dossier.transaction() as session:
        promise = session.get(Promise, promise_id)
        if promise is None:
            raise _missing(_("This promise does not exist."))
        problems = check_promise(promise.made_on, promised_on, amount_cents)
        if problems:
            raise ValidationFailed(problems)
        changes: list[str] = []
        details: dict[str, object] = {}
        if promised_on != promise.promised_on:
            changes.append(_("date {old} → {new}").format(old=format_date(promise.promised_on),
                                                          new=format_date(promised_on)))
            promise.promised_on, details["promised_on"] = promised_on, promised_on.isoformat()
        if amount_cents != promise.amount_cents:
            changes.append(_("amount {old} → {new}").format(old=format_cents(promise.amount_cents),
                                                            new=format_cents(amount_cents)))
            promise.amount_cents = details["amount_cents"] = amount_cents
        old_ids = _invoice_ids(session, PROMISE, promise_id)
        old_numbers = _numbers(session, old_ids)
        if _relink(session, PROMISE, promise_id, promise.client_id, old_ids, invoice_ids):
            changes.append(_("invoices {old} → {new}").format(old=old_numbers, new=_numbers(session, invoice_ids)))
        if notes != promise.notes:
            changes.append(_("notes changed"))
            promise.notes = details["notes"] = notes
        if not changes:
            return None
        return _record_correction(ws, session, promise.client_id, CaseRef(PROMISE, promise_id),
                                  _("Promise corrected"), changes, _invoice_ids(session, PROMISE, promise_id),
                                  (ActionKind.PROMISE,), details)


def _plan_problems(plan: PaymentPlan, edit: PlanEdit) -> list[Problem]:
    problems = check_instalments(list(edit.instalments))
    if edit.cancel_on is not None and edit.cancel_on < plan.agreed_on:
        problems.append(Problem("cancel_on", _("A plan cannot be cancelled before it was agreed.")))
    if edit.signed is not None:
        problems += check_document(*edit.signed)
    return problems


def _instalments_text(instalments: list[InstalmentInput]) -> str:
    return ", ".join(f"{format_date(i.due_on)} {format_cents(i.amount_cents)}" for i in instalments)


def edit_plan(ws: Workspace, plan_id: int, edit: PlanEdit) -> int | None:
    """Change a plan's instalments and notes, cancel it, attach its signed copy: one transaction, one history entry
    per kind of change (correction, cancellation, signed copy). Returns the last entry's id (None: no change)."""
    with ws.dossier.transaction() as session:
        plan = session.get(PaymentPlan, plan_id)
        if plan is None:
            raise _missing(_("This payment plan does not exist."))
        problems = _plan_problems(plan, edit)
        if problems:
            raise ValidationFailed(problems)
        invoice_ids = _invoice_ids(session, PLAN, plan_id)
        old = [InstalmentInput(i.due_on, i.amount_cents) for i in plan.instalments]
        new = sorted(edit.instalments, key=lambda i: i.due_on)
        if plan.cancelled_on is not None and new != old:
            raise ValidationFailed([Problem("instalments", _("The instalments of a cancelled plan cannot change."))])
        changes: list[str] = []
        details: dict[str, object] = {}
        if new != old:
            changes.append(_("instalments {old} → {new}").format(old=_instalments_text(old),
                                                                 new=_instalments_text(new)))
            plan.instalments = [Instalment(due_on=i.due_on, amount_cents=i.amount_cents) for i in new]
            details["total_cents"] = sum(i.amount_cents for i in new)
        if edit.notes.strip() != plan.notes:
            changes.append(_("notes changed"))
            plan.notes = details["notes"] = edit.notes.strip()
        last: int | None = None
        if changes:
            last = _record_correction(ws, session, plan.client_id, CaseRef(PLAN, plan_id),
                                      _("Payment plan corrected"), changes, invoice_ids, (ActionKind.PLAN,), details)
        if edit.cancel_on is not None and plan.cancelled_on is None:
            plan.cancelled_on = edit.cancel_on
            last = record_action(session, client_id=plan.client_id, kind=ActionKind.PLAN, occurred_on=edit.cancel_on,
                                 summary=_("Payment plan cancelled"), invoice_ids=invoice_ids,
                                 details={"plan_id": plan_id, "cancelled_on": edit.cancel_on.isoformat()})
        if edit.signed is not None:
            session.flush()
            last = attach_signed_plan(ws, session, plan, *edit.signed)
        return last

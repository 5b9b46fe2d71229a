"""What the client page shows: ledger columns and colours, the history timeline, the risk explanation."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from app.domain.kinds import InvoiceKind
from app.domain.risk import RiskFactor, RiskGrade
from app.formatting import format_cents, format_count, format_date, format_days, format_percent
from app.i18n import N_, _, ngettext
from app.services import client_page as service
from app.services.case_links import DISPUTE, PLAN, PROMISE, CaseRef
from app.services.client_page import ClientPage, LedgerLine
from app.services.dispute_reasons import reason_label
from app.ui.columns import CENTER, MUTED_COLOUR, OVERDUE_COLOUR, RIGHT, Column
from app.ui.dialogs.cost_dialog import CostDialog
from app.ui.dialogs.dispute_dialog import DisputeDialog, ResolveDisputeDialog
from app.ui.dialogs.form import EntryDialog
from app.ui.dialogs.invoice_dialog import InvoiceDialog
from app.ui.dialogs.payment_dialog import PaymentDialog
from app.ui.dialogs.plan_dialog import PlanDialog
from app.ui.dialogs.promise_dialog import PromiseDialog
from app.ui.dialogs.writeoff_dialog import WriteOffDialog
from app.ui.invoice_status import status_colour, status_label

GRADE_COLOURS = {"A": "#2e7d32", "B": "#689f38", "C": "#f9a825", "D": "#ef6c00", "E": "#c62828"}

_LEDGER_KINDS = {
    service.INVOICE: N_("Invoice"), service.CREDIT_NOTE: N_("Credit note"), service.PAYMENT: N_("Payment"),
    service.WRITE_OFF: N_("Write-off"), service.UNALLOCATED: N_("Unallocated"),
}
FACTOR_LABELS = {
    "average_days_late": N_("Average days late (12 months, weighted by amount)"),
    "share_paid_late": N_("Invoices paid late (12 months)"),
    "overdue_vs_limit": N_("Overdue amount vs credit limit"),
    "open_disputes": N_("Open disputes"),
    "broken_promises": N_("Broken promises (12 months)"),
}
_HISTORY_KINDS = {
    "reminder": N_("Reminder"), "letter": N_("Letter"), "call": N_("Call"), "formal_notice": N_("Formal notice"),
    "promise": N_("Promise to pay"), "dispute_opened": N_("Dispute opened"),
    "dispute_resolved": N_("Dispute resolved"), "plan": N_("Payment plan"), "note": N_("Note"),
    "postponed": N_("Postponed"), "skipped": N_("Skipped"), "write_off": N_("Write-off"), "agency": N_("Agency"),
    "court": N_("Court"), "correction": N_("Correction"), "cost": N_("Recovery cost"),
    "payment": N_("Payment"), "invoice": N_("Invoice"), "credit_note": N_("Credit note"),
}
_CHANNELS = {
    "email": N_("E-mail"), "letter": N_("Letter"), "phone": N_("Phone"),
    "registered_letter": N_("Registered letter"), "judicial": N_("Judicial"),
}
_OUTCOMES = {"kept": N_("kept"), "broken": N_("broken"), "pending": N_("pending")}
_INSTALMENT_STATES = {"paid": N_("paid"), "overdue": N_("overdue"), "upcoming": N_("upcoming"),
                      "cancelled": N_("cancelled")}
_DETAIL_KEYS = {
    "to": N_("To"), "outcome": N_("Outcome"), "reason": N_("Reason"), "deadline_days": N_("Deadline (days)"),
    "lrar_number": N_("LRAR no."), "promised_on": N_("Promised for"), "amount_cents": N_("Amount"),
    "allocated_cents": N_("Allocated"), "method": N_("Method"), "notes": N_("Notes"), "total_cents": N_("Total"),
    "cancelled_on": N_("Cancelled on"), "instalments": N_("Instalments"), "filename": N_("File"),
}
_METHODS = {"transfer": N_("bank transfer"), "cheque": N_("cheque"), "card": N_("card"),
            "direct_debit": N_("direct debit"), "lcr": N_("LCR"), "cash": N_("cash")}
_REASONS = {"price": N_("price"), "quantity": N_("quantity"), "quality": N_("quality"),
            "not_received": N_("not received"), "already_paid": N_("already paid"), "other": N_("other")}
_DISPUTE_OUTCOMES = {"credit_note": N_("credit note"), "paid": N_("paid"), "rejected": N_("rejected")}
_COSTS = {"postage": N_("postage"), "registered_letter": N_("registered letter"), "bailiff": N_("bailiff"),
          "agency_fee": N_("agency fee"), "time": N_("time spent"), "other": N_("other")}


def detail_text(key: str, value: str) -> str:
    """One JSON detail of an action as the user reads it: a known key translated, cents and dates formatted."""
    if not key:
        return value
    if key.endswith("_cents") and value.lstrip("-").isdigit():
        value = format_cents(int(value))
    elif key in ("promised_on", "cancelled_on"):
        with contextlib.suppress(ValueError):
            value = format_date(date.fromisoformat(value))
    elif key == "reason" and value in _REASONS:
        value = _(_REASONS[value])
    elif key == "outcome" and value in _DISPUTE_OUTCOMES:
        value = _(_DISPUTE_OUTCOMES[value])
    elif key == "method" and value in _METHODS:
        value = _(_METHODS[value])
    label = _(_DETAIL_KEYS[key]) if key in _DETAIL_KEYS else key
    return f"{label} : {value}"


def _amount_colour(line: LedgerLine) -> QColor | None:
    if line.kind == service.UNALLOCATED:
        return MUTED_COLOUR
    return None


def _status_text(line: LedgerLine) -> str:
    return status_label(line.status) if line.status is not None else ""


def _status_colour(line: LedgerLine) -> QColor | None:
    return status_colour(line.status) if line.status is not None else None


def _days_colour(line: LedgerLine) -> QColor | None:
    return OVERDUE_COLOUR if line.days_late else None


LEDGER_COLUMNS: tuple[Column[LedgerLine], ...] = (
    Column("date", N_("Date"), lambda r: format_date(r.on), lambda r: r.on, width=100),
    Column("kind", N_("Type"), lambda r: _(_LEDGER_KINDS[r.kind]), width=140),
    Column("reference", N_("Reference"), lambda r: r.reference, width=220,
           tooltip=lambda r: r.reference + ("\n" + _("Double-click to edit") if r.kind == service.INVOICE else "")),
    Column("due", N_("Due date"), lambda r: format_date(r.due_date) if r.due_date else "",
           lambda r: r.due_date or date.min, width=100),
    Column("debit", N_("Debit"), lambda r: format_cents(r.amount_cents) if r.amount_cents > 0 and
           r.kind != service.UNALLOCATED else "", lambda r: r.amount_cents, align=RIGHT, searchable=False),
    Column("credit", N_("Credit"), lambda r: format_cents(abs(r.amount_cents)) if r.amount_cents < 0 or
           r.kind == service.UNALLOCATED else "", lambda r: -r.amount_cents, align=RIGHT, searchable=False,
           foreground=_amount_colour),
    Column("balance", N_("Balance"), lambda r: format_cents(r.balance_cents), lambda r: r.balance_cents,
           align=RIGHT, searchable=False),
    Column("open", N_("Open"), lambda r: format_cents(r.open_cents) if r.open_cents else "",
           lambda r: r.open_cents or 0, align=RIGHT, searchable=False),
    Column("days", N_("Days late"), lambda r: str(r.days_late) if r.days_late else "",
           lambda r: r.days_late or 0, align=CENTER, foreground=_days_colour, searchable=False),
    Column("status", N_("Status"), _status_text, foreground=_status_colour, width=150),
    Column("detail", N_("Detail"), lambda r: r.detail, width=320),
)


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One line of the history tab: an action, a promise, a plan, a dispute or a recovery cost."""

    on: date
    kind: str
    channel: str
    summary: str
    details: str
    invoices: str
    document_id: int | None = None
    document_filename: str = ""
    case: CaseRef | None = None  # the dispute, promise or plan the row concerns: its edit form opens from here


def _document_text(row: TimelineRow) -> str:
    return row.document_filename


TIMELINE_COLUMNS: tuple[Column[TimelineRow], ...] = (
    Column("date", N_("Date"), lambda r: format_date(r.on), lambda r: r.on, width=100),
    Column("kind", N_("Event"), lambda r: r.kind, width=150,
           tooltip=lambda r: _("Double-click to edit") if r.case is not None and r.document_id is None else ""),
    Column("channel", N_("Channel"), lambda r: r.channel, width=120),
    Column("summary", N_("Summary"), lambda r: r.summary, width=420, tooltip=lambda r: r.summary),
    Column("details", N_("Details"), lambda r: r.details, width=260, tooltip=lambda r: r.details),
    Column("invoices", N_("Invoices"), lambda r: r.invoices, width=140, tooltip=lambda r: r.invoices),
    Column("document", N_("Document"), _document_text, width=200,
           tooltip=lambda r: _("Double-click to open") if r.document_id else ""),
)


def timeline(page: ClientPage) -> list[TimelineRow]:
    """Actions, promises with their outcome, plans with their instalments, disputes and recovery costs,
    newest first (the service's action order is kept among rows of the same day)."""
    rows: list[TimelineRow] = []
    for entry in page.history:
        rows.append(TimelineRow(
            entry.on, _(_HISTORY_KINDS.get(entry.kind.value, entry.kind.value)),
            _(_CHANNELS[entry.channel.value]) if entry.channel else "", entry.summary,
            " · ".join(detail_text(k, v) for k, v in entry.details if not k.endswith("_id")),
            ", ".join(entry.invoice_numbers),
            entry.document_id, entry.document_filename, entry.case))
    for promise in page.promises:  # on its date, with what became of it (the action records when it was made)
        rows.append(TimelineRow(
            promise.promised_on, _("Promise due"), "",
            _("{amount} promised for {date}: {outcome}").format(
                amount=format_cents(promise.amount_cents), date=format_date(promise.promised_on),
                outcome=_(_OUTCOMES[promise.outcome])),
            promise.notes, ", ".join(promise.invoice_numbers), case=promise.case))
    for plan in page.plans:
        total = sum(i.amount_cents for i in plan.instalments)
        states = " · ".join(f"{format_date(i.due_on)} {format_cents(i.amount_cents)} {_(_INSTALMENT_STATES[i.state])}"
                            for i in plan.instalments)
        summary = ngettext("Payment plan: {count} instalment, {amount}", "Payment plan: {count} instalments, {amount}",
                           len(plan.instalments)).format(count=len(plan.instalments), amount=format_cents(total))
        if plan.cancelled_on:
            summary += " — " + _("cancelled on {date}").format(date=format_date(plan.cancelled_on))
        rows.append(TimelineRow(plan.agreed_on, _("Payment plan"), "", summary, states,
                                ", ".join(plan.invoice_numbers), case=plan.case))
    recorded = {e.case for e in page.history if e.kind.value == "dispute_opened"}
    for dispute in page.disputes:  # only those the history does not show already
        if dispute.case in recorded:
            continue
        summary = _("Dispute ({reason})").format(reason=_(_REASONS.get(dispute.reason, dispute.reason)))
        if dispute.resolved_on:
            summary += " — " + _("resolved on {date}").format(date=format_date(dispute.resolved_on))
            if dispute.outcome:
                summary += f" ({_(_DISPUTE_OUTCOMES[dispute.outcome.value])})"
        else:
            summary += " — " + _("open")
        rows.append(TimelineRow(dispute.opened_on, _("Dispute"), "", summary, dispute.notes,
                                ", ".join(dispute.invoice_numbers), case=dispute.case))
    for cost in page.costs:
        rows.append(TimelineRow(cost.on, _("Recovery cost"), "",
                                f"{format_cents(cost.amount_cents)} ({_(_COSTS[cost.kind.value])})", cost.notes, ""))
    rows.sort(key=lambda r: r.on, reverse=True)  # stable: same-day rows keep the order above
    return rows


def factor_value(factor: RiskFactor) -> str:
    if factor.value is None:
        return "—"
    if factor.key == "average_days_late":
        return format_days(factor.value)
    if factor.key in ("share_paid_late", "overdue_vs_limit"):
        return format_percent(factor.value)
    return format_count(int(factor.value))


def risk_explanation(risk: RiskGrade) -> str:
    """The factors and the points each cost, one per line (the badge's tooltip)."""
    lines = [_("Risk grade {grade}: {points} points").format(grade=risk.grade, points=risk.points)]
    for factor in risk.factors:
        lines.append(_("{label}: {value} → {points} pt").format(
            label=_(FACTOR_LABELS[factor.key]), value=factor_value(factor), points=factor.points))
    lines.append(_("0–1 pt A, 2–3 B, 4–6 C, 7–9 D, 10+ E; one factor at 4 pt gives at least D."))
    return "\n".join(lines)


def form_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


# The entry forms the page opens on its client: (name, label, dialog class, extra keyword arguments).
PAGE_ENTRIES: tuple[tuple[str, str, Callable[..., EntryDialog], dict[str, object]], ...] = (
    ("payment", N_("Record a payment…"), PaymentDialog, {}),
    ("invoice", N_("New invoice…"), InvoiceDialog, {}),
    ("credit_note", N_("New credit note…"), InvoiceDialog, {"kind": InvoiceKind.CREDIT_NOTE}),
    ("promise", N_("Promise to pay…"), PromiseDialog, {}),
    ("dispute", N_("Open a dispute…"), DisputeDialog, {}),
    ("resolve", N_("Resolve a dispute…"), ResolveDisputeDialog, {}),
    ("plan", N_("Payment plan…"), PlanDialog, {}),
    ("write_off", N_("Write off as irrecoverable…"), WriteOffDialog, {}),
    ("cost", N_("Recovery cost…"), CostDialog, {}),
)

# The edit form of each kind of case, and the keyword naming the case it edits.
CASE_DIALOGS: dict[str, tuple[Callable[..., EntryDialog], str]] = {
    DISPUTE: (DisputeDialog, "dispute_id"), PROMISE: (PromiseDialog, "promise_id"), PLAN: (PlanDialog, "plan_id"),
}
EDIT_MENUS = ((DISPUTE, N_("Edit a dispute")), (PROMISE, N_("Edit a promise")), (PLAN, N_("Edit a payment plan")))


def case_choices(page: ClientPage, kind: str) -> list[tuple[str, CaseRef]]:
    """The client's cases of ``kind`` as the Actions menu lists them, newest first."""
    found: list[tuple[str, CaseRef | None]] = []
    for dispute in page.disputes if kind == DISPUTE else ():
        state = (_("resolved on {date}").format(date=format_date(dispute.resolved_on)) if dispute.resolved_on
                 else _("open"))
        found.append((_("{invoices} — {reason}, opened {date} ({state})").format(
            invoices=", ".join(dispute.invoice_numbers), reason=reason_label(dispute.reason),
            date=format_date(dispute.opened_on), state=state), dispute.case))
    for promise in page.promises if kind == PROMISE else ():
        found.append((_("{amount} for {date} ({invoices})").format(
            amount=format_cents(promise.amount_cents), date=format_date(promise.promised_on),
            invoices=", ".join(promise.invoice_numbers)), promise.case))
    for plan in page.plans if kind == PLAN else ():
        found.append((ngettext("Agreed {date}: {count} instalment ({invoices})",
                               "Agreed {date}: {count} instalments ({invoices})", len(plan.instalments)).format(
            date=format_date(plan.agreed_on), count=len(plan.instalments),
            invoices=", ".join(plan.invoice_numbers)), plan.case))
    return [(label, ref) for label, ref in found if ref is not None]

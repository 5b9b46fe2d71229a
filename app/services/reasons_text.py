"""A suggestion's reasons and warnings as sentences in the interface language (the list, the CLI, letters)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from app.domain.kinds import ActionKind, SuggestionKind
from app.formatting import format_cents, format_date
from app.i18n import N_, _, ngettext
from app.services.todo_dto import Reason, ReasonCode

Params = Mapping[str, str | int]

_ACTION_LABELS = {
    ActionKind.REMINDER.value: N_("e-mail reminder"), ActionKind.LETTER.value: N_("reminder letter"),
    ActionKind.CALL.value: N_("reminder call"), ActionKind.FORMAL_NOTICE.value: N_("formal notice"),
    ActionKind.COURT.value: N_("court step"), ActionKind.AGENCY.value: N_("hand-over to a collection agency"),
}
KIND_LABELS = {
    SuggestionKind.STEP: N_("Reminder step"), SuggestionKind.FOLLOW_UP: N_("Call back"),
    SuggestionKind.DELIVERY: N_("Record the registered letter's delivery"),
    SuggestionKind.INJUNCTION: N_("Injonction de payer"),
    SuggestionKind.SMALL_CLAIM: N_("Procédure simplifiée (petites créances)"),
    SuggestionKind.AGENCY: N_("Hand over to a collection agency"),
}


def _day(params: Params, key: str) -> str:
    value = params.get(key)
    return format_date(date.fromisoformat(value)) if isinstance(value, str) and value else "—"


def _cents(params: Params, key: str) -> str:
    return format_cents(int(params.get(key, 0)))


def _int(params: Params, key: str) -> int:
    return int(params.get(key, 0))


def _step_reached(p: Params) -> str:
    offset = _int(p, "offset_days")
    if offset < 0:
        when = ngettext("{days} day before the due date", "{days} days before the due date", -offset)
    else:
        when = ngettext("{days} day after the due date", "{days} days after the due date", offset)
    return _("Step “{step}” ({when}) is due since {since}.").format(
        step=p.get("step_name", ""), when=when.format(days=abs(offset)), since=_day(p, "since"))


def _days_late(p: Params) -> str:
    return ngettext("Invoice {number} is {days} day late.", "Invoice {number} is {days} days late.",
                    _int(p, "days")).format(number=p.get("number", ""), days=_int(p, "days"))


def _previous(p: Params) -> str:
    label = str(p.get("label", ""))
    return _("Previous action: {label} on {date}.").format(
        label=_(_ACTION_LABELS[label]) if label in _ACTION_LABELS else label, date=_day(p, "on"))


def _bank_stale(p: Params) -> str:
    if not p.get("last_import"):
        return _("No bank statement was imported: the client may have paid already.")
    return ngettext(
        "The last bank statement was imported on {date}, more than {days} day ago: the client may have paid already.",
        "The last bank statement was imported on {date}, more than {days} days ago: the client may have paid "
        "already.", _int(p, "days")).format(date=_day(p, "last_import"), days=_int(p, "days"))


def _prescription(p: Params) -> str:
    text = _("The claim on invoice {number} is time-barred on {date}: only a court claim interrupts it.").format(
        number=p.get("number", ""), date=_day(p, "on"))
    others = _int(p, "count") - 1
    if others > 0:
        text += " " + ngettext("{count} other invoice is close to it.", "{count} other invoices are close to it.",
                               others).format(count=others)
    return text


def _follow_up(p: Params) -> str:
    text = _("Call back agreed for {date}.").format(date=_day(p, "on"))
    return f"{text} {p['note']}" if p.get("note") else text


_RENDER: dict[ReasonCode, Callable[[Params], str]] = {
    ReasonCode.STEP_REACHED: _step_reached,
    ReasonCode.DAYS_LATE: _days_late,
    ReasonCode.AMOUNT: lambda p: _("Amount claimed: {amount}.").format(amount=_cents(p, "cents")),
    ReasonCode.CREDITS_DEDUCTED: lambda p: _(
        "Credit notes and unallocated payments deducted: {amount}.").format(amount=_cents(p, "cents")),
    ReasonCode.PREVIOUS_ACTION: _previous,
    ReasonCode.BACKLOG: lambda p: _(
        "Nothing was sent yet for invoices this late: they start at the step matching their age, “{step}”.").format(
        step=p.get("step_name", "")),
    ReasonCode.CAUGHT_UP: lambda p: _("Caught up: due since {date}.").format(date=_day(p, "since")),
    ReasonCode.BROKEN_PROMISE: lambda p: _("Promise to pay {amount} by {date} broken.").format(
        amount=_cents(p, "cents"), date=_day(p, "promised_on")),
    ReasonCode.MISSED_INSTALMENT: lambda p: _("Instalment of {amount} due on {date} missed.").format(
        amount=_cents(p, "cents"), date=_day(p, "due_on")),
    ReasonCode.POSTPONEMENT_OVER: lambda p: _("Postponed until {date}.").format(date=_day(p, "until")),
    ReasonCode.FOLLOW_UP_DUE: _follow_up,
    ReasonCode.NOTICE_UNANSWERED: lambda p: _(
        "Formal notice sent on {sent}; its deadline ended on {deadline} without payment.").format(
        sent=_day(p, "sent_on"), deadline=_day(p, "deadline")),
    ReasonCode.NOTICE_UNDELIVERED: lambda p: _(
        "Formal notice sent on {sent} (registered letter {lrar}): record when it was presented or received.").format(
        sent=_day(p, "sent_on"), lrar=p.get("lrar") or "—"),
    ReasonCode.UNDISPUTED_CLAIM: lambda p: _("The client never disputed these invoices."),
    ReasonCode.UNDER_SMALL_CLAIM_CEILING: lambda p: _(
        "{amount} is under the {ceiling} ceiling of the procédure simplifiée (interest included).").format(
        amount=_cents(p, "cents"), ceiling=_cents(p, "ceiling_cents")),
    ReasonCode.BANK_STALE: _bank_stale,
    ReasonCode.PRESCRIPTION_NEAR: _prescription,
    ReasonCode.NEEDS_REVIEW: lambda p: _("Review before sending."),
    ReasonCode.OVER_CREDIT_LIMIT: lambda p: _("Balance {amount} is over the credit limit of {limit}.").format(
        amount=_cents(p, "cents"), limit=_cents(p, "limit_cents")),
}


def describe(reason: Reason) -> str:
    """One sentence for a reason or a warning, in the current language."""
    return _RENDER[reason.code](reason.params)


def kind_label(kind: SuggestionKind) -> str:
    return _(KIND_LABELS[kind])

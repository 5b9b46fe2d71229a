"""The values of a letter's placeholders, formatted in the letter's language (``1 234,56 €``, ``23 novembre 2026``)."""

from __future__ import annotations

from datetime import date

from app.formatting import format_cents, format_long_date
from app.letters.data import LetterData
from app.letters.labels import action_label


def money(cents: int, language: str) -> str:
    return format_cents(cents, language=language)


def long_date(day: date, language: str) -> str:
    return format_long_date(day, language=language)


def short_date(day: date, language: str) -> str:
    return day.strftime("%d/%m/%Y")


def placeholder_values(data: LetterData) -> dict[str, object]:
    """Every name of app.letters.templating.PLACEHOLDERS with its value for ``data``."""
    lang = data.language
    creditor, debtor = data.creditor, data.debtor
    oldest = min(data.invoices, key=lambda line: line.due_date, default=None)
    plan = data.plan
    reminders = [f"{action_label(item.kind, lang).lower()} — {long_date(item.on, lang)}" for item in data.reminders]
    deadline = data.deadline
    return {
        "company_name": creditor.name, "company_city": creditor.city, "signatory_name": creditor.signatory_name,
        "signatory_title": creditor.signatory_title, "client_name": debtor.name, "client_code": debtor.code,
        "contact_name": debtor.contact_name, "is_consumer": debtor.is_consumer, "date": long_date(data.as_of, lang),
        "invoice_count": len(data.invoices), "invoice_numbers": ", ".join(line.number for line in data.invoices),
        "oldest_due_date": long_date(oldest.due_date, lang) if oldest else "",
        "max_days_late": max((line.days_late for line in data.invoices), default=0),
        "overdue_amount": money(data.overdue_cents, lang), "has_credits": bool(data.credits),
        "credits_amount": money(data.credits_cents, lang), "claimed_amount": money(data.claimed_cents, lang),
        "has_previous_reminders": bool(data.reminders), "previous_reminders": "; ".join(reminders),
        "last_reminder_date": long_date(data.reminders[-1].on, lang) if data.reminders else "",
        "interest_amount": money(data.interest_cents, lang), "indemnity_amount": money(data.indemnity_cents, lang),
        "total_amount": money(data.total_cents, lang), "deadline_days": data.deadline_days or 0,
        "deadline_date": long_date(deadline, lang) if deadline else "", "iban": _grouped(creditor.iban),
        "bic": creditor.bic, "payment_reference": data.reference,
        "plan_instalment_count": len(plan.instalments) if plan else 0,
        "plan_total": money(plan.total_cents, lang) if plan else "",
        "plan_first_date": long_date(plan.instalments[0].due_on, lang) if plan and plan.instalments else "",
        "plan_last_date": long_date(plan.instalments[-1].due_on, lang) if plan and plan.instalments else "",
    }


def _grouped(iban: str) -> str:
    """``FR7630006000011234567890189`` → ``FR76 3000 6000 0112 3456 7890 189`` (as printed on a RIB)."""
    compact = iban.replace(" ", "")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))

"""Letter texts from user-editable templates, rendered in Jinja2's immutable sandbox with strict placeholders.

A template has four sections (``[subject]``, ``[salutation]``, ``[body]``, ``[closing]``); the body's paragraphs
are separated by blank lines. Only the placeholders of PLACEHOLDERS exist: any other name is refused before
rendering, and the sandbox refuses attribute tricks such as ``{{ ''.__class__ }}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.errors import KnownError
from app.i18n import N_, _
from app.letters.data import LetterTexts

SECTIONS = ("subject", "salutation", "body", "closing")
_SECTION_LINE = re.compile(r"^\[(subject|salutation|body|closing)\]\s*$")

# name → what it holds (shown in the template editor, translated there).
PLACEHOLDERS: dict[str, str] = {
    "company_name": N_("your company's name"),
    "company_city": N_("your company's city"),
    "signatory_name": N_("who signs the letter"),
    "signatory_title": N_("the signatory's title"),
    "client_name": N_("the client's name"),
    "client_code": N_("the client's account code"),
    "contact_name": N_("the billing contact (may be empty)"),
    "is_consumer": N_("true when the client is a consumer"),
    "date": N_("the letter's date, written out"),
    "invoice_count": N_("number of overdue invoices"),
    "invoice_numbers": N_("numbers of the overdue invoices"),
    "oldest_due_date": N_("due date of the oldest overdue invoice"),
    "max_days_late": N_("days overdue of the oldest invoice"),
    "overdue_amount": N_("total of the overdue invoices"),
    "has_credits": N_("true when credit notes or payments are deducted"),
    "credits_amount": N_("credit notes and unallocated payments deducted"),
    "claimed_amount": N_("net amount claimed"),
    "has_previous_reminders": N_("true when reminders were sent before"),
    "previous_reminders": N_("the previous reminders with their dates"),
    "last_reminder_date": N_("date of the last reminder"),
    "interest_amount": N_("late-payment interest (formal notice, claim)"),
    "indemnity_amount": N_("fixed recovery indemnities (formal notice, claim)"),
    "total_amount": N_("total due, interest and indemnities included"),
    "deadline_days": N_("payment deadline in days"),
    "deadline_date": N_("payment deadline date"),
    "iban": N_("your IBAN"),
    "bic": N_("your BIC"),
    "payment_reference": N_("reference to quote on the transfer"),
    "plan_instalment_count": N_("number of instalments of the payment plan"),
    "plan_total": N_("total of the payment plan"),
    "plan_first_date": N_("date of the first instalment"),
    "plan_last_date": N_("date of the last instalment"),
}


class TemplateRefused(KnownError):
    """A letter template that cannot be used; the message says why and where."""


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    # autoescape off: the text goes to a PDF, escaped for ReportLab's markup by the renderer.
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def parse_sections(text: str) -> dict[str, str]:
    """The four sections of a template file's text (missing ones are empty)."""
    sections = dict.fromkeys(SECTIONS, "")
    current: str | None = None
    lines: dict[str, list[str]] = {name: [] for name in SECTIONS}
    for line in text.splitlines():
        match = _SECTION_LINE.match(line)
        if match:
            current = match.group(1)
        elif current is not None:
            lines[current].append(line)
    for name in SECTIONS:
        sections[name] = "\n".join(lines[name]).strip()
    return sections


def join_sections(sections: Mapping[str, str]) -> str:
    """The inverse of parse_sections: a template file's text."""
    return "\n".join(f"[{name}]\n{sections.get(name, '').strip()}\n" for name in SECTIONS)


def check_sections(sections: Mapping[str, str]) -> None:
    """Refuse a template with a syntax error or a placeholder that does not exist (TemplateRefused)."""
    env = _environment()
    for name in SECTIONS:
        source = sections.get(name, "")
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as error:
            raise TemplateRefused(_("Section “{section}”, line {line}: {message}").format(
                section=name, line=error.lineno, message=error.message)) from error
        unknown = sorted(meta.find_undeclared_variables(tree) - PLACEHOLDERS.keys())
        if unknown:
            raise TemplateRefused(_("Section “{section}”: unknown placeholder {{{{ {name} }}}}. Allowed: {allowed}.")
                                  .format(section=name, name=unknown[0], allowed=", ".join(sorted(PLACEHOLDERS))))


def render_texts(sections: Mapping[str, str], context: Mapping[str, object]) -> LetterTexts:
    """The template rendered with ``context`` (the placeholders' values)."""
    check_sections(sections)
    env = _environment()
    rendered: dict[str, str] = {}
    for name in SECTIONS:
        try:
            rendered[name] = env.from_string(sections.get(name, "")).render(dict(context)).strip()
        except SecurityError as error:
            raise TemplateRefused(_("Section “{section}”: not allowed in a letter template ({detail}).").format(
                section=name, detail=error)) from error
        except UndefinedError as error:
            raise TemplateRefused(_("Section “{section}”: {detail}.").format(section=name, detail=error)) from error
        except Exception as error:  # a user's expression that fails ({{ amount + 1 }}): say so, never crash
            raise TemplateRefused(_("Section “{section}” cannot be rendered: {detail}.").format(
                section=name, detail=error)) from error
    paragraphs = tuple(" ".join(part.split()) for part in re.split(r"\n\s*\n", rendered["body"]) if part.strip())
    return LetterTexts(" ".join(rendered["subject"].split()), rendered["salutation"], paragraphs,
                       rendered["closing"])

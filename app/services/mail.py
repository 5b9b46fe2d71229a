"""E-mail account of a dossier: SMTP settings and sender identity, the password in the OS keyring, the connection
test, accepted certificates, and the subject/body templates per ladder step and language."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.domain.kinds import Channel
from app.i18n import N_, _
from app.letters.templating import PLACEHOLDERS
from app.mail import secrets
from app.mail.smtp import Outcome, Security, SmtpConfig, check_connection
from app.mail.templating import SECTIONS, check_sections, parse_sections, render_mail
from app.paths import resource
from app.services.dto import Problem
from app.services.ladders import list_ladders
from app.services.settings import (
    MAIL_ACCEPTED_CERTIFICATES,
    MAIL_DOSSIER_KEY,
    MAIL_SMTP,
    MAIL_TEMPLATES,
    put_entry,
    read_entries,
    read_setting,
    write_setting,
)
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace

LANGUAGES = ("fr", "en")
DEFAULT_TEMPLATE = "default"
# Names a mail template may use besides the letter's placeholders (app.letters.templating.PLACEHOLDERS).
MAIL_EXTRAS: dict[str, str] = {
    "invoices": N_("the invoices, for a loop: {% for invoice in invoices %}; each has number, date, due_date, "
                   "amount, open_amount and days_late"),
    "invoices_total": N_("total still open on the invoices listed"),
    "signature": N_("your e-mail signature (Settings > E-mail…)"),
    "sender_name": N_("the sender's name"),
}
MAIL_PLACEHOLDERS: dict[str, str] = {**MAIL_EXTRAS, **PLACEHOLDERS}
# The step texts shipped in resources/mail/LANG/, by the template reference the default ladders' steps carry.
SHIPPED_TEMPLATES: dict[str, str] = {
    "courtesy": N_("Courtesy reminder before the due date"),
    "reminder_1": N_("First reminder"),
    "reminder_2": N_("Second reminder"),
    "reminder_3": N_("Firm reminder (last before the formal notice)"),
    "formal_notice": N_("Formal notice (covering e-mail)"),
}


class TemplateSource(enum.Enum):
    """Where the wording of an e-mail step comes from, in the order it is looked for."""

    DOSSIER = "dossier"  # the user's own, saved in the dossier
    STEP = "step"  # the text shipped for this step
    DEFAULT = "default"  # the shipped default text


@dataclass(frozen=True, slots=True)
class MailSettings:
    """The dossier's SMTP account and sender identity (the password is not here: it lives in the keyring)."""

    host: str = ""
    port: int = 587
    security: Security = Security.STARTTLS
    user: str = ""
    sender_name: str = ""
    sender_address: str = ""
    reply_to: str = ""
    signature: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender_address)


def _settings_in(session: Session) -> MailSettings:
    stored = read_setting(session, MAIL_SMTP)
    if not isinstance(stored, dict):
        return MailSettings()
    known = {key: stored[key] for key in MailSettings.__slots__ if key in stored}
    try:
        known["security"] = Security(known.get("security", Security.STARTTLS))
        known["port"] = int(known.get("port", 587))
    except ValueError:
        return MailSettings()
    return MailSettings(**known)


def mail_settings(ws: Workspace) -> MailSettings:
    with ws.dossier.reading() as session:
        return _settings_in(session)


def _problems(settings: MailSettings) -> list[Problem]:
    problems = []
    if not settings.host.strip():
        problems.append(Problem("host", _("Give the SMTP server's name.")))
    if not 0 < settings.port < 65536:
        problems.append(Problem("port", _("The port is a number from 1 to 65535.")))
    if "@" not in settings.sender_address:
        problems.append(Problem("sender_address", _("Give the sender's e-mail address.")))
    if settings.reply_to and "@" not in settings.reply_to:
        problems.append(Problem("reply_to", _("The reply-to address is not an e-mail address.")))
    return problems


def save_mail_settings(ws: Workspace, settings: MailSettings) -> None:
    """Keep the account (ValidationFailed names the wrong field)."""
    problems = _problems(settings)
    if problems:
        raise ValidationFailed(problems)
    values: dict[str, Any] = asdict(settings)
    values["security"] = settings.security.value
    with ws.dossier.transaction() as session:
        write_setting(session, MAIL_SMTP, values)


def dossier_key(ws: Workspace) -> str:
    """A random key made once per dossier: its keyring entries follow the file when it is moved or renamed."""
    with ws.dossier.reading() as session:
        key = read_setting(session, MAIL_DOSSIER_KEY)
    if isinstance(key, str) and key:
        return key
    with ws.dossier.transaction() as session:
        key = read_setting(session, MAIL_DOSSIER_KEY)
        if not (isinstance(key, str) and key):
            key = uuid.uuid4().hex
            write_setting(session, MAIL_DOSSIER_KEY, key)
        return str(key)


def store_password(ws: Workspace, password: str) -> bool:
    """True when kept in the OS keyring, False when only for this session (no keyring: say so)."""
    return secrets.store_password(dossier_key(ws), mail_settings(ws).user, password)


def stored_password(ws: Workspace) -> str | None:
    return secrets.read_password(dossier_key(ws), mail_settings(ws).user)


def _host_key(settings: MailSettings) -> str:
    return f"{settings.host.lower()}:{settings.port}"


def smtp_config(ws: Workspace, settings: MailSettings | None = None) -> SmtpConfig:
    """What app.mail connects with, including the certificate the user accepted for this host, if any."""
    with ws.dossier.reading() as session:
        current = settings or _settings_in(session)
        accepted = read_setting(session, MAIL_ACCEPTED_CERTIFICATES)
    fingerprint = accepted.get(_host_key(current), "") if isinstance(accepted, dict) else ""
    return SmtpConfig(current.host, current.port, current.security, current.user, str(fingerprint))


def accept_certificate(ws: Workspace, fingerprint: str, settings: MailSettings | None = None) -> None:
    """The user trusts this exact certificate for this host and port (a self-signed server)."""
    with ws.dossier.transaction() as session:
        current = settings or _settings_in(session)
        accepted = dict(read_setting(session, MAIL_ACCEPTED_CERTIFICATES) or {})
        accepted[_host_key(current)] = fingerprint.replace(":", "").lower()
        write_setting(session, MAIL_ACCEPTED_CERTIFICATES, accepted)


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    outcome: Outcome
    message: str  # in the interface's language


def try_connection(ws: Workspace, password: str | None = None,
                   settings: MailSettings | None = None) -> ConnectionReport:
    """Connect with ``settings`` (else the saved ones) and say which stage failed, if any."""
    current = settings or mail_settings(ws)
    config = smtp_config(ws, current)
    outcome = check_connection(config, password if password is not None else stored_password(ws))
    return ConnectionReport(outcome, outcome.message(config))


def _template_key(template: str, language: str) -> str:
    return f"{language}:{template}"


def _shipped_path(template: str, language: str) -> Path | None:
    lang = language if language in LANGUAGES else "fr"
    path = resource(f"mail/{lang}/{template}.txt") if template.isidentifier() else None
    return path if path is not None and path.is_file() else None


def default_mail_sections(template: str, language: str) -> dict[str, str]:
    """The shipped wording for a ladder step's template (resources/mail/LANG/TEMPLATE.txt, else default.txt)."""
    path = _shipped_path(template, language) or _shipped_path(DEFAULT_TEMPLATE, language)
    assert path is not None, "resources/mail/LANG/default.txt ships with the application"
    return parse_sections(path.read_text(encoding="utf-8"))


def _stored_templates(session: Session) -> dict[str, Any]:
    return read_entries(session, MAIL_TEMPLATES)


def mail_sections_in(session: Session, template: str, language: str) -> dict[str, str]:
    """The dossier's own wording for (step template, language), else the shipped step text, else the default."""
    mine = _stored_templates(session).get(_template_key(template, language))
    if isinstance(mine, dict):
        return {name: str(mine.get(name, "")) for name in SECTIONS}
    return default_mail_sections(template, language)


def save_mail_template(ws: Workspace, template: str, language: str, sections: dict[str, str],
                       allowed: tuple[str, ...] = tuple(MAIL_PLACEHOLDERS)) -> None:
    """Keep the user's wording after checking it against the placeholders ``allowed`` (one transaction)."""
    cleaned = {name: sections.get(name, "").strip() for name in SECTIONS}
    check_sections(cleaned, allowed)
    check_mail_template(cleaned)
    with ws.dossier.transaction() as session:
        put_entry(session, MAIL_TEMPLATES, _template_key(template, language), cleaned)


def reset_mail_template(ws: Workspace, template: str, language: str) -> None:
    """Back to the shipped wording of this step and language."""
    with ws.dossier.transaction() as session:
        put_entry(session, MAIL_TEMPLATES, _template_key(template, language), None)


def mail_template_sections(ws: Workspace, template: str, language: str) -> tuple[dict[str, str], TemplateSource]:
    """(sections, where they come from): what the template editor shows."""
    with ws.dossier.reading() as session:
        customised = _template_key(template, language) in _stored_templates(session)
        sections = mail_sections_in(session, template, language)
    if customised:
        return sections, TemplateSource.DOSSIER
    shipped = template != DEFAULT_TEMPLATE and _shipped_path(template, language) is not None
    return sections, TemplateSource.STEP if shipped else TemplateSource.DEFAULT


def mail_templates(ws: Workspace) -> tuple[tuple[str, str], ...]:
    """(template, label) of every e-mail text the user may edit: the shipped step texts, the other templates the
    dossier's ladders name on an e-mail step, then the default."""
    named = {step.template: step.name for ladder in list_ladders(ws) for step in ladder.steps
             if step.template and step.channel is Channel.EMAIL and step.template.isidentifier()}
    choices = [(ref, _(label)) for ref, label in SHIPPED_TEMPLATES.items()]
    choices += [(ref, _("Step “{name}” ({template})").format(name=name, template=ref))
                for ref, name in sorted(named.items()) if ref not in SHIPPED_TEMPLATES and ref != DEFAULT_TEMPLATE]
    choices.append((DEFAULT_TEMPLATE, _("Any other e-mail step (default text)")))
    return tuple(choices)


_SAMPLE_INVOICE = {"number": "F-1", "date": "01/10/2026", "due_date": "31/10/2026", "amount": "1 000,00 €",
                   "open_amount": "1 000,00 €", "days_late": 23}
_NUMBERS = ("invoice_count", "max_days_late", "deadline_days", "plan_instalment_count")
_FLAGS = ("is_consumer", "has_credits", "has_previous_reminders")


def _sample_context(flag: bool) -> dict[str, object]:
    """Values of the right types for every placeholder: renders a template without a client at hand."""
    values: dict[str, object] = dict.fromkeys(MAIL_PLACEHOLDERS, "…")
    values.update(dict.fromkeys(_NUMBERS, 2))
    values.update(dict.fromkeys(_FLAGS, flag))
    values["invoices"] = [_SAMPLE_INVOICE, _SAMPLE_INVOICE]
    return values


def check_mail_template(sections: Mapping[str, str]) -> None:
    """Refuse a syntax error, an unknown placeholder or an expression that fails (a misspelt invoice field):
    MailTemplateRefused names the section and the line. Both sides of the business/consumer, credits and
    previous-reminder conditions are rendered."""
    check_sections(sections, tuple(MAIL_PLACEHOLDERS))
    for flag in (False, True):
        render_mail(sections, _sample_context(flag))

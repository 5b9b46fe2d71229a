"""Dossier settings declared once (key, type, default), stored as JSON in the dossier so a copy carries them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.domain.kinds import DisputeReason
from app.i18n import N_
from app.models import Setting


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    default: Any
    title: str  # marked with N_, translated when shown


AGING_LIMITS = SettingSpec("aging.limits", [30, 60, 90], N_("Aged balance bucket limits (days past due)"))
DSO_WINDOW_MONTHS = SettingSpec("dso.window_months", 3, N_("DSO period (months)"))
PROMISE_GRACE_DAYS = SettingSpec("promises.grace_days", 3, N_("Grace days after a promised date"))
# The list a new dossier starts with; the user edits it (app/services/dispute_reasons.py).
DISPUTE_REASONS = SettingSpec("disputes.reasons", [reason.value for reason in DisputeReason], N_("Dispute reasons"))
ALL_SETTINGS: tuple[SettingSpec, ...] = (AGING_LIMITS, DSO_WINDOW_MONTHS, PROMISE_GRACE_DAYS, DISPUTE_REASONS)


def read_setting(session: Session, spec: SettingSpec) -> Any:
    row = session.get(Setting, spec.key)
    return spec.default if row is None else json.loads(row.value)


def write_setting(session: Session, spec: SettingSpec, value: Any) -> None:
    session.merge(Setting(key=spec.key, value=json.dumps(value)))


def read_entries(session: Session, spec: SettingSpec) -> dict[str, Any]:
    """A setting that maps keys to values (the user's templates), empty when unset or damaged."""
    stored = read_setting(session, spec)
    return stored if isinstance(stored, dict) else {}


def put_entry(session: Session, spec: SettingSpec, key: str, value: Any | None) -> None:
    """Set one key of such a setting, or remove it with ``None`` (written only when something changes)."""
    entries = dict(read_entries(session, spec))
    if value is None:
        if entries.pop(key, None) is None:
            return
    else:
        entries[key] = value
    write_setting(session, spec, entries)


# The "À faire" list (DESIGN.md §4 rules 6–7).
BANK_MAX_AGE_DAYS = SettingSpec("bank.max_age_days", 5, N_("Warn when the last bank statement is older than (days)"))
BANK_LAST_IMPORT = SettingSpec("bank.last_import", None, N_("Last bank statement import"))
PRESCRIPTION_WARNING_DAYS = SettingSpec("ladder.prescription_warning_days", 90,
                                        N_("Warn this many days before a claim's limitation date"))
DELIVERY_WAIT_DAYS = SettingSpec("ladder.delivery_wait_days", 7,
                                 N_("Ask for a registered letter's delivery dates after (days)"))
ALL_SETTINGS += (BANK_MAX_AGE_DAYS, BANK_LAST_IMPORT, PRESCRIPTION_WARNING_DAYS, DELIVERY_WAIT_DAYS)

# Letters (issue 5): the user's wording per letter kind and language ({"fr:reminder1": {section: text}}), and the
# payment deadline a mise en demeure gives when its ladder step names none (8–15 days is the usual range).
LETTER_TEMPLATES = SettingSpec("letters.templates", {}, N_("Letter texts"))
LETTER_DEADLINE_DAYS = SettingSpec("letters.deadline_days", 8, N_("Payment deadline of a formal notice (days)"))
ALL_SETTINGS += (LETTER_TEMPLATES, LETTER_DEADLINE_DAYS)

# Imports (issue 7): CSV/XLSX column mappings saved by name, reused when a file has the same headers.
IMPORT_PRESETS = SettingSpec("imports.presets", {}, N_("Import column presets"))
ALL_SETTINGS += (IMPORT_PRESETS,)

# E-mail (issue 6): the SMTP account and sender identity (never its password: that is in the OS keyring), the
# self-signed certificates the user accepted ({"host:port": sha256 hex}), the user's e-mail wording
# ({"fr:reminder_1": {"subject": …, "body": …}}) and the dossier's own key naming its keyring entries.
MAIL_SMTP = SettingSpec("mail.smtp", {}, N_("E-mail sending (SMTP)"))
MAIL_ACCEPTED_CERTIFICATES = SettingSpec("mail.accepted_certificates", {}, N_("Accepted server certificates"))
MAIL_TEMPLATES = SettingSpec("mail.templates", {}, N_("E-mail texts"))
MAIL_DOSSIER_KEY = SettingSpec("mail.dossier_key", "", N_("Dossier key of the stored passwords"))
ALL_SETTINGS += (MAIL_SMTP, MAIL_ACCEPTED_CERTIFICATES, MAIL_TEMPLATES, MAIL_DOSSIER_KEY)

"""Dossier settings declared once (key, type, default), stored as JSON in the dossier so a copy carries them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

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
ALL_SETTINGS = (AGING_LIMITS, DSO_WINDOW_MONTHS, PROMISE_GRACE_DAYS)


def read_setting(session: Session, spec: SettingSpec) -> Any:
    row = session.get(Setting, spec.key)
    return spec.default if row is None else json.loads(row.value)


def write_setting(session: Session, spec: SettingSpec, value: Any) -> None:
    session.merge(Setting(key=spec.key, value=json.dumps(value)))

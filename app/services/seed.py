"""What a new dossier starts with: default ladders and segments, the legal rate table, the settings."""

from __future__ import annotations

import csv
import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.kinds import Channel, Tone
from app.models import Ladder, LadderStep, LegalRate, Segment
from app.paths import resource
from app.services.settings import ALL_SETTINGS, write_setting


def seed_ladders(session: Session) -> None:
    spec = json.loads(resource("ladders/default.json").read_text(encoding="utf-8"))
    ladders: dict[str, Ladder] = {}
    for item in spec["ladders"]:
        ladder = Ladder(
            code=item["code"], name=item["name"], is_default=item["is_default"],
            min_interval_days=item["min_interval_days"], min_amount_cents=item["min_amount_cents"],
        )
        ladder.steps = [
            LadderStep(
                position=position, name=step["name"], offset_days=step["offset_days"],
                channel=Channel(step["channel"]), tone=Tone(step["tone"]), template=step["template"],
                deadline_days=step.get("deadline_days"), needs_review=step.get("needs_review", False),
            )
            for position, step in enumerate(item["steps"], start=1)
        ]
        session.add(ladder)
        ladders[ladder.code] = ladder
    session.flush()
    for segment in spec["segments"]:
        session.add(Segment(code=segment["code"], label=segment["label"], ladder_id=ladders[segment["ladder"]].id))


def load_legal_rates(session: Session) -> int:
    """Add the shipped half-years the dossier does not have yet; returns how many were added."""
    known = set(session.scalars(select(LegalRate.semester_start)))
    added = 0
    with resource("rates/legal_rates.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            start = date.fromisoformat(row["semester_start"])
            if start in known:
                continue
            session.add(LegalRate(
                semester_start=start, ecb_mro_bp=int(row["ecb_mro_bp"]),
                legal_pro_bp=int(row["legal_pro_bp"]) if row["legal_pro_bp"] else None,
                legal_individual_bp=int(row["legal_individual_bp"]) if row["legal_individual_bp"] else None,
                source=row["source"],
            ))
            added += 1
    return added


def seed_new_dossier(session: Session) -> None:
    seed_ladders(session)
    load_legal_rates(session)
    for spec in ALL_SETTINGS:
        write_setting(session, spec, spec.default)

"""Append-only history: every use case that changes a case records an action here, never edits one."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, Channel
from app.models import Action, action_invoices


def record_action(session: Session, *, client_id: int, kind: ActionKind, occurred_on: date, summary: str,
                  invoice_ids: Iterable[int] = (), channel: Channel | None = None,
                  details: dict[str, Any] | None = None, recorded_at: datetime | None = None,
                  document_id: int | None = None) -> int:
    """Add one history entry linked to the invoices it concerns; returns its id."""
    action = Action(
        client_id=client_id, kind=kind, occurred_on=occurred_on, channel=channel, summary=summary[:300],
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        recorded_at=recorded_at or datetime.combine(occurred_on, datetime.min.time()),
        document_id=document_id,
    )
    session.add(action)
    session.flush()
    links = [{"action_id": action.id, "invoice_id": invoice_id} for invoice_id in sorted(set(invoice_ids))]
    if links:
        session.execute(insert(action_invoices), links)
    return action.id

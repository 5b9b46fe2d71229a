"""The À faire list reads what the history's details say (packed reads), and a hand-edited entry never breaks it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from app.domain.kinds import ActionKind, Channel, SuggestionKind
from app.models import Action, Client
from app.services import next_steps
from app.services.history import record_action
from app.services.plain_rows import packed_rows, plain_rows
from app.services.todo_dto import ReasonCode
from app.services.workspace import Workspace
from tests.services.ledger import Ledger

SENT = date(2026, 3, 2)
AS_OF = date(2026, 3, 20)  # 18 days after the notice: past the usual 8-day deadline, within a 30-day one


def _notice(ws: Workspace, book: Ledger, details: dict[str, object]) -> int:
    client_id = book.client("LATE", "Retard SARL")
    invoice_id = book.invoice("LATE", "F1", date(2025, 11, 1), date(2025, 12, 1), 120_000)
    with ws.dossier.transaction() as session:
        return record_action(session, client_id=client_id, kind=ActionKind.FORMAL_NOTICE, occurred_on=SENT,
                             summary="Mise en demeure", invoice_ids=(invoice_id,),
                             channel=Channel.REGISTERED_LETTER, details=details)


def _kinds(ws: Workspace) -> set[SuggestionKind]:
    return {s.kind for s in next_steps.build_todo(ws, AS_OF).suggestions}


def test_the_notice_deadline_written_in_its_details_is_read(workspace: Workspace) -> None:
    _notice(workspace, Ledger(workspace), {"deadline_days": 30, "lrar_number": "1A 234 567 8901 2"})
    # Its 30-day deadline runs: no court route yet, but its delivery dates are asked for, with its LRAR number.
    delivery = [s for s in next_steps.build_todo(workspace, AS_OF).suggestions if s.kind is SuggestionKind.DELIVERY]
    assert SuggestionKind.SMALL_CLAIM not in _kinds(workspace)
    assert [r.params["lrar"] for r in delivery[0].reasons if r.code is ReasonCode.NOTICE_UNDELIVERED] \
        == ["1A 234 567 8901 2"]


def test_a_notice_whose_details_were_edited_by_hand_still_leads_to_the_route(workspace: Workspace) -> None:
    action_id = _notice(workspace, Ledger(workspace), {"deadline_days": 30})
    with workspace.dossier.transaction() as session:
        session.execute(update(Action).where(Action.id == action_id).values(details="{deadline_days: 30,"))
    # The details cannot be read: the usual 8-day deadline applies and the list is built all the same.
    assert SuggestionKind.SMALL_CLAIM in _kinds(workspace)


def test_packed_rows_give_what_plain_rows_give(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("Q", "L'Été « 2026 » \"quoted\" \\ back")
    with workspace.dossier.reading() as session:
        statement = select(Action.id, Action.summary).where(Action.id < 0)
        assert packed_rows(session, statement) == []
    _notice(workspace, book, {"note": "é ü \n ligne"})
    with workspace.dossier.reading() as session:
        statement = select(Client.id, Client.name, Client.credit_limit_cents, Client.do_not_remind)
        assert [tuple(row) for row in packed_rows(session, statement)] == list(plain_rows(session, statement))

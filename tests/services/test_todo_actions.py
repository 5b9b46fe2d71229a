"""Acting on suggestions: each action one transaction in the history, checked against a dossier that moved on."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.kinds import ActionKind, CallOutcome, Channel, DisputeOutcome, SuggestionKind
from app.models import Action, Dispute, Promise, action_invoices
from app.services import cases, next_steps, todo_actions
from app.services.clock import fixed_clock
from app.services.todo_dto import Suggestion
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from tests.services.ledger import Ledger

DUE = date(2026, 1, 31)


@pytest.fixture
def book(workspace: Workspace) -> Ledger:
    book = Ledger(workspace)
    book.client("ALPHA", "Alpha SARL")
    book.invoice("ALPHA", "F1", date(2026, 1, 1), DUE, 120_000)
    book.client("BETA", "Bêta SAS")
    book.invoice("BETA", "F2", date(2026, 1, 1), DUE, 80_000)
    return book


def today(book: Ledger, day: date) -> list[Suggestion]:
    book.ws.clock = fixed_clock(day)
    return list(next_steps.build_todo(book.ws, day).suggestions)


def actions(ws: Workspace) -> list[tuple[ActionKind, int | None, dict[str, object], list[int]]]:
    with ws.dossier.reading() as session:
        rows = session.scalars(select(Action).order_by(Action.id)).all()
        return [(a.kind, a.ladder_step_id, json.loads(a.details), sorted(session.scalars(
            select(action_invoices.c.invoice_id).where(action_invoices.c.action_id == a.id)))) for a in rows]


def test_execute_records_the_step_and_refuses_to_do_it_twice(book: Ledger) -> None:
    day = DUE + timedelta(days=5)
    alpha = today(book, day)[0]
    action_id = todo_actions.execute_suggestion(book.ws, alpha, day)
    kind, step_id, _details, invoices = actions(book.ws)[-1]
    assert (kind, step_id, invoices) == (ActionKind.REMINDER, alpha.step_id, [1])
    assert action_id > 0
    with pytest.raises(ValidationFailed, match="déjà été enregistrée"):
        todo_actions.execute_suggestion(book.ws, alpha, day)
    assert [s.client_code for s in today(book, day)] == ["BETA"]


def test_a_date_in_the_future_is_refused(book: Ledger) -> None:
    day = DUE + timedelta(days=5)
    suggestion = today(book, day)[0]
    with pytest.raises(ValidationFailed, match="dans le futur"):
        todo_actions.execute_suggestion(book.ws, suggestion, day + timedelta(days=1))


def test_postpone_hides_the_client_until_the_date(book: Ledger) -> None:
    day = DUE + timedelta(days=5)
    alpha = today(book, day)[0]
    with pytest.raises(ValidationFailed, match="postérieure"):
        todo_actions.postpone(book.ws, alpha, day, day)
    todo_actions.postpone(book.ws, alpha, day, day + timedelta(days=4), "Client en congés")
    assert [s.client_code for s in today(book, day + timedelta(days=3))] == ["BETA"]
    back = [s for s in today(book, day + timedelta(days=4)) if s.client_code == "ALPHA"]
    assert back and "postponement_over" in [r.code.value for r in back[0].reasons]
    kind, _step, details, _invoices = actions(book.ws)[-1]
    assert kind is ActionKind.POSTPONED and details["until"] == "2026-02-09" and details["reason"] == "Client en congés"


def test_skip_needs_a_reason_and_the_next_step_follows(book: Ledger) -> None:
    day = DUE + timedelta(days=5)
    alpha = today(book, day)[0]
    with pytest.raises(ValidationFailed, match="pourquoi"):
        todo_actions.skip(book.ws, alpha, day, "  ")
    todo_actions.skip(book.ws, alpha, day, "Relancé par téléphone")
    assert [s.client_code for s in today(book, day)] == ["BETA"]
    later = [s for s in today(book, DUE + timedelta(days=15)) if s.client_code == "ALPHA"]
    assert later[0].step_name == "Deuxième relance"


def call_suggestion(book: Ledger) -> Suggestion:
    day = DUE + timedelta(days=30)
    return next(s for s in today(book, day) if s.client_code == "ALPHA")


def test_a_call_with_a_promise_creates_it_and_pauses_the_client(book: Ledger) -> None:
    suggestion = call_suggestion(book)
    assert suggestion.channel is Channel.PHONE
    day = DUE + timedelta(days=30)
    with pytest.raises(ValidationFailed, match="date promise"):
        todo_actions.record_call(book.ws, suggestion, day, CallOutcome.PROMISE)
    todo_actions.record_call(book.ws, suggestion, day, CallOutcome.PROMISE, promise_on=day + timedelta(days=20),
                             notes="Virement prévu")
    with book.ws.dossier.reading() as session:
        promise = session.scalars(select(Promise)).one()
        assert (promise.amount_cents, promise.promised_on) == (120_000, day + timedelta(days=20))
    assert [a[0] for a in actions(book.ws)[-2:]] == [ActionKind.CALL, ActionKind.PROMISE]
    for offset in range(1, 23):
        assert "ALPHA" not in [s.client_code for s in today(book, day + timedelta(days=offset))]
    assert "ALPHA" in [s.client_code for s in today(book, day + timedelta(days=23))]  # broken after 3 days' grace


def test_a_call_with_a_dispute_takes_the_invoices_out(book: Ledger) -> None:
    suggestion = call_suggestion(book)
    day = DUE + timedelta(days=30)
    todo_actions.record_call(book.ws, suggestion, day, CallOutcome.DISPUTE, dispute_reason="quality",
                             notes="Pièces défectueuses")
    with book.ws.dossier.reading() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert (dispute.reason, dispute.opened_on) == ("quality", day)
    assert "ALPHA" not in [s.client_code for s in today(book, day + timedelta(days=40))]


def test_call_back_is_suggested_on_its_date_and_closed_by_the_next_call(book: Ledger) -> None:
    suggestion = call_suggestion(book)
    day = DUE + timedelta(days=30)
    with pytest.raises(ValidationFailed, match="date du rappel"):
        todo_actions.record_call(book.ws, suggestion, day, CallOutcome.CALL_BACK)
    todo_actions.record_call(book.ws, suggestion, day, CallOutcome.CALL_BACK, follow_up_on=day + timedelta(days=3),
                             notes="Rappeler la comptable")
    assert [s.kind for s in today(book, day + timedelta(days=2)) if s.client_code == "ALPHA"] == []
    follow = [s for s in today(book, day + timedelta(days=3)) if s.client_code == "ALPHA"]
    assert [s.kind for s in follow] == [SuggestionKind.FOLLOW_UP]
    assert follow[0].reasons[0].params["note"] == "Rappeler la comptable"
    todo_actions.record_call(book.ws, follow[0], day + timedelta(days=3), CallOutcome.NO_ANSWER)
    assert [s.kind for s in today(book, day + timedelta(days=4)) if s.client_code == "ALPHA"] == []
    with pytest.raises(ValidationFailed, match="déjà été enregistré"):
        todo_actions.execute_suggestion(book.ws, follow[0], day + timedelta(days=4))


def test_already_paid_asks_to_check_the_bank_in_three_days(book: Ledger) -> None:
    suggestion = call_suggestion(book)
    day = DUE + timedelta(days=30)
    todo_actions.record_call(book.ws, suggestion, day, CallOutcome.ALREADY_PAID)
    kind, _step, details, _invoices = actions(book.ws)[-1]
    assert kind is ActionKind.FOLLOW_UP and details["on"] == "2026-03-05"
    assert "banque" in str(details["note"])


def notice(book: Ledger) -> Suggestion:
    day = DUE + timedelta(days=45)
    for offset in (5, 15, 30):
        for suggestion in today(book, DUE + timedelta(days=offset)):
            todo_actions.execute_suggestion(book.ws, suggestion, DUE + timedelta(days=offset))
    return next(s for s in today(book, day) if s.client_code == "ALPHA")


def test_a_formal_notice_records_its_deadline_and_its_delivery(book: Ledger) -> None:
    suggestion = notice(book)
    day = DUE + timedelta(days=45)
    assert suggestion.channel is Channel.REGISTERED_LETTER and suggestion.needs_review
    notice_id = todo_actions.execute_suggestion(book.ws, suggestion, day, details={"lrar_number": "1A 1"})
    assert actions(book.ws)[-1][:3] == (ActionKind.FORMAL_NOTICE, suggestion.step_id,
                                        {"deadline_days": 8, "lrar_number": "1A 1"})
    book.ws.clock = fixed_clock(day + timedelta(days=3))
    with pytest.raises(ValidationFailed) as error:
        todo_actions.record_delivery(book.ws, notice_id, day + timedelta(days=2), day + timedelta(days=1))
    assert "avant d'avoir été présentée" in str(error.value)
    with pytest.raises(ValidationFailed, match="envoyée le"):
        todo_actions.record_delivery(book.ws, notice_id, day - timedelta(days=1), None)
    with pytest.raises(ValidationFailed, match="n'est pas une mise en demeure"):
        todo_actions.record_delivery(book.ws, 1, day, None)
    todo_actions.record_delivery(book.ws, notice_id, day + timedelta(days=1), day + timedelta(days=3))
    assert "ALPHA" not in [s.client_code for s in today(book, day + timedelta(days=11))]
    route = [s for s in today(book, day + timedelta(days=12)) if s.client_code == "ALPHA"]
    assert [s.kind for s in route] == [SuggestionKind.SMALL_CLAIM]
    todo_actions.execute_suggestion(book.ws, route[0], day + timedelta(days=12))
    assert actions(book.ws)[-1][0] is ActionKind.COURT
    assert "ALPHA" not in [s.client_code for s in today(book, day + timedelta(days=13))]


def test_batch_reports_progress_refuses_stale_ones_and_can_stop(book: Ledger) -> None:
    day = DUE + timedelta(days=5)
    suggestions = today(book, day)
    book.pay("BETA", day, 80_000, (2, 80_000))
    calls: list[tuple[int, int]] = []
    result = todo_actions.execute_batch(book.ws, suggestions, day, progress=lambda done, total: calls.append(
        (done, total)) is None)
    assert calls == [(1, 2), (2, 2)]
    assert len(result.action_ids) == 1 and not result.cancelled
    assert [key for key, _message in result.refused] == [s.key for s in suggestions if s.client_code == "BETA"]
    assert "F2" in result.refused[0][1]
    later = today(book, DUE + timedelta(days=15))
    stopped = todo_actions.execute_batch(book.ws, later * 2, DUE + timedelta(days=15), progress=lambda d, t: False)
    assert stopped.cancelled and len(stopped.action_ids) == 1


def test_a_contested_claim_goes_to_an_agency_and_delivery_can_come_through_execute(book: Ledger) -> None:
    suggestion = notice(book)
    day = DUE + timedelta(days=45)
    notice_id = todo_actions.execute_suggestion(book.ws, suggestion, day, details={"lrar_number": "1A 2"})
    ask = [s for s in today(book, day + timedelta(days=7)) if s.client_code == "ALPHA"]
    assert [s.kind for s in ask] == [SuggestionKind.DELIVERY] and ask[0].related_action_id == notice_id
    todo_actions.execute_suggestion(book.ws, ask[0], day + timedelta(days=7),
                                    details={"presented_on": (day + timedelta(days=2)).isoformat()})
    assert actions(book.ws)[-1][:3] == (ActionKind.DELIVERY, None, {
        "notice_action_id": notice_id, "presented_on": "2026-03-19", "received_on": None})
    dispute = cases.open_dispute(book.ws, (1,), "price", day + timedelta(days=8))
    cases.resolve_dispute(book.ws, dispute, day + timedelta(days=9), DisputeOutcome.REJECTED)
    route = [s for s in today(book, day + timedelta(days=11)) if s.client_code == "ALPHA"]
    assert [s.kind for s in route] == [SuggestionKind.AGENCY]
    todo_actions.execute_suggestion(book.ws, route[0], day + timedelta(days=11))
    kind, _step, details, invoices = actions(book.ws)[-1]
    assert (kind, details["route"], details["notice_action_id"], invoices) == (
        ActionKind.AGENCY, "agency", notice_id, [1])

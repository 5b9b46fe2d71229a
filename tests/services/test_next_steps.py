"""Scenarios: the clock moves day by day over a few months on small dossiers; the user does what is suggested."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.kinds import CallOutcome, Channel, DisputeOutcome, InvoiceKind, SuggestionKind
from app.models import Client, Ladder
from app.services import cases, next_steps, todo_actions
from app.services.clock import fixed_clock
from app.services.todo_dto import ReasonCode, Suggestion
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace
from tests.services.ledger import Ledger

DUE = date(2026, 1, 31)
Act = Callable[[Workspace, Suggestion, date], None]
Seen = list[tuple[date, str, str, str]]  # (day, client code, kind or step name, channel)


def execute(ws: Workspace, suggestion: Suggestion, day: date) -> None:
    """What a diligent user does: every suggestion executed the day it appears; LRARs received two days later."""
    if suggestion.kind is SuggestionKind.DELIVERY:
        assert suggestion.related_action_id is not None
        todo_actions.record_delivery(ws, suggestion.related_action_id, None, day - timedelta(days=5))
    elif suggestion.channel is Channel.PHONE:
        todo_actions.record_call(ws, suggestion, day, CallOutcome.VOICEMAIL)
    else:
        todo_actions.execute_suggestion(ws, suggestion, day, details={"lrar_number": "1A 000 000 0000 1"}
                                        if suggestion.channel is Channel.REGISTERED_LETTER else None)


def run(ws: Workspace, start: date, end: date, act: Act = execute,
        before: Callable[[date], None] | None = None) -> Seen:
    """Each day from ``start`` to ``end``: set the clock, let ``before`` happen, list, act on every suggestion."""
    seen: Seen = []
    day = start
    while day <= end:
        ws.clock = fixed_clock(day)
        if before is not None:
            before(day)
        for suggestion in next_steps.build_todo(ws, day).suggestions:
            label = suggestion.step_name if suggestion.kind is SuggestionKind.STEP else suggestion.kind.value
            seen.append((day, suggestion.client_code, label, suggestion.channel.value))
            act(ws, suggestion, day)
        day += timedelta(days=1)
    return seen


@pytest.fixture
def book(workspace: Workspace) -> Ledger:
    return Ledger(workspace)


def test_the_default_ladder_step_by_step_then_the_judicial_route(book: Ledger) -> None:
    book.client("ALPHA", "Alpha SARL", segment_code="standard")
    book.invoice("ALPHA", "F1", date(2026, 1, 1), DUE, 120_000)
    seen = run(book.ws, date(2026, 1, 15), date(2026, 5, 15))
    assert seen == [
        (date(2026, 1, 26), "ALPHA", "Rappel de courtoisie", "email"),
        (date(2026, 2, 5), "ALPHA", "Première relance", "email"),
        (date(2026, 2, 15), "ALPHA", "Deuxième relance", "letter"),
        (date(2026, 3, 2), "ALPHA", "Relance ferme et appel", "phone"),
        (date(2026, 3, 17), "ALPHA", "Mise en demeure", "registered_letter"),
        # No delivery date after 7 days: asked for; received on 19/03, so the 8 days run to 27/03.
        (date(2026, 3, 24), "ALPHA", "delivery", "registered_letter"),
        (date(2026, 3, 28), "ALPHA", "small_claim", "judicial"),
    ]


def test_a_large_claim_goes_to_an_injonction_de_payer(book: Ledger) -> None:
    book.client("BIG", "Big SA")
    book.invoice("BIG", "F1", date(2026, 1, 1), DUE, 650_000)
    seen = run(book.ws, date(2026, 3, 1), date(2026, 4, 30))
    assert [(day, kind) for day, _code, kind, _channel in seen if kind in ("injunction", "small_claim")] == [
        (date(2026, 3, 28), "injunction")]


def test_a_backlog_taken_over_starts_at_its_age_without_a_burst(book: Ledger) -> None:
    book.client("OLD", "Ancien SARL")
    start = date(2026, 4, 10)
    book.invoice("OLD", "F1", start - timedelta(days=100), start - timedelta(days=70), 80_000)
    book.invoice("OLD", "F2", start - timedelta(days=60), start - timedelta(days=30), 40_000)
    seen = run(book.ws, start, start + timedelta(days=30))
    assert seen == [
        (start, "OLD", "Relance ferme et appel", "phone"),  # J+30 matches its age; a notice never comes first
        (start + timedelta(days=7), "OLD", "Mise en demeure", "registered_letter"),
        (start + timedelta(days=14), "OLD", "delivery", "registered_letter"),
        (start + timedelta(days=18), "OLD", "small_claim", "judicial"),
    ]


def test_nothing_twice_within_the_minimum_interval_when_invoices_keep_coming(book: Ledger) -> None:
    book.client("BUSY", "Busy SAS")
    for month in range(1, 5):
        book.invoice("BUSY", f"F{month}", date(2026, month, 1), date(2026, month, 28), 30_000)
    seen = run(book.ws, date(2026, 1, 1), date(2026, 6, 30))
    contacts = [day for day, _code, kind, _channel in seen if kind not in ("delivery", "small_claim")]
    assert len(contacts) >= 6
    assert all((b - a).days >= 7 for a, b in itertools.pairwise(contacts))


def test_a_payment_recorded_the_day_before_stops_the_reminder(book: Ledger) -> None:
    book.client("PAY", "Payeur SARL")
    invoice = book.invoice("PAY", "F1", date(2026, 1, 1), DUE, 50_000)

    def pay(day: date) -> None:
        if day == DUE + timedelta(days=4):
            book.pay("PAY", day, 50_000, (invoice, 50_000))

    seen = run(book.ws, DUE, DUE + timedelta(days=60), before=pay)
    assert seen == []


def test_a_suggestion_paid_since_the_list_is_refused(book: Ledger) -> None:
    book.client("PAY", "Payeur SARL")
    invoice = book.invoice("PAY", "F1", date(2026, 1, 1), DUE, 50_000)
    day = DUE + timedelta(days=5)
    book.ws.clock = fixed_clock(day)
    (suggestion,) = next_steps.build_todo(book.ws, day).suggestions
    book.pay("PAY", day, 50_000, (invoice, 50_000))
    with pytest.raises(ValidationFailed, match="F1 a été payée"):
        todo_actions.execute_suggestion(book.ws, suggestion, day)


def test_a_dispute_stops_the_ladder_until_resolved(book: Ledger) -> None:
    book.client("LIT", "Litige SARL")
    invoice = book.invoice("LIT", "F1", date(2026, 1, 1), DUE, 50_000)
    ws = book.ws

    def events(day: date) -> None:
        if day == DUE + timedelta(days=10):
            cases.open_dispute(ws, (invoice,), "quality", day)
        if day == DUE + timedelta(days=40):
            cases.resolve_dispute(ws, 1, day, DisputeOutcome.REJECTED)

    seen = run(ws, DUE, DUE + timedelta(days=50), before=events)
    assert [(day, kind) for day, _code, kind, _channel in seen] == [
        (DUE + timedelta(days=5), "Première relance"),
        (DUE + timedelta(days=40), "Deuxième relance"),  # caught up once the dispute is over
        (DUE + timedelta(days=47), "Relance ferme et appel"),
    ]


def promise_at_the_call(ws: Workspace, suggestion: Suggestion, day: date) -> None:
    if suggestion.channel is Channel.PHONE and suggestion.kind is SuggestionKind.STEP:
        todo_actions.record_call(ws, suggestion, day, CallOutcome.PROMISE, promise_on=day + timedelta(days=30),
                                 notes="Paiement promis")
    else:
        execute(ws, suggestion, day)


def test_a_kept_promise_ends_it_a_broken_one_brings_it_back_flagged(book: Ledger) -> None:
    book.client("KEPT", "Tenue SARL")
    book.client("BROKE", "Rompue SARL")
    kept = book.invoice("KEPT", "F1", date(2026, 1, 1), DUE, 50_000)
    book.invoice("BROKE", "F2", date(2026, 1, 1), DUE, 50_000)

    def pay(day: date) -> None:
        if day == DUE + timedelta(days=55):
            book.pay("KEPT", day, 50_000, (kept, 50_000))

    seen = run(book.ws, DUE - timedelta(days=10), DUE + timedelta(days=69), act=promise_at_the_call, before=pay)
    assert [(day, code, kind) for day, code, kind, _channel in seen if day >= DUE + timedelta(days=30)] == [
        (DUE + timedelta(days=30), "KEPT", "Relance ferme et appel"),
        (DUE + timedelta(days=30), "BROKE", "Relance ferme et appel"),
        # Promised for J+60, 3 days' grace: broken on J+63, and the notice (due since J+45) follows.
        (DUE + timedelta(days=63), "BROKE", "Mise en demeure"),
    ]


def test_broken_promise_is_a_reason(book: Ledger) -> None:
    book.client("BROKE", "Rompue SARL")
    invoice = book.invoice("BROKE", "F2", date(2026, 1, 1), DUE, 50_000)
    cases.record_promise(book.ws, (invoice,), DUE + timedelta(days=30), DUE + timedelta(days=40), 50_000)
    day = DUE + timedelta(days=45)
    book.ws.clock = fixed_clock(day)
    (suggestion,) = next_steps.build_todo(book.ws, day).suggestions
    assert ReasonCode.BROKEN_PROMISE in [reason.code for reason in suggestion.reasons]
    assert suggestion.invoices[0].flag is ReasonCode.BROKEN_PROMISE


def test_a_missed_instalment_resumes_the_ladder(book: Ledger) -> None:
    book.client("PLAN", "Échéancier SARL")
    invoice = book.invoice("PLAN", "F1", date(2026, 1, 1), DUE, 60_000)
    instalments = cases.monthly_instalments(60_000, 3, DUE + timedelta(days=10))
    cases.create_plan(book.ws, (invoice,), DUE, instalments)

    def pay_first(day: date) -> None:
        if day == DUE + timedelta(days=10):
            book.pay("PLAN", day, 20_000, (invoice, 20_000))

    seen = run(book.ws, DUE, DUE + timedelta(days=50), before=pay_first)
    # The second instalment (10/03 + 3 days' grace) is missed: reminders resume on 14/03 at the step matching
    # the invoice's age (nothing was sent while the plan held), the notice a week later.
    assert [(day, kind) for day, _code, kind, _channel in seen] == [
        (date(2026, 3, 14), "Relance ferme et appel"), (date(2026, 3, 21), "Mise en demeure")]


def test_a_credit_note_lowers_the_claim_under_the_minimum(book: Ledger) -> None:
    book.client("AVOIR", "Avoir SARL")
    book.invoice("AVOIR", "F1", date(2026, 1, 1), DUE, 5_000)
    day = DUE + timedelta(days=5)
    book.ws.clock = fixed_clock(day)
    (suggestion,) = next_steps.build_todo(book.ws, day).suggestions
    assert suggestion.claimed_cents == 5_000
    book.invoice("AVOIR", "A1", DUE, DUE, 4_500, kind=InvoiceKind.CREDIT_NOTE)
    assert next_steps.build_todo(book.ws, day).suggestions == ()  # 5 € left: under the ladder's 10 €


def test_prescription_warned_for_a_consumer_not_for_a_business(book: Ledger) -> None:
    book.client("CONSO", "Jean Conso", is_consumer=True)
    book.client("PRO", "Pro SARL")
    due = date(2024, 6, 1)
    for code in ("CONSO", "PRO"):
        invoice = book.invoice(code, f"F-{code}", date(2024, 5, 1), due, 90_000)
        cases.open_dispute(book.ws, (invoice,), "price", date(2024, 6, 2))
    for dispute_id in (1, 2):
        cases.resolve_dispute(book.ws, dispute_id, date(2024, 6, 3), DisputeOutcome.REJECTED)
    # Every step done long ago: only the limitation date remains (2 years for a consumer: 01/06/2026).
    day = date(2026, 4, 1)
    book.ws.clock = fixed_clock(day)
    for suggestion in next_steps.build_todo(book.ws, date(2024, 9, 1)).suggestions:
        todo_actions.skip(book.ws, suggestion, date(2024, 9, 1), "reprise")
    found = next_steps.build_todo(book.ws, day).suggestions
    conso = [s for s in found if s.client_code == "CONSO"]
    assert conso and ReasonCode.PRESCRIPTION_NEAR in [w.code for w in conso[0].warnings]
    assert next(w for w in conso[0].warnings if w.code is ReasonCode.PRESCRIPTION_NEAR).params["on"] == "2026-06-01"
    pro = [s for s in found if s.client_code == "PRO"]
    assert all(ReasonCode.PRESCRIPTION_NEAR not in [w.code for w in s.warnings] for s in pro)


def test_bank_import_date_and_staleness(book: Ledger) -> None:
    book.client("A", "A SARL")
    book.invoice("A", "F1", date(2026, 1, 1), DUE, 50_000)
    day = DUE + timedelta(days=5)
    todo = next_steps.build_todo(book.ws, day)
    assert todo.bank_stale and todo.last_bank_import is None
    next_steps.set_last_bank_import(book.ws, day - timedelta(days=2))
    next_steps.set_last_bank_import(book.ws, day - timedelta(days=9))  # an older statement does not go back
    todo = next_steps.build_todo(book.ws, day)
    assert not todo.bank_stale and todo.last_bank_import == day - timedelta(days=2)
    assert next_steps.last_bank_import(book.ws) == day - timedelta(days=2)
    assert [w.code for w in todo.suggestions[0].warnings] == []


def test_the_ladder_comes_from_the_client_then_its_segment_then_the_default(book: Ledger) -> None:
    book.client("DEFAULT", "Sans segment SARL")
    book.client("RISKY", "Risque SARL", segment_code="at_risk")
    own = book.client("OWN", "Propre SARL", segment_code="at_risk")
    for code in ("DEFAULT", "RISKY", "OWN"):
        book.invoice(code, f"F-{code}", date(2026, 1, 1), DUE, 50_000)
    with book.ws.dossier.transaction() as session:
        session.get(Client, own).ladder_id = session.scalars(select(Ladder.id).where(Ladder.code == "good_payer")).one()
    day = DUE + timedelta(days=10)
    found = {s.client_code: (s.ladder_code, s.step_name) for s in next_steps.build_todo(book.ws, day).suggestions}
    assert found == {"DEFAULT": ("standard", "Première relance"), "RISKY": ("at_risk", "Relance et appel"),
                     "OWN": ("good_payer", "Première relance")}


def test_skipping_a_route_or_a_call_back_closes_it(book: Ledger) -> None:
    book.client("ALPHA", "Alpha SARL")
    book.invoice("ALPHA", "F1", date(2026, 1, 1), DUE, 120_000)

    def skip_routes(ws: Workspace, suggestion: Suggestion, day: date) -> None:
        if suggestion.kind is SuggestionKind.SMALL_CLAIM:
            todo_actions.skip(ws, suggestion, day, "Le client a demandé un délai")
        elif suggestion.channel is Channel.PHONE and suggestion.kind is SuggestionKind.STEP:
            todo_actions.record_call(ws, suggestion, day, CallOutcome.CALL_BACK, follow_up_on=day + timedelta(days=2))
        elif suggestion.kind is SuggestionKind.FOLLOW_UP:
            todo_actions.skip(ws, suggestion, day, "Plus la peine")
        else:
            execute(ws, suggestion, day)

    seen = run(book.ws, DUE + timedelta(days=25), DUE + timedelta(days=80), act=skip_routes)
    # Taken over at J+25: the second reminder first, the call a week later, its call back two days after.
    assert [(day - DUE).days for day, _code, _kind, _channel in seen] == [25, 32, 34, 45, 52, 56]
    assert [kind for _day, _code, kind, _channel in seen] == [
        "Deuxième relance", "Relance ferme et appel", "follow_up", "Mise en demeure", "delivery", "small_claim"]

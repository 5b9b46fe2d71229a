"""The reminder engine on hand-built cases: one test per rule of DESIGN.md §4."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.kinds import ActionKind, Channel, OffsetBase, SuggestionKind, Tone
from app.domain.ladder_engine import priority, propose, suggest
from app.domain.ladder_engine_facts import (
    ClientCase,
    EngineSettings,
    LadderRule,
    OpenInvoice,
    PastAction,
    PlanCase,
    PromiseCase,
    Proposal,
    StepRule,
)
from app.domain.ladder_engine_routes import prescription_date
from app.services.todo_dto import ReasonCode

D = date(2026, 3, 1)  # the due date of most invoices below
FRESH = EngineSettings(last_bank_import=date(2026, 12, 31))  # a recent bank import: no freshness warning


def steps() -> tuple[StepRule, ...]:
    return (
        StepRule(11, 1, "Courtesy", -5, Channel.EMAIL),
        StepRule(12, 2, "First reminder", 5, Channel.EMAIL),
        StepRule(13, 3, "Second reminder", 15, Channel.LETTER, tone=Tone.FIRM),
        StepRule(14, 4, "Call", 30, Channel.PHONE, tone=Tone.FIRM),
        StepRule(15, 5, "Formal notice", 45, Channel.REGISTERED_LETTER, tone=Tone.FORMAL, needs_review=True,
                 deadline_days=8),
    )


LADDER = LadderRule(1, "standard", steps(), min_interval_days=7, min_amount_cents=1000, backlog_by_age=False)


def inv(invoice_id: int = 1, due: date = D, cents: int = 100_000, **extra: object) -> OpenInvoice:
    return OpenInvoice(invoice_id, f"F{invoice_id}", due - timedelta(days=30), due, cents, **extra)  # type: ignore[arg-type]


def case(*invoices: OpenInvoice, **extra: object) -> ClientCase:
    values: dict[str, object] = {"ladder": LADDER, "risk_grade": "B"}
    values.update(extra)
    return ClientCase(7, "C7", "Client Sept", invoices=invoices, **values)  # type: ignore[arg-type]


def step_done(action_id: int, step_id: int, on: date, *ids: int, kind: ActionKind = ActionKind.REMINDER,
              **details: object) -> PastAction:
    return PastAction(action_id, kind, on, frozenset(ids or (1,)), step_id, None, details)


def one(client: ClientCase, as_of: date, settings: EngineSettings = FRESH) -> Proposal | None:
    found = propose(client, as_of, settings)
    assert len(found) <= 1, found
    return found[0] if found else None


def codes(proposal: Proposal) -> list[str]:
    return [why.code for why in proposal.reasons]


def warning_codes(proposal: Proposal) -> list[str]:
    return [why.code for why in proposal.warnings]


# Rule 1: eligibility


def test_paid_disputed_flagged_invoices_and_do_not_remind_clients_get_nothing() -> None:
    late = D + timedelta(days=6)
    assert one(case(inv()), late) is not None
    assert one(case(inv(disputed=True)), late) is None
    assert one(case(inv(no_reminder=True)), late) is None
    assert one(case(inv(), do_not_remind=True), late) is None
    assert one(case(), late) is None  # nothing open: nothing to remind


def test_a_pending_promise_pauses_a_broken_one_brings_the_invoice_back_flagged() -> None:
    late = D + timedelta(days=6)
    pending = PromiseCase(1, D, D + timedelta(days=10), 50_000, frozenset({1}), "pending")
    assert one(case(inv(), promises=(pending,)), late) is None
    broken = PromiseCase(1, D, D + timedelta(days=2), 50_000, frozenset({1}), "broken")
    proposal = one(case(inv(), promises=(broken,)), late)
    assert proposal is not None
    assert proposal.invoices[0].flag == "broken_promise"
    assert ReasonCode.BROKEN_PROMISE in codes(proposal)


def test_a_plan_in_good_standing_pauses_a_missed_instalment_resumes() -> None:
    late = D + timedelta(days=40)
    plan = PlanCase(1, D, frozenset({1}), ((D + timedelta(days=10), 50_000), (D + timedelta(days=60), 50_000)),
                    paid_cents=50_000)
    assert one(case(inv(), plans=(plan,)), late) is None
    missed = PlanCase(1, D, frozenset({1}), plan.instalments, paid_cents=10_000)
    proposal = one(case(inv(), plans=(missed,)), late)
    assert proposal is not None
    reason = next(why for why in proposal.reasons if why.code == "missed_instalment")
    assert reason.params == {"due_on": "2026-03-11", "cents": 50_000}
    cancelled = PlanCase(1, D, frozenset({1}), plan.instalments, paid_cents=50_000, cancelled_on=D)
    assert one(case(inv(), plans=(cancelled,)), late) is not None  # a cancelled plan protects nothing


# Rule 2: next step, minimum interval, backlog


def test_courtesy_before_due_then_first_reminder_after_due() -> None:
    assert one(case(inv()), D - timedelta(days=6)) is None
    courtesy = one(case(inv()), D - timedelta(days=5))
    assert courtesy is not None and courtesy.step is not None and courtesy.step.name == "Courtesy"
    assert one(case(inv()), D) is None  # the courtesy e-mail lapses at the due date; the first reminder is at J+5
    first = one(case(inv()), D + timedelta(days=5))
    assert first is not None and first.step is not None and first.step.name == "First reminder"
    assert first.channel is Channel.EMAIL


def test_the_step_after_the_last_done_and_the_minimum_interval() -> None:
    history = (step_done(1, 12, D + timedelta(days=5)),)
    assert one(case(inv(), history=history), D + timedelta(days=14)) is None  # J+15 not reached
    second = one(case(inv(), history=history), D + timedelta(days=15))
    assert second is not None and second.step is not None and second.step.step_id == 13
    # The first reminder was only sent at J+12: the letter waits for the 7-day interval.
    late_first = (step_done(1, 12, D + timedelta(days=12)),)
    assert one(case(inv(), history=late_first), D + timedelta(days=18)) is None
    assert one(case(inv(), history=late_first), D + timedelta(days=19)) is not None


def test_a_contact_about_another_invoice_counts_for_the_interval() -> None:
    call = PastAction(9, ActionKind.CALL, D + timedelta(days=3), frozenset({2}), None, Channel.PHONE)
    assert one(case(inv(), history=(call,)), D + timedelta(days=5)) is None
    assert one(case(inv(), history=(call,)), D + timedelta(days=10)) is not None


def test_offsets_from_the_previous_step() -> None:
    ladder = LadderRule(2, "relative", (
        StepRule(21, 1, "First", 5, Channel.EMAIL),
        StepRule(22, 2, "Second", 10, Channel.LETTER, offset_base=OffsetBase.PREVIOUS_STEP),
    ), min_interval_days=0)
    history = (step_done(1, 21, D + timedelta(days=20)),)
    assert one(case(inv(), ladder=ladder, history=history), D + timedelta(days=29)) is None
    proposal = one(case(inv(), ladder=ladder, history=history), D + timedelta(days=30))
    assert proposal is not None and proposal.step is not None and proposal.step.step_id == 22


def test_skipped_step_counts_as_done() -> None:
    skipped = (step_done(1, 12, D + timedelta(days=5), kind=ActionKind.SKIPPED),)
    proposal = one(case(inv(), history=skipped), D + timedelta(days=15))
    assert proposal is not None and proposal.step is not None and proposal.step.step_id == 13


def test_backlog_starts_at_the_step_matching_its_age_but_never_with_a_formal_notice() -> None:
    backlog = LadderRule(1, "standard", steps(), min_interval_days=7, backlog_by_age=True)
    old = inv(due=D - timedelta(days=70))
    proposal = one(case(old, ladder=backlog), D)
    assert proposal is not None and proposal.step is not None
    assert proposal.step.name == "Call"  # J+30 matches a 70-day-old invoice; J+45 (LRAR) never comes first
    assert ReasonCode.BACKLOG in codes(proposal) and ReasonCode.CAUGHT_UP in codes(proposal)
    without = one(case(old), D)
    assert without is not None and without.step is not None and without.step.name == "First reminder"


# Rule 3: grouping; rule 4: minimum amount; credits


def test_one_suggestion_per_client_at_the_highest_step_listing_every_due_invoice() -> None:
    old, new, later = inv(1, D - timedelta(days=30)), inv(2, D - timedelta(days=2)), inv(3, D + timedelta(days=20))
    history = (step_done(1, 12, D - timedelta(days=25), 1), step_done(2, 13, D - timedelta(days=15), 1))
    proposal = one(case(old, new, later, history=history), D)
    assert proposal is not None and proposal.step is not None and proposal.step.name == "Call"
    assert [i.invoice_id for i in proposal.invoices] == [1, 2]  # not the invoice due later
    assert [i.step_position for i in proposal.invoices] == [4, None]
    assert proposal.overdue_cents == proposal.claimed_cents == 200_000


def test_a_reminder_does_not_claim_again_an_invoice_already_under_formal_notice() -> None:
    """Invoice 1 got its mise en demeure (position 5); invoice 2, due later, reaches its first reminder: the
    reminder covers invoice 2 alone, invoice 1 follows its notice's course."""
    sent = D + timedelta(days=45)
    history = notice_history(sent, received_on=(sent + timedelta(days=2)).isoformat())
    newer = inv(2, sent)
    found = propose(case(inv(), newer, history=history), sent + timedelta(days=8), FRESH)
    reminder = next(p for p in found if p.kind is SuggestionKind.STEP)
    assert reminder.step is not None and reminder.step.name == "First reminder"
    assert [i.invoice_id for i in reminder.invoices] == [2]
    assert reminder.claimed_cents == 100_000


def test_credits_lower_the_claim_and_the_minimum_amount_applies() -> None:
    late = D + timedelta(days=6)
    proposal = one(case(inv(cents=30_000), credits_cents=5_000), late)
    assert proposal is not None
    assert (proposal.overdue_cents, proposal.credits_cents, proposal.claimed_cents) == (30_000, 5_000, 25_000)
    assert next(w for w in proposal.reasons if w.code == "credits_deducted").params == {"cents": 5_000}
    assert one(case(inv(cents=30_000), credits_cents=29_500), late) is None  # 5 € left, under the 10 € minimum
    assert one(case(inv(cents=900)), late) is None


def test_a_step_with_its_own_minimum_is_passed_over() -> None:
    ladder = LadderRule(1, "standard", tuple(
        StepRule(s.step_id, s.position, s.name, s.offset_days, s.channel, min_amount_cents=500_000)
        if s.step_id == 13 else s for s in steps()), min_interval_days=7)
    history = (step_done(1, 12, D + timedelta(days=5)),)
    assert one(case(inv(), ladder=ladder, history=history), D + timedelta(days=20)) is None
    proposal = one(case(inv(), ladder=ladder, history=history), D + timedelta(days=30))
    assert proposal is not None and proposal.step is not None and proposal.step.step_id == 14


# Rule 5: reasons, caught-up days, postponement


def test_missed_days_are_caught_up_with_reasons() -> None:
    proposal = one(case(inv()), D + timedelta(days=9))
    assert proposal is not None
    assert codes(proposal) == ["step_reached", "days_late", "amount", "caught_up"]
    assert proposal.reasons[0].params == {"step_name": "First reminder", "offset_days": 5, "since": "2026-03-06"}
    assert proposal.reasons[1].params == {"days": 9, "number": "F1"}


def test_postponed_until_a_date_then_said_so() -> None:
    postponed = PastAction(5, ActionKind.POSTPONED, D + timedelta(days=5), frozenset({1}), None, None,
                           {"until": (D + timedelta(days=12)).isoformat(), "key": "7:step:12"})
    assert one(case(inv(), history=(postponed,)), D + timedelta(days=11)) is None
    proposal = one(case(inv(), history=(postponed,)), D + timedelta(days=12))
    assert proposal is not None and "postponement_over" in codes(proposal)


def test_previous_actions_are_listed_latest_first() -> None:
    history = (step_done(1, 12, D + timedelta(days=5)),
               step_done(2, 13, D + timedelta(days=15), kind=ActionKind.LETTER))
    proposal = one(case(inv(), history=history), D + timedelta(days=30))
    assert proposal is not None
    previous = [why.params for why in proposal.reasons if why.code == "previous_action"]
    assert previous == [{"label": "Second reminder", "kind": "letter", "on": "2026-03-16"},
                        {"label": "First reminder", "kind": "reminder", "on": "2026-03-06"}]


# Rule 6 and other warnings


def test_bank_freshness_credit_limit_and_review_warnings() -> None:
    late = D + timedelta(days=6)
    stale = EngineSettings(last_bank_import=late - timedelta(days=6), bank_max_age_days=5)
    proposal = one(case(inv(), credit_limit_cents=50_000), late, stale)
    assert proposal is not None
    assert warning_codes(proposal) == ["bank_stale", "over_credit_limit"]
    assert proposal.warnings[0].params == {"last_import": "2026-03-01", "days": 5}
    fresh = EngineSettings(last_bank_import=late - timedelta(days=5), bank_max_age_days=5)
    assert warning_codes(one(case(inv()), late, fresh)) == []  # type: ignore[arg-type]
    never = one(case(inv()), late, EngineSettings())
    assert never is not None and never.warnings[0].params == {"last_import": "", "days": 5}
    notice_due = (step_done(1, 14, D + timedelta(days=30), kind=ActionKind.CALL),)
    notice = one(case(inv(), history=notice_due), D + timedelta(days=45))
    assert notice is not None and notice.step is not None and notice.step.channel is Channel.REGISTERED_LETTER
    assert warning_codes(notice) == ["needs_review"]


# Rule 7: judicial route, delivery, prescription


def notice_history(sent: date, cents_ids: tuple[int, ...] = (1,), **details: object) -> tuple[PastAction, ...]:
    return (PastAction(50, ActionKind.FORMAL_NOTICE, sent, frozenset(cents_ids), 15, Channel.REGISTERED_LETTER,
                       {"lrar_number": "1A 123", "deadline_days": 8, **details}),)


def test_after_the_notice_deadline_the_route_fits_the_claim() -> None:
    sent = D + timedelta(days=45)
    history = notice_history(sent, received_on=(sent + timedelta(days=2)).isoformat())
    assert one(case(inv(), history=history), sent + timedelta(days=10)) is None  # deadline: received + 8 days
    small = one(case(inv(), history=history), sent + timedelta(days=11))
    assert small is not None and small.kind is SuggestionKind.SMALL_CLAIM and small.related_action_id == 50
    assert codes(small)[:3] == ["notice_unanswered", "undisputed_claim", "under_small_claim_ceiling"]
    assert small.reasons[0].params == {"sent_on": "2026-04-15", "deadline": "2026-04-25"}
    big = one(case(inv(cents=900_000), history=history), sent + timedelta(days=11))
    assert big is not None and big.kind is SuggestionKind.INJUNCTION
    contested = one(case(inv(ever_disputed=True), history=history), sent + timedelta(days=11))
    assert contested is not None and contested.kind is SuggestionKind.AGENCY


def test_the_route_covers_the_invoices_of_every_notice_not_only_the_latest() -> None:
    """Invoice 1 got a notice in April, invoice 2 another in May; both unpaid after May's deadline: one route
    for both (the April invoice is not left out of every suggestion)."""
    first, second = D + timedelta(days=45), D + timedelta(days=75)
    history = (PastAction(50, ActionKind.FORMAL_NOTICE, first, frozenset({1}), 15, Channel.REGISTERED_LETTER,
                          {"deadline_days": 8}),
               PastAction(51, ActionKind.FORMAL_NOTICE, second, frozenset({2}), 15, Channel.REGISTERED_LETTER,
                          {"deadline_days": 8}))
    found = propose(case(inv(), inv(2, D + timedelta(days=30)), history=history), second + timedelta(days=9), FRESH)
    route = next(p for p in found if p.kind is SuggestionKind.SMALL_CLAIM)
    assert sorted(i.invoice_id for i in route.invoices) == [1, 2] and route.related_action_id == 51
    assert route.claimed_cents == 200_000


def test_the_deadline_runs_from_a_delivery_recorded_later_and_the_route_stops_after_a_court_step() -> None:
    sent = D + timedelta(days=45)
    delivery = PastAction(51, ActionKind.DELIVERY, sent + timedelta(days=6), frozenset({1}), None, None,
                          {"notice_action_id": 50, "presented_on": (sent + timedelta(days=6)).isoformat(),
                           "received_on": None})
    history = (*notice_history(sent), delivery)
    assert one(case(inv(), history=history), sent + timedelta(days=14)) is None
    assert one(case(inv(), history=history), sent + timedelta(days=15)) is not None
    court = PastAction(52, ActionKind.COURT, sent + timedelta(days=20), frozenset({1}), None, Channel.JUDICIAL)
    assert one(case(inv(), history=(*history, court)), sent + timedelta(days=21)) is None


def test_a_notice_without_delivery_dates_asks_for_them() -> None:
    sent = D + timedelta(days=45)
    found = propose(case(inv(), history=notice_history(sent)), sent + timedelta(days=7), FRESH)
    assert [p.kind for p in found] == [SuggestionKind.DELIVERY]
    assert found[0].reasons[0].params == {"sent_on": "2026-04-15", "lrar": "1A 123"}
    assert propose(case(inv(), history=notice_history(sent)), sent + timedelta(days=6), FRESH) == []


def test_prescription_five_years_b2b_two_years_consumer() -> None:
    assert prescription_date(date(2024, 2, 29), consumer=False) == date(2029, 2, 28)
    assert prescription_date(date(2024, 3, 15), consumer=True) == date(2026, 3, 15)
    old = inv(due=date(2024, 3, 15))
    history = (step_done(1, 15, date(2024, 6, 1), kind=ActionKind.FORMAL_NOTICE),
               PastAction(2, ActionKind.SKIPPED, date(2024, 7, 1), frozenset({1}), None, None,
                          {"key": "7:small_claim:1", "notice_action_id": 1}))
    consumer = one(case(old, is_consumer=True, history=history), date(2026, 1, 1))
    assert consumer is not None and consumer.kind is SuggestionKind.SMALL_CLAIM
    assert consumer.warnings[-1].params == {"number": "F1", "on": "2026-03-15", "count": 1}
    assert one(case(old, history=history), date(2026, 1, 1)) is None  # 5 years between businesses


def test_follow_up_from_its_date_until_answered() -> None:
    task = PastAction(60, ActionKind.FOLLOW_UP, D + timedelta(days=30), frozenset({1}), None, Channel.PHONE,
                      {"on": (D + timedelta(days=33)).isoformat(), "note": "Ask for the accountant"})
    call = PastAction(61, ActionKind.CALL, D + timedelta(days=30), frozenset({1}), 14, Channel.PHONE)
    history = (call, task)
    assert propose(case(inv(), history=history), D + timedelta(days=32), FRESH) == []
    found = propose(case(inv(), history=history), D + timedelta(days=34), FRESH)
    assert [(p.kind, p.related_action_id) for p in found] == [(SuggestionKind.FOLLOW_UP, 60)]
    assert found[0].reasons[0].params == {"on": "2026-04-03", "note": "Ask for the accountant"}
    answer = PastAction(62, ActionKind.CALL, D + timedelta(days=34), frozenset({1}), None, Channel.PHONE,
                        {"follow_up_id": 60})
    assert propose(case(inv(), history=(*history, answer)), D + timedelta(days=35), FRESH) == []


# Priority


def test_priority_is_amount_times_age_times_risk_and_sorts_the_list() -> None:
    assert priority(123_456, 10, "A") == 1234 * 10 * 1
    assert priority(123_456, 10, "E") == 1234 * 10 * 5
    assert priority(50, 0, "C") == 3
    small = case(inv(cents=10_000))
    big = ClientCase(8, "C8", "Client Huit", LADDER, (inv(2, cents=500_000),), risk_grade="D")
    found = suggest([small, big], D + timedelta(days=6), FRESH)
    assert [p.client_id for p in found] == [8, 7]
    assert found[0].priority == 5000 * 6 * 4

"""Tests of the collection KPIs."""

from datetime import date

import pytest

from app.domain.kpis import (
    average_days_late,
    cei,
    collection_rate,
    dispute_rate,
    overdue_rate,
    promise_kept_rate,
    promise_outcome,
    promise_outcomes,
    write_off_rate,
)
from app.domain.periods import Period
from app.domain.records import (
    DisputeSpan,
    InvoiceFacts,
    OpenItem,
    PaymentFacts,
    PromiseFacts,
    Settlement,
    SettlementKind,
)

Q1 = Period(date(2024, 1, 1), date(2024, 3, 31))
JANUARY = Period(date(2024, 1, 1), date(2024, 1, 31))


def test_cei() -> None:
    # collected 100 000 + 50 000 - 80 000 of a collectible 100 000 + 50 000 - 30 000
    assert cei(100_000, 50_000, 80_000, 30_000) == pytest.approx(70_000 / 120_000 * 100)
    assert cei(100_000, 50_000, 30_000, 30_000) == pytest.approx(100.0)  # all that was due came in


def test_cei_zero_denominator() -> None:
    assert cei(0, 0, 0, 0) is None
    assert cei(0, 10_000, 10_000, 10_000) is None  # everything still not due


def test_average_days_late_is_amount_weighted() -> None:
    a = InvoiceFacts(
        1, 1, date(2024, 1, 1), date(2024, 1, 31), 100_000,
        (
            Settlement(date(2024, 2, 10), 60_000),  # 10 days late
            Settlement(date(2024, 1, 20), 40_000, SettlementKind.CREDIT_NOTE),  # early, and in January
        ),
    )  # fmt: skip
    b = InvoiceFacts(
        2, 1, date(2024, 1, 15), date(2024, 2, 15), 60_000,
        (
            Settlement(date(2024, 3, 16), 50_000),  # 14 days to 29 Feb + 16 = 30 days late
            Settlement(date(2024, 2, 20), 10_000, SettlementKind.WRITE_OFF),  # excluded
        ),
    )  # fmt: skip
    feb_mar = Period(date(2024, 2, 1), date(2024, 3, 31))
    assert average_days_late([a, b], feb_mar) == pytest.approx(
        (60_000 * 10 + 50_000 * 30) / (60_000 + 50_000)
    )
    # Q1 also holds the early credit note, weighing 40 000 at 0 days
    assert average_days_late([a, b], Q1) == pytest.approx(
        (60_000 * 10 + 50_000 * 30 + 40_000 * 0) / (60_000 + 50_000 + 40_000)
    )
    assert average_days_late([a, b], JANUARY) == 0.0
    assert average_days_late([a, b], Period(date(2024, 3, 16), date(2024, 3, 16))) == 30.0  # ends count
    assert average_days_late([a, b], Period(date(2024, 4, 1), date(2024, 4, 30))) is None
    assert average_days_late([], Q1) is None


def test_collection_rate() -> None:
    assert collection_rate(100_000, 50_000, 90_000) == pytest.approx(90_000 / 150_000 * 100)  # 60 %
    assert collection_rate(0, 0, 0) is None


def test_overdue_rate() -> None:
    as_of = date(2024, 6, 30)
    items = [
        OpenItem(1, date(2024, 6, 29), 30_000),  # due yesterday: overdue
        OpenItem(2, date(2024, 6, 30), 50_000),  # due today: not overdue
        OpenItem(2, date(2024, 7, 31), 20_000, disputed=True),
    ]
    assert overdue_rate(items, as_of) == pytest.approx(30_000 / 100_000 * 100)
    assert overdue_rate([], as_of) is None


def test_dispute_rate() -> None:
    invoices = [
        # issued in January, disputed later in March: still counts
        InvoiceFacts(
            1, 1, date(2024, 1, 5), date(2024, 2, 4), 100_000, disputes=(DisputeSpan(date(2024, 3, 1)),)
        ),
        InvoiceFacts(2, 1, date(2024, 1, 31), date(2024, 3, 1), 50_000),
        # issued in December: outside the period even though disputed
        InvoiceFacts(
            3, 2, date(2023, 12, 31), date(2024, 1, 30), 70_000, disputes=(DisputeSpan(date(2024, 1, 2)),)
        ),
    ]
    assert dispute_rate(invoices, JANUARY) == pytest.approx(100_000 / (100_000 + 50_000) * 100)
    assert dispute_rate(invoices, Period(date(2024, 2, 1), date(2024, 2, 29))) is None


def test_write_off_rate() -> None:
    old = InvoiceFacts(
        1, 1, date(2023, 10, 1), date(2023, 10, 31), 10_000,
        (Settlement(date(2024, 2, 1), 10_000, SettlementKind.WRITE_OFF),),
    )  # fmt: skip
    new = InvoiceFacts(
        2, 2, date(2024, 1, 10), date(2024, 2, 10), 200_000,
        (
            Settlement(date(2024, 2, 1), 190_000),  # a payment is not a write-off
            Settlement(date(2024, 4, 2), 5_000, SettlementKind.WRITE_OFF),  # after Q1
        ),
    )  # fmt: skip
    assert write_off_rate([old, new], Q1) == pytest.approx(10_000 / 200_000 * 100)  # 5 %
    assert write_off_rate([old], Q1) is None  # nothing issued in Q1


CLIENT = 7
PROMISE = PromiseFacts(CLIENT, made_on=date(2024, 3, 1), promised_on=date(2024, 3, 10), amount_cents=50_000)


def pay(day: int, cents: int, client: int = CLIENT, month: int = 3) -> PaymentFacts:
    return PaymentFacts(client, date(2024, month, day), cents)


def test_promise_kept_with_payments_up_to_the_grace_deadline() -> None:
    payments = [pay(5, 30_000), pay(13, 20_000)]  # 30 000 + 20 000, the last on 10 Mar + 3 days
    assert promise_outcome(PROMISE, payments, date(2024, 3, 12)) == "pending"
    assert promise_outcome(PROMISE, payments, date(2024, 3, 13)) == "kept"
    assert promise_kept_rate([PROMISE], payments, date(2024, 3, 13)) == 100.0


def test_promise_broken_after_the_deadline() -> None:
    payments = [
        pay(5, 30_000),
        pay(14, 20_000),  # a day after the deadline
        pay(28, 50_000, month=2),  # before the promise was made
        pay(6, 50_000, client=8),  # another client
    ]
    assert promise_outcome(PROMISE, payments, date(2024, 3, 13)) == "broken"
    assert promise_outcome(PROMISE, payments, date(2024, 3, 31)) == "broken"
    assert promise_kept_rate([PROMISE], payments, date(2024, 3, 31)) == 0.0


def test_promise_grace_days_parameter() -> None:
    payments = [pay(11, 50_000)]
    assert promise_outcome(PROMISE, payments, date(2024, 3, 11), grace_days=0) == "broken"
    assert promise_outcome(PROMISE, payments, date(2024, 3, 11), grace_days=1) == "kept"


def test_promise_kept_early_does_not_count_in_the_rate_yet() -> None:
    payments = [pay(2, 50_000)]
    assert promise_outcome(PROMISE, payments, date(2024, 3, 3)) == "kept"
    assert promise_kept_rate([PROMISE], payments, date(2024, 3, 3)) is None
    assert promise_kept_rate([PROMISE], payments, date(2024, 3, 13)) == 100.0


def test_payments_after_as_of_are_ignored() -> None:
    assert promise_outcome(PROMISE, [pay(12, 50_000)], date(2024, 3, 11)) == "pending"


def test_a_payment_is_shared_between_promises_in_promise_order() -> None:
    first = PROMISE  # 50 000 by 10 Mar
    second = PromiseFacts(CLIENT, date(2024, 3, 1), date(2024, 3, 20), 30_000)
    payments = [pay(8, 60_000)]
    # first consumes 50 000 of the 60 000; the 10 000 left cannot keep the second
    assert promise_outcomes([second, first], payments, date(2024, 3, 31)) == ["broken", "kept"]
    assert promise_kept_rate([second, first], payments, date(2024, 3, 31)) == pytest.approx(1 / 2 * 100)
    # judged alone, the second would have been kept
    assert promise_outcome(second, payments, date(2024, 3, 31)) == "kept"


def test_a_broken_promise_consumes_nothing() -> None:
    big = PromiseFacts(CLIENT, date(2024, 3, 1), date(2024, 3, 10), 100_000)
    small = PromiseFacts(CLIENT, date(2024, 3, 1), date(2024, 3, 20), 30_000)
    assert promise_outcomes([big, small], [pay(8, 60_000)], date(2024, 3, 31)) == ["broken", "kept"]


def test_promise_kept_rate_without_promises() -> None:
    assert promise_kept_rate([], [pay(1, 100)], date(2024, 3, 31)) is None

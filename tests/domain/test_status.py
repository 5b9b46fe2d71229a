"""Tests of per-invoice figures as of a date."""

from datetime import date

import pytest

from app.domain.records import DisputeSpan, InvoiceFacts, InvoiceStatus, OpenItem, Settlement, SettlementKind
from app.domain.status import (
    days_late_at_payment,
    days_past_due,
    open_cents,
    open_item,
    paid_on,
    settled_cents,
    status,
)

ISSUED = date(2024, 1, 10)
DUE = date(2024, 2, 9)
PAY = SettlementKind.PAYMENT
CREDIT = SettlementKind.CREDIT_NOTE
WRITE_OFF = SettlementKind.WRITE_OFF


def invoice(
    amount: int = 100_000, *settlements: Settlement, disputes: tuple[DisputeSpan, ...] = ()
) -> InvoiceFacts:
    return InvoiceFacts(1, 7, ISSUED, DUE, amount, tuple(settlements), disputes)


# 1 000,00 € paid 300 on 20 Jan, credit note 200 on 15 Feb, 500 on 1 Mar.
PARTLY = invoice(
    100_000,
    Settlement(date(2024, 3, 1), 50_000),  # given out of order on purpose
    Settlement(date(2024, 1, 20), 30_000),
    Settlement(date(2024, 2, 15), 20_000, CREDIT),
)


def test_open_and_settled_follow_the_dated_settlements() -> None:
    assert open_cents(PARTLY, date(2024, 1, 19)) == 100_000
    assert open_cents(PARTLY, date(2024, 1, 20)) == 100_000 - 30_000  # settlement on as_of counts
    assert settled_cents(PARTLY, date(2024, 1, 20)) == 30_000
    assert open_cents(PARTLY, date(2024, 2, 15)) == 100_000 - 30_000 - 20_000
    assert settled_cents(PARTLY, date(2024, 2, 29)) == 30_000 + 20_000
    assert open_cents(PARTLY, date(2024, 3, 1)) == 0
    assert settled_cents(PARTLY, date(2024, 3, 1)) == 100_000


def test_not_yet_issued_has_nothing_open_and_no_status() -> None:
    before = date(2024, 1, 9)
    assert open_cents(PARTLY, before) == 0
    assert settled_cents(PARTLY, before) == 0
    assert status(PARTLY, before) is None
    assert open_item(PARTLY, before) is None
    assert days_past_due(PARTLY, before) == 0
    assert status(PARTLY, ISSUED) is InvoiceStatus.NOT_DUE  # the issue day itself counts


def test_over_settlement_is_capped() -> None:
    inv = invoice(10_000, Settlement(date(2024, 1, 15), 12_000))
    assert open_cents(inv, date(2024, 1, 15)) == 0
    assert settled_cents(inv, date(2024, 1, 15)) == 10_000


def test_paid_on_is_the_day_settlements_reach_the_amount() -> None:
    assert paid_on(PARTLY) == date(2024, 3, 1)  # 30 000 + 20 000 + 50 000 = 100 000 on 1 Mar
    assert paid_on(invoice(100_000, Settlement(date(2024, 1, 20), 99_999))) is None
    assert paid_on(invoice()) is None


def test_status_not_due_then_overdue() -> None:
    inv = invoice()
    assert status(inv, DUE) is InvoiceStatus.NOT_DUE  # due today is not overdue
    assert status(inv, date(2024, 2, 10)) is InvoiceStatus.OVERDUE


def test_status_partially_paid_beats_overdue() -> None:
    assert status(PARTLY, date(2024, 1, 20)) is InvoiceStatus.PARTIALLY_PAID
    assert status(PARTLY, date(2024, 2, 20)) is InvoiceStatus.PARTIALLY_PAID


def test_status_paid() -> None:
    assert status(PARTLY, date(2024, 3, 1)) is InvoiceStatus.PAID


def test_status_disputed_beats_partially_paid_and_ends_on_resolution() -> None:
    inv = invoice(
        100_000,
        Settlement(date(2024, 1, 20), 30_000),
        disputes=(DisputeSpan(date(2024, 2, 1), date(2024, 2, 20)),),
    )
    assert status(inv, date(2024, 1, 31)) is InvoiceStatus.PARTIALLY_PAID
    assert status(inv, date(2024, 2, 1)) is InvoiceStatus.DISPUTED
    assert status(inv, date(2024, 2, 19)) is InvoiceStatus.DISPUTED
    assert status(inv, date(2024, 2, 20)) is InvoiceStatus.PARTIALLY_PAID  # resolved date excluded


def test_status_paid_beats_disputed() -> None:
    inv = invoice(100_000, Settlement(date(2024, 2, 5), 100_000), disputes=(DisputeSpan(date(2024, 2, 1)),))
    assert status(inv, date(2024, 2, 4)) is InvoiceStatus.DISPUTED
    assert status(inv, date(2024, 2, 5)) is InvoiceStatus.PAID


def test_status_written_off_only_when_closed_by_a_write_off() -> None:
    inv = invoice(
        100_000,
        Settlement(date(2024, 1, 20), 40_000),
        Settlement(date(2024, 6, 30), 60_000, WRITE_OFF),
    )
    assert status(inv, date(2024, 6, 29)) is InvoiceStatus.PARTIALLY_PAID
    assert status(inv, date(2024, 6, 30)) is InvoiceStatus.WRITTEN_OFF
    partial_write_off = invoice(100_000, Settlement(date(2024, 6, 30), 60_000, WRITE_OFF))
    assert status(partial_write_off, date(2024, 7, 1)) is InvoiceStatus.PARTIALLY_PAID


def test_written_off_beats_paid_even_when_cash_came_last() -> None:
    inv = invoice(
        100_000,
        Settlement(date(2024, 3, 1), 10_000, WRITE_OFF),
        Settlement(date(2024, 3, 5), 90_000),
    )
    assert status(inv, date(2024, 3, 5)) is InvoiceStatus.WRITTEN_OFF


@pytest.mark.parametrize(
    ("as_of", "days"),
    [
        (date(2024, 2, 8), 0),  # due tomorrow: never negative
        (DUE, 0),  # due today
        (date(2024, 2, 10), 1),  # due yesterday
        (date(2024, 3, 10), 30),  # 20 days left in February (leap year) + 10 in March
    ],
)
def test_days_past_due_while_open(as_of: date, days: int) -> None:
    assert days_past_due(invoice(), as_of) == days


def test_days_past_due_is_zero_once_settled() -> None:
    assert days_past_due(PARTLY, date(2024, 2, 29)) == 20  # 29 Feb - 9 Feb, still open
    assert days_past_due(PARTLY, date(2024, 3, 1)) == 0


def test_days_late_at_payment() -> None:
    assert days_late_at_payment(PARTLY) == 21  # paid 1 Mar, due 9 Feb: 29 - 9 + 1 = 21 days
    on_time = invoice(100_000, Settlement(date(2024, 2, 1), 100_000))
    assert days_late_at_payment(on_time) == 0  # early is 0, not negative
    assert days_late_at_payment(invoice(100_000, Settlement(DUE, 100_000))) == 0


def test_days_late_at_payment_none_when_open_or_written_off() -> None:
    assert days_late_at_payment(invoice()) is None
    written_off = invoice(100_000, Settlement(date(2024, 5, 1), 100_000, WRITE_OFF))
    assert days_late_at_payment(written_off) is None


def test_open_item() -> None:
    assert open_item(PARTLY, date(2024, 2, 15)) == OpenItem(7, DUE, 50_000, False)
    assert open_item(PARTLY, date(2024, 3, 1)) is None
    disputed = invoice(100_000, disputes=(DisputeSpan(date(2024, 2, 1)),))
    assert open_item(disputed, date(2024, 2, 1)) == OpenItem(7, DUE, 100_000, True)
    assert open_item(disputed, date(2024, 1, 31)) == OpenItem(7, DUE, 100_000, False)

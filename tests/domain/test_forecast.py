"""Tests of the cash-in forecast: average delays, expected dates, weeks, the 12-week series."""

from datetime import date

import pytest

from app.domain.forecast import (
    OpenAmount,
    PaidAmount,
    average_delays,
    expected_date,
    week_index,
    weekly_forecast,
)

AS_OF = date(2026, 11, 23)  # a Monday


def test_average_delay_is_weighted_by_amounts() -> None:
    # Client 1: 100 € paid 10 days late, 300 € paid 2 days early → (100×10 − 300×2) ÷ 400 = 1.0 day.
    # Client 2: one payment 30 days late → 30 days.
    paid = [
        PaidAmount(1, date(2026, 9, 1), date(2026, 9, 11), 10_000),
        PaidAmount(1, date(2026, 10, 1), date(2026, 9, 29), 30_000),
        PaidAmount(2, date(2026, 6, 30), date(2026, 7, 30), 5_000),
        PaidAmount(3, date(2026, 6, 30), date(2026, 7, 30), 0),
    ]
    assert average_delays(paid) == {1: pytest.approx(1.0), 2: pytest.approx(30.0)}


def test_expected_date_rounds_the_delay() -> None:
    due = date(2026, 12, 1)
    assert expected_date(due, 0.0) == due
    assert expected_date(due, 10.4) == date(2026, 12, 11)
    assert expected_date(due, 10.5) == date(2026, 12, 12)
    assert expected_date(due, -2.5) == date(2026, 11, 28)


def test_week_index() -> None:
    assert week_index(date(2026, 10, 1), AS_OF) == 0  # already late: first week
    assert week_index(AS_OF, AS_OF) == 0
    assert week_index(date(2026, 11, 29), AS_OF) == 0  # as_of + 6 days
    assert week_index(date(2026, 11, 30), AS_OF) == 1
    assert week_index(date(2027, 2, 14), AS_OF) == 11  # as_of + 83 days: last day of week 12
    assert week_index(date(2027, 2, 15), AS_OF) is None  # as_of + 84 days: beyond the forecast


def test_weekly_forecast_shifts_each_client_by_its_own_delay() -> None:
    delays = {1: 10.0, 2: -3.0}
    items = [
        OpenAmount(1, date(2026, 11, 1), 30_000),  # expected 11/11, past → week 1
        OpenAmount(1, date(2026, 11, 25), 20_000),  # expected 05/12 = as_of + 12 → week 2
        OpenAmount(2, date(2026, 12, 10), 7_000),  # expected 07/12 = as_of + 14 → week 3
        OpenAmount(3, date(2026, 12, 7), 1_000),  # no habit: expected on its due date → week 3
        OpenAmount(3, date(2027, 6, 1), 99_000),  # beyond 12 weeks: not in the forecast
    ]
    weeks = weekly_forecast(items, delays, AS_OF)
    assert len(weeks) == 12
    assert [w.cents for w in weeks[:4]] == [30_000, 20_000, 8_000, 0]
    assert sum(w.cents for w in weeks) == 58_000
    assert (weeks[0].start, weeks[0].end) == (AS_OF, date(2026, 11, 29))
    assert (weeks[11].start, weeks[11].end) == (date(2027, 2, 8), date(2027, 2, 14))

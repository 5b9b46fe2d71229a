"""Tests of the calendar helpers."""

from datetime import date

import pytest

from app.domain.periods import Period, add_months, month_end, month_ends, month_start, trailing_days


def test_period_days_counts_both_ends() -> None:
    assert Period(date(2024, 1, 1), date(2024, 1, 31)).days == 31
    assert Period(date(2024, 3, 5), date(2024, 3, 5)).days == 1


def test_period_contains_its_ends_only() -> None:
    period = Period(date(2024, 1, 10), date(2024, 1, 20))
    assert date(2024, 1, 10) in period
    assert date(2024, 1, 20) in period
    assert date(2024, 1, 9) not in period
    assert date(2024, 1, 21) not in period
    assert "2024-01-15" not in period


def test_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Period(date(2024, 1, 2), date(2024, 1, 1))


def test_month_start_and_end() -> None:
    assert month_start(date(2024, 2, 17)) == date(2024, 2, 1)
    assert month_end(date(2024, 2, 17)) == date(2024, 2, 29)  # leap year
    assert month_end(date(2023, 2, 1)) == date(2023, 2, 28)
    assert month_end(date(2023, 12, 31)) == date(2023, 12, 31)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # clamped to the last day of February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),  # across the year
        (date(2024, 1, 15), -1, date(2023, 12, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 5, 10), 0, date(2024, 5, 10)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_trailing_days_ends_on_as_of() -> None:
    period = trailing_days(date(2024, 3, 31), 90)
    assert period.end == date(2024, 3, 31)
    assert period.days == 90
    assert period.start == date(2024, 1, 2)  # 31 (Mar) + 29 (Feb) + 30 days of January = 90


def test_month_ends_oldest_first_current_month_ends_at_as_of() -> None:
    assert month_ends(date(2024, 3, 15), 3) == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 15)]
    assert month_ends(date(2024, 1, 10), 2) == [date(2023, 12, 31), date(2024, 1, 10)]
    assert month_ends(date(2024, 1, 10), 1) == [date(2024, 1, 10)]

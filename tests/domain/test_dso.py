"""Tests of DSO: accounting, countback, best possible and the monthly series."""

from datetime import date

import pytest

from app.domain.dso import best_possible_dso, dso_accounting, dso_countback, dso_series
from app.domain.records import MonthFigures

JAN = MonthFigures(date(2024, 1, 31), 31, sales_cents=30_000, receivables_cents=20_000, current_cents=15_000)
FEB = MonthFigures(date(2024, 2, 29), 29, sales_cents=40_000, receivables_cents=35_000, current_cents=25_000)
MAR = MonthFigures(date(2024, 3, 31), 31, sales_cents=50_000, receivables_cents=60_000, current_cents=40_000)
APR = MonthFigures(date(2024, 4, 30), 30, sales_cents=20_000, receivables_cents=80_000, current_cents=10_000)
HISTORY = [JAN, FEB, MAR, APR]


def test_dso_accounting() -> None:
    assert dso_accounting(12_000, 30_000, 90) == pytest.approx(12_000 / 30_000 * 90)  # 36 days
    assert dso_accounting(0, 30_000, 90) == 0.0


@pytest.mark.parametrize("sales", [0, -1_000])
def test_dso_accounting_without_sales_is_none(sales: int) -> None:
    assert dso_accounting(12_000, sales, 90) is None
    assert best_possible_dso(12_000, sales, 90) is None


def test_best_possible_dso() -> None:
    assert best_possible_dso(5_000, 30_000, 90) == pytest.approx(5_000 / 30_000 * 90)  # 15 days


def test_dso_countback_walks_back_through_months() -> None:
    # 80 000 open at end of April: April's 20 000 → 60 000 left, 30 days; March's 50 000 → 10 000
    # left, 30 + 31 days; February's 40 000 exhausts it: 10 000 / 40 000 × 29 days.
    assert dso_countback(HISTORY) == pytest.approx(30 + 31 + 10_000 / 40_000 * 29)  # 68.25


def test_dso_countback_within_the_last_month() -> None:
    assert dso_countback([JAN]) == pytest.approx(20_000 / 30_000 * 31)


def test_dso_countback_receivables_equal_to_sales_is_the_full_month() -> None:
    month = MonthFigures(date(2024, 1, 31), 31, 30_000, 30_000, 0)
    assert dso_countback([month]) == 31.0


def test_dso_countback_runs_out_of_history() -> None:
    month = MonthFigures(date(2024, 5, 31), 31, 20_000, 200_000, 0)
    # 20 000 + 20 000 + 50 000 + 40 000 + 30 000 = 160 000 < 200 000
    assert dso_countback([*HISTORY, month]) is None
    assert dso_countback([]) is None


def test_dso_countback_nothing_owed_is_zero() -> None:
    month = MonthFigures(date(2024, 1, 31), 31, 0, 0, 0)
    assert dso_countback([month]) == 0.0


def test_dso_countback_month_without_sales_counts_whole() -> None:
    quiet = MonthFigures(date(2024, 2, 29), 29, 0, 10_000, 0)
    assert dso_countback([JAN, quiet]) == pytest.approx(29 + 10_000 / 30_000 * 31)


def test_dso_series_trailing_window() -> None:
    points = dso_series(HISTORY, window_months=3)
    assert [p.month_end for p in points] == [m.month_end for m in HISTORY]
    # April: window February..April, sales 40 000 + 50 000 + 20 000, days 29 + 31 + 30
    april = points[3]
    assert april.month_end == date(2024, 4, 30)
    assert april.accounting == pytest.approx(80_000 / 110_000 * 90)
    assert april.countback == pytest.approx(30 + 31 + 10_000 / 40_000 * 29)
    assert april.best_possible == pytest.approx(10_000 / 110_000 * 90)
    # The window is shorter at the start of the history: February uses January and February.
    assert points[1].accounting == pytest.approx(35_000 / 70_000 * (31 + 29))
    assert points[1].countback == pytest.approx(35_000 / 40_000 * 29)
    assert points[0].best_possible == pytest.approx(15_000 / 30_000 * 31)


def test_dso_series_window_of_one_month() -> None:
    points = dso_series(HISTORY, window_months=1)
    assert points[2].accounting == pytest.approx(60_000 / 50_000 * 31)


def test_dso_series_edge_cases() -> None:
    assert dso_series([]) == []
    with pytest.raises(ValueError):
        dso_series(HISTORY, window_months=0)

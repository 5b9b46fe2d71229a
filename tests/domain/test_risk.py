"""The risk grade: each factor's thresholds and the grade rule, on hand-computed clients."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.periods import trailing_days
from app.domain.records import InvoiceFacts, Settlement, SettlementKind
from app.domain.risk import RiskGrade, assess, grade_for, overdue_vs_limit, share_paid_late

AS_OF = date(2026, 11, 23)


def invoice(number: int, due: date, cents: int, *settlements: Settlement) -> InvoiceFacts:
    return InvoiceFacts(number, 1, date.fromordinal(due.toordinal() - 30), due, cents, settlements)


def factors(result: RiskGrade) -> dict[str, tuple[float | None, int]]:
    return {f.key: (f.value, f.points) for f in result.factors}


def test_a_client_paying_on_time_is_graded_a() -> None:
    paid = invoice(1, date(2026, 1, 31), 100_000, Settlement(date(2026, 1, 20), 100_000))
    result = assess([paid], AS_OF, credit_limit_cents=None, open_disputes=0, broken_promises=0)
    assert result.grade == "A"
    assert result.points == 0
    assert factors(result) == {
        "average_days_late": (0.0, 0), "share_paid_late": (0.0, 0), "overdue_vs_limit": (None, 0),
        "open_disputes": (0.0, 0), "broken_promises": (0.0, 0)}


def test_mixed_client_adds_up_to_d() -> None:
    # I1 1 000,00 € paid 20 days late, I2 3 000,00 € paid on its due date:
    #   average days late = 100 000 × 20 ÷ 400 000 = 5,0 j → 0 pt (≤ 5)
    #   paid late = 1 of 2 = 50 % → 3 pt (50 is not < 50, is < 75)
    # I3 2 000,00 € open, due 24/10 → overdue 200 000 ÷ limit 500 000 = 40 % → 1 pt
    # 1 open dispute → 1 pt; 1 broken promise → 2 pt. Total 7 → D.
    i1 = invoice(1, date(2026, 3, 1), 100_000, Settlement(date(2026, 3, 21), 100_000))
    i2 = invoice(2, date(2026, 5, 1), 300_000, Settlement(date(2026, 5, 1), 300_000))
    i3 = invoice(3, date(2026, 10, 24), 200_000)
    result = assess([i1, i2, i3], AS_OF, credit_limit_cents=500_000, open_disputes=1, broken_promises=1)
    assert factors(result) == {
        "average_days_late": (5.0, 0), "share_paid_late": (50.0, 3), "overdue_vs_limit": (40.0, 1),
        "open_disputes": (1.0, 1), "broken_promises": (1.0, 2)}
    assert (result.points, result.grade) == (7, "D")


def test_one_factor_at_its_maximum_gives_at_least_d() -> None:
    # Only two broken promises: 4 pt, which alone would be C; the worst-factor rule makes it D.
    result = assess([], AS_OF, credit_limit_cents=None, open_disputes=0, broken_promises=2)
    assert (result.points, result.grade) == (4, "D")


def test_very_late_over_the_limit_is_e() -> None:
    # Paid 90 days late (4 pt), 1 of 1 paid late (4 pt); 1 500,00 € overdue on a 1 000,00 € limit: 150 % (4 pt).
    late = invoice(1, date(2026, 4, 1), 100_000, Settlement(date(2026, 6, 30), 100_000))
    open_ = invoice(2, date(2026, 9, 1), 150_000)
    result = assess([late, open_], AS_OF, credit_limit_cents=100_000, open_disputes=0, broken_promises=0)
    assert factors(result)["average_days_late"] == (90.0, 4)
    assert factors(result)["overdue_vs_limit"] == (150.0, 4)
    assert (result.points, result.grade) == (12, "E")


@pytest.mark.parametrize(("days", "expected"), [(5, 0), (6, 1), (15, 1), (16, 2), (30, 2), (31, 3), (60, 3), (61, 4)])
def test_days_late_thresholds(days: int, expected: int) -> None:
    due = date(2026, 6, 1)
    paid = invoice(1, due, 10_000, Settlement(date.fromordinal(due.toordinal() + days), 10_000))
    result = assess([paid], AS_OF, credit_limit_cents=None, open_disputes=0, broken_promises=0)
    assert factors(result)["average_days_late"] == (float(days), expected)


def test_share_paid_late_counts_only_invoices_paid_in_the_last_year() -> None:
    period = trailing_days(AS_OF, 365)
    old = invoice(1, date(2025, 1, 1), 10_000, Settlement(date(2025, 3, 1), 10_000))  # paid late, too long ago
    on_time = invoice(2, date(2026, 6, 1), 10_000, Settlement(date(2026, 5, 30), 10_000))
    written_off = invoice(3, date(2026, 6, 1), 10_000, Settlement(date(2026, 9, 1), 10_000, SettlementKind.WRITE_OFF))
    assert share_paid_late([old, on_time, written_off], period) == 0.0
    assert share_paid_late([old], period) is None


@pytest.mark.parametrize(("disputes", "expected"), [(0, 0), (1, 1), (2, 2), (3, 3), (7, 3)])
def test_dispute_thresholds(disputes: int, expected: int) -> None:
    result = assess([], AS_OF, credit_limit_cents=None, open_disputes=disputes, broken_promises=0)
    assert factors(result)["open_disputes"] == (float(disputes), expected)


def test_overdue_vs_limit() -> None:
    overdue = invoice(1, date(2026, 11, 1), 50_000, Settlement(date(2026, 11, 5), 10_000))  # 400,00 € open
    not_due = invoice(2, date(2026, 11, 23), 90_000)  # due today: not overdue
    assert overdue_vs_limit([overdue, not_due], AS_OF, 80_000) == 50.0
    assert overdue_vs_limit([overdue], AS_OF, None) is None
    assert overdue_vs_limit([overdue], AS_OF, 0) == 1000.0
    assert overdue_vs_limit([not_due], AS_OF, 0) == 0.0


@pytest.mark.parametrize(("total", "grade"), [(0, "A"), (1, "A"), (2, "B"), (3, "B"), (4, "C"), (6, "C"), (7, "D"),
                                              (9, "D"), (10, "E"), (17, "E")])
def test_grade_bounds(total: int, grade: str) -> None:
    assert grade_for(total, ()) == grade

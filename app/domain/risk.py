"""An explainable client risk grade, A (safe) to E (stop selling on credit), from five scored factors.

Each factor is scored 0–4 points by documented thresholds (upper bounds included):

======================  ==================================================  =======================
factor                  value                                               points
======================  ==================================================  =======================
average_days_late       amount-weighted days late of what was collected     ≤ 5 → 0, ≤ 15 → 1,
                        over the 365 days ending on ``as_of``               ≤ 30 → 2, ≤ 60 → 3, else 4
                        (:func:`app.domain.kpis.average_days_late`)
share_paid_late         % of invoices fully paid in those 365 days that     < 10 → 0, < 25 → 1,
                        were paid after their due date                      < 50 → 2, < 75 → 3, else 4
overdue_vs_limit        overdue open cents ÷ credit limit × 100             0 → 0, ≤ 50 → 1, ≤ 100 → 2,
                        (no limit: not scored)                              else 4
open_disputes           disputes open on ``as_of``                          0 → 0, 1 → 1, 2 → 2, else 3
broken_promises         promises broken in those 365 days                   0 → 0, 1 → 2, else 4
======================  ==================================================  =======================

Grade: the points are added up — 0–1 → A, 2–3 → B, 4–6 → C, 7–9 → D, 10 or more → E — and a single
factor at its maximum of 4 points makes the grade at least D (one very bad habit is enough to be careful).
A factor with no value (nothing collected, no limit) costs 0 points.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.kpis import average_days_late
from app.domain.periods import Period, trailing_days
from app.domain.records import InvoiceFacts
from app.domain.status import days_late_at_payment, open_cents, paid_on

GRADES = ("A", "B", "C", "D", "E")
WINDOW_DAYS = 365
MAX_POINTS = 4

# (upper bound, points), the bound included unless scored ``strict``; above every bound: the ``above`` points.
DAYS_LATE_STEPS: tuple[tuple[float, int], ...] = ((5, 0), (15, 1), (30, 2), (60, 3))
SHARE_LATE_STEPS: tuple[tuple[float, int], ...] = ((10, 0), (25, 1), (50, 2), (75, 3))  # bounds excluded
LIMIT_STEPS: tuple[tuple[float, int], ...] = ((0, 0), (50, 1), (100, 2))
DISPUTE_STEPS: tuple[tuple[float, int], ...] = ((0, 0), (1, 1), (2, 2))
PROMISE_STEPS: tuple[tuple[float, int], ...] = ((0, 0), (1, 2))
# Total points → grade: the first bound the total does not exceed.
GRADE_BOUNDS: tuple[tuple[int, str], ...] = ((1, "A"), (3, "B"), (6, "C"), (9, "D"))


@dataclass(frozen=True, slots=True)
class RiskFactor:
    """One scored factor: ``value`` is None when it cannot be computed (then ``points`` is 0)."""

    key: str  # average_days_late, share_paid_late, overdue_vs_limit, open_disputes, broken_promises
    value: float | None
    points: int


@dataclass(frozen=True, slots=True)
class RiskGrade:
    grade: str
    points: int
    factors: tuple[RiskFactor, ...]


def _score(value: float | None, steps: tuple[tuple[float, int], ...], above: int, *, strict: bool = False) -> int:
    if value is None:
        return 0
    for bound, points in steps:
        if value < bound or (value == bound and not strict):
            return points
    return above


def share_paid_late(invoices: Iterable[InvoiceFacts], period: Period) -> float | None:
    """Percent of the invoices fully paid in ``period`` (by payments and credit notes, not written off)
    that were paid after their due date; None when none was paid in the period."""
    late = paid = 0
    for inv in invoices:
        day = paid_on(inv)
        delay = days_late_at_payment(inv)
        if day is None or delay is None or day not in period:
            continue
        paid += 1
        late += delay > 0
    return late / paid * 100 if paid else None


def overdue_vs_limit(invoices: Iterable[InvoiceFacts], as_of: date, credit_limit_cents: int | None) -> float | None:
    """Open cents past due (``due_date < as_of``) ÷ credit limit × 100; None without a limit.

    A limit of 0 with anything overdue counts as far above it (1 000 %).
    """
    if credit_limit_cents is None:
        return None
    overdue = sum(open_cents(inv, as_of) for inv in invoices if inv.due_date < as_of)
    if credit_limit_cents == 0:
        return 1000.0 if overdue else 0.0
    return overdue / credit_limit_cents * 100


def grade_for(points: int, factors: Iterable[RiskFactor]) -> str:
    """The grade of a points total, raised to at least D when one factor costs :data:`MAX_POINTS`."""
    return _letter(points, max((f.points for f in factors), default=0))


def _letter(points: int, worst: int) -> str:
    grade = next((g for bound, g in GRADE_BOUNDS if points <= bound), "E")
    if worst >= MAX_POINTS and GRADES.index(grade) < GRADES.index("D"):
        grade = "D"
    return grade


def assess(invoices: Iterable[InvoiceFacts], as_of: date, *, credit_limit_cents: int | None,
           open_disputes: int, broken_promises: int) -> RiskGrade:
    """The client's grade on ``as_of`` from its invoices and the counts the caller derived.

    ``broken_promises`` should count promises broken in the 365 days ending on ``as_of``.
    """
    facts = list(invoices)
    period = trailing_days(as_of, WINDOW_DAYS)
    return grade_of(average_days_late(facts, period), share_paid_late(facts, period),
                    overdue_vs_limit(facts, as_of, credit_limit_cents), open_disputes, broken_promises)


def grade_of(days: float | None, share: float | None, limit: float | None, open_disputes: int,
             broken_promises: int) -> RiskGrade:
    """The grade from the five factors' values (for callers that sum them in the database)."""
    values = (days, share, limit, float(open_disputes), float(broken_promises))
    points = _points(days, share, limit, open_disputes, broken_promises)
    factors = tuple(RiskFactor(key, value, scored) for key, value, scored in zip(_KEYS, values, points, strict=True))
    return RiskGrade(_letter(sum(points), max(points)), sum(points), factors)


def grade_letter(days: float | None, share: float | None, limit: float | None, open_disputes: int,
                 broken_promises: int) -> str:
    """``grade_of(...).grade`` without building the factors, for thousands of clients graded at once."""
    points = _points(days, share, limit, open_disputes, broken_promises)
    return _letter(sum(points), max(points))


_KEYS = ("average_days_late", "share_paid_late", "overdue_vs_limit", "open_disputes", "broken_promises")


def _points(days: float | None, share: float | None, limit: float | None, open_disputes: int,
            broken_promises: int) -> tuple[int, int, int, int, int]:
    return (_score(days, DAYS_LATE_STEPS, 4), _score(share, SHARE_LATE_STEPS, 4, strict=True),
            _score(limit, LIMIT_STEPS, 4), _score(open_disputes, DISPUTE_STEPS, 3),
            _score(broken_promises, PROMISE_STEPS, 4))

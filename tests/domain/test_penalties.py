"""Late-payment penalties, each case computed by hand in its docstring (legal-fr.md §A.6)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.penalties import (
    MissingRate,
    RateBasis,
    RateTable,
    SemesterRate,
    late_interest,
    latest_allowed_due_date,
    prescription_date,
    terms_exceed_cap,
)

# ECB main refinancing rate on 1 January / 1 July and the professional legal rate (legal-fr.md §A.3–A.5).
TABLE = RateTable([
    SemesterRate(date(2025, 1, 1), 315, 371, 721),
    SemesterRate(date(2025, 7, 1), 215, 276, 665),
    SemesterRate(date(2026, 1, 1), 215, 262, 667),
])


def test_the_worked_example_of_the_reference_spans_two_half_years() -> None:
    """1 200 € due 20/06/2025, paid 20/07/2025: 10 days at 13,15 % (21–30 June) = 4,3233 → 4,32 €;
    20 days at 12,15 % (1–20 July) = 7,9890 → 7,99 €; 12,31 € of interest, plus the 40 € indemnity."""
    penalty = late_interest(120_000, date(2025, 6, 20), [(date(2025, 7, 20), 120_000)], date(2025, 11, 23), TABLE)
    assert [(line.start, line.end, line.days, line.rate_bp, line.cents) for line in penalty.lines] == [
        (date(2025, 6, 21), date(2025, 6, 30), 10, 1315, 432),
        (date(2025, 7, 1), date(2025, 7, 20), 20, 1215, 799),
    ]
    assert penalty.basis is RateBasis.STATUTORY
    assert (penalty.interest_cents, penalty.indemnity_cents, penalty.total_cents) == (1231, 4000, 5231)


def test_a_partial_payment_lowers_the_base_from_the_next_day() -> None:
    """3 000 € due 31/05/2025; 1 000 € received 15/06; the remaining 2 000 € on 10/08.
    1–15 June: 3 000 × 13,15 % × 15 / 365 = 16,2123 → 16,21 €
    16–30 June: 2 000 × 13,15 % × 15 / 365 = 10,8082 → 10,81 €
    1 July – 10 August (41 days): 2 000 × 12,15 % × 41 / 365 = 27,2959 → 27,30 €
    Interest 54,32 €; nothing runs after the balance is paid."""
    payments = [(date(2025, 8, 10), 200_000), (date(2025, 6, 15), 100_000)]  # any order
    penalty = late_interest(300_000, date(2025, 5, 31), payments, date(2026, 1, 31), TABLE)
    assert [(line.days, line.base_cents, line.rate_bp, line.cents) for line in penalty.lines] == [
        (15, 300_000, 1315, 1621), (15, 200_000, 1315, 1081), (41, 200_000, 1215, 2730)]
    assert penalty.interest_cents == 5432 and penalty.indemnity_cents == 4000


def test_an_unpaid_invoice_runs_until_the_date_asked() -> None:
    """500 € due 31/12/2025, unpaid on 31/01/2026: 31 days at 12,15 % = 5,1596 → 5,16 €."""
    penalty = late_interest(50_000, date(2025, 12, 31), [], date(2026, 1, 31), TABLE)
    assert [(line.days, line.cents) for line in penalty.lines] == [(31, 516)]
    assert penalty.total_cents == 516 + 4000


def test_paid_on_time_owes_nothing() -> None:
    for paid in (date(2025, 6, 1), date(2025, 6, 20)):
        penalty = late_interest(120_000, date(2025, 6, 20), [(paid, 120_000)], date(2025, 11, 23), TABLE)
        assert penalty.lines == () and penalty.total_cents == 0
    assert late_interest(120_000, date(2025, 6, 20), [], date(2025, 6, 20), TABLE).total_cents == 0


def test_a_contractual_rate_replaces_the_statutory_one_and_is_checked_against_the_floor() -> None:
    """1 000 € due 31/01/2026 at a contractual 7,50 %, paid 02/03: 30 days = 6,1644 → 6,16 €. The floor for
    H1 2026 is 3 × 2,62 % = 7,86 %: the rate is too low and the penalty says so."""
    penalty = late_interest(100_000, date(2026, 1, 31), [(date(2026, 3, 2), 100_000)], date(2026, 6, 1), TABLE,
                            contractual_bp=750)
    assert penalty.basis is RateBasis.CONTRACTUAL
    assert [(line.days, line.rate_bp, line.cents) for line in penalty.lines] == [(30, 750, 616)]
    assert penalty.floor_warning
    assert not late_interest(100_000, date(2026, 1, 31), [], date(2026, 3, 2), TABLE,
                             contractual_bp=900).floor_warning


def test_a_consumer_owes_the_legal_rate_from_the_formal_notice_and_no_indemnity() -> None:
    """1 000 € due 10/01/2026, mise en demeure 01/02, as of 03/03: 30 days (2 February – 3 March) at the
    legal rate "autres cas" 2,62 % = 2,1534 → 2,15 €; no 40 € for a consumer; nothing before a notice."""
    penalty = late_interest(100_000, date(2026, 1, 10), [], date(2026, 3, 3), TABLE, consumer=True,
                            notice_date=date(2026, 2, 1))
    assert penalty.basis is RateBasis.LEGAL
    assert [(line.start, line.days, line.rate_bp, line.cents) for line in penalty.lines] == [
        (date(2026, 2, 2), 30, 262, 215)]
    assert penalty.indemnity_cents == 0
    assert late_interest(100_000, date(2026, 1, 10), [], date(2026, 3, 3), TABLE, consumer=True).total_cents == 0


def test_a_half_year_missing_from_the_table_is_named() -> None:
    with pytest.raises(MissingRate) as caught:
        late_interest(100_000, date(2026, 6, 1), [], date(2026, 7, 15), TABLE)
    assert caught.value.semester_start == date(2026, 7, 1)


def test_payment_terms_over_the_legal_caps_are_flagged() -> None:
    """Issued 15/01/2026: 60 days → 16/03; end of January + 45 days → 17/03; 15/01 + 45 days = 01/03, end of
    that month → 31/03. The latest lawful due date is the most generous reading: 31/03/2026."""
    assert latest_allowed_due_date(date(2026, 1, 15)) == date(2026, 3, 31)
    assert not terms_exceed_cap(date(2026, 1, 15), date(2026, 3, 31))
    assert terms_exceed_cap(date(2026, 1, 15), date(2026, 4, 1))
    # Issued 31/01: 60 days → 01/04/2026, later than both end-of-month readings (17/03 and 31/03).
    assert latest_allowed_due_date(date(2026, 1, 31)) == date(2026, 4, 1)


def test_prescription_is_five_years_between_professionals_two_for_consumers() -> None:
    assert prescription_date(date(2021, 11, 30), consumer=False) == date(2026, 11, 30)
    assert prescription_date(date(2024, 2, 29), consumer=True) == date(2026, 2, 28)

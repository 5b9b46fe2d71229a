"""Late-payment penalties as French law sets them: interest per half-year on the balance outstanding, the
€40 recovery indemnity, the legal caps on payment terms and the prescription dates.

Sources: ``shared/reference/legal-fr.md`` §A (C. com. L441-10, D441-5; C. civ. 1344-1, 1231-6; CMF
L313-2) and §B.3 (C. com. L110-4, C. consom. L218-2).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.periods import add_months, month_end

STATUTORY_MARGIN_BP = 1000  # L441-10 II: the ECB rate + 10 percentage points
CONTRACTUAL_FLOOR_FACTOR = 3  # L441-10 II: a contractual rate may not be under 3 × the legal rate
RECOVERY_INDEMNITY_CENTS = 4000  # D441-5: €40 per invoice paid late by a professional, no VAT
TERM_CAP_DAYS = 60  # L441-10 I: 60 days from the issue date...
TERM_CAP_END_OF_MONTH_DAYS = 45  # ...or 45 days end of month, when written in the contract
PRESCRIPTION_YEARS_B2B = 5  # C. com. L110-4
PRESCRIPTION_YEARS_CONSUMER = 2  # C. consom. L218-2
DAYS_IN_YEAR = 365  # every source divides by 365, leap years included


class MissingRate(LookupError):
    """The rate table has no row for a half-year the interest runs through."""

    def __init__(self, semester_start: date) -> None:
        super().__init__(f"no legal rate for the half-year starting {semester_start.isoformat()}")
        self.semester_start = semester_start


class RateBasis(enum.StrEnum):
    """Which rate an invoice's interest runs at."""

    STATUTORY = "statutory"  # B2B default: ECB main refinancing rate + 10 points
    CONTRACTUAL = "contractual"  # B2B rate agreed in the general terms of sale
    LEGAL = "legal"  # consumer: taux de l'intérêt légal ("autres cas": the creditor is a business)


@dataclass(frozen=True, slots=True)
class SemesterRate:
    """Rates in force for the half-year starting ``start`` (1 January or 1 July), in basis points."""

    start: date
    ecb_bp: int
    legal_pro_bp: int | None = None
    legal_individual_bp: int | None = None


class RateTable:
    """The half-year rates, looked up by day."""

    def __init__(self, rates: Sequence[SemesterRate]) -> None:
        self._by_start = {rate.start: rate for rate in rates}

    def semester(self, day: date) -> SemesterRate:
        start = semester_start(day)
        rate = self._by_start.get(start)
        if rate is None:
            raise MissingRate(start)
        return rate

    def annual_bp(self, day: date, basis: RateBasis, contractual_bp: int | None = None) -> int:
        """The annual rate in basis points for a day late, on ``basis``."""
        if basis is RateBasis.CONTRACTUAL:
            if contractual_bp is None:
                raise ValueError("a contractual rate needs its value")
            return contractual_bp
        rate = self.semester(day)
        if basis is RateBasis.STATUTORY:
            return rate.ecb_bp + STATUTORY_MARGIN_BP
        if rate.legal_pro_bp is None:
            raise MissingRate(rate.start)
        return rate.legal_pro_bp

    def contractual_floor_bp(self, day: date) -> int | None:
        """3 × the professional legal rate of the day's half-year (None when the table lacks it)."""
        legal = self.semester(day).legal_pro_bp
        return None if legal is None else CONTRACTUAL_FLOOR_FACTOR * legal


def semester_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _semester_end(day: date) -> date:
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


@dataclass(frozen=True, slots=True)
class InterestLine:
    """Interest on ``base_cents`` from ``start`` to ``end`` (both counted) at ``rate_bp`` a year."""

    start: date
    end: date
    base_cents: int
    rate_bp: int
    cents: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class Penalty:
    """What one invoice owes for paying late, as of ``until``.

    ``lines`` split the delay at each half-year and each partial payment; each line is rounded to the
    cent (half up) so that the lines a letter prints add up to its total. ``floor_warning`` is set when
    a contractual rate is below the legal floor of a half-year it covers.
    """

    until: date
    basis: RateBasis
    lines: tuple[InterestLine, ...]
    indemnity_cents: int
    floor_warning: bool = False

    @property
    def interest_cents(self) -> int:
        return sum(line.cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.interest_cents + self.indemnity_cents


def late_interest(principal_cents: int, due_date: date, payments: Sequence[tuple[date, int]], until: date,
                  table: RateTable, *, consumer: bool = False, contractual_bp: int | None = None,
                  notice_date: date | None = None) -> Penalty:
    """Penalties on an invoice of ``principal_cents`` (incl. tax) due on ``due_date``, as of ``until``.

    A day late is any day after the due date up to ``until`` or the day the balance is paid, whichever
    comes first; it accrues on what was still owed that day (a payment counts from the day after it is
    received). Simple interest: base × annual rate × days / 365.

    Professionals (L441-10): from the day after the due date, at the ECB rate of each half-year + 10
    points, or at ``contractual_bp``; plus €40 (D441-5) when the invoice was paid late or is still due.
    Consumers (C. civ. 1344-1): the legal rate from the day after ``notice_date`` (the mise en demeure;
    nothing without one), no indemnity.
    """
    basis = RateBasis.LEGAL if consumer else (
        RateBasis.CONTRACTUAL if contractual_bp is not None else RateBasis.STATUTORY)
    first = due_date if not consumer else notice_date
    if first is None or until <= first:
        return Penalty(until, basis, (), 0)
    lines = tuple(_lines(principal_cents, first + timedelta(days=1), payments, until, table, basis,
                         contractual_bp))
    late = bool(lines) and not consumer
    floor = basis is RateBasis.CONTRACTUAL and any(
        (limit := table.contractual_floor_bp(line.start)) is not None and line.rate_bp < limit for line in lines)
    return Penalty(until, basis, lines, RECOVERY_INDEMNITY_CENTS if late else 0, floor)


def _lines(principal_cents: int, start: date, payments: Sequence[tuple[date, int]], until: date,
           table: RateTable, basis: RateBasis, contractual_bp: int | None) -> Iterator[InterestLine]:
    ordered = sorted(payments)
    paid_before = sum(cents for day, cents in ordered if day < start)
    balance = principal_cents - paid_before
    later = [(day, cents) for day, cents in ordered if start <= day]
    day = start
    while day <= until and balance > 0:
        # A sub-period ends at the half-year's end, on the day of the next payment, or on ``until``.
        end = min(_semester_end(day), until, *(paid for paid, _cents in later[:1]))
        rate = table.annual_bp(day, basis, contractual_bp)
        yield InterestLine(day, end, balance, rate, _interest(balance, rate, (end - day).days + 1))
        while later and later[0][0] == end:
            balance -= later.pop(0)[1]
        day = end + timedelta(days=1)


def _interest(base_cents: int, rate_bp: int, days: int) -> int:
    exact = Decimal(base_cents) * rate_bp * days / (10_000 * DAYS_IN_YEAR)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def latest_allowed_due_date(issue_date: date) -> date:
    """The latest due date L441-10 I allows: 60 days from issue, or 45 days end of month under either
    reading of "fin de mois" (end of the issue month + 45 days, or issue + 45 days then month end)."""
    return max(issue_date + timedelta(days=TERM_CAP_DAYS),
               month_end(issue_date) + timedelta(days=TERM_CAP_END_OF_MONTH_DAYS),
               month_end(issue_date + timedelta(days=TERM_CAP_END_OF_MONTH_DAYS)))


def terms_exceed_cap(issue_date: date, due_date: date) -> bool:
    """True when the payment term is longer than the law allows between professionals."""
    return due_date > latest_allowed_due_date(issue_date)


def prescription_date(due_date: date, consumer: bool) -> date:
    """The last day to sue: 5 years (B2B) or 2 years (consumer) from the due date.

    legal-fr.md §B.3: the starting point is when the creditor knew its right (C. civ. 2224); case law
    leans to performance rather than the invoice date, so the due date is the prudent usual start.
    """
    years = PRESCRIPTION_YEARS_CONSUMER if consumer else PRESCRIPTION_YEARS_B2B
    return add_months(due_date, 12 * years)

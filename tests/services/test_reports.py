"""Aged balance, DSO series and key figures on a small hand-computed ledger."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import reports
from tests.conftest import TODAY
from tests.services.ledger import Ledger


def test_aged_balance_spreads_open_amounts_into_buckets(ledger: Ledger) -> None:
    report = reports.aged_balance(ledger.ws, TODAY)
    by_code = {line.account_code: line for line in report.lines}
    # ALPHA: 1 000,00 € not due + 300,00 € in 1–30 days; 50,00 € unallocated → net 1 250,00 €
    assert by_code["ALPHA"].buckets == (100_000, 30_000, 0, 0, 0)
    assert by_code["ALPHA"].total_cents == 130_000
    assert by_code["ALPHA"].unallocated_cents == 5_000
    assert by_code["ALPHA"].net_cents == 125_000
    # BETA: 800,00 € more than 90 days past due, all of it disputed; credit note 100,00 € → net 700,00 €
    assert by_code["BETA"].buckets == (0, 0, 0, 0, 80_000)
    assert by_code["BETA"].disputed_cents == 80_000
    assert by_code["BETA"].net_cents == 70_000
    assert report.totals.buckets == (100_000, 30_000, 0, 0, 80_000)
    assert report.totals.total_cents == 210_000 == sum(report.totals.buckets)
    assert report.totals.net_cents == 210_000 - 15_000
    assert report.bucket_bounds == ((None, 0), (1, 30), (31, 60), (61, 90), (91, None))


def test_aged_balance_recomputes_for_a_past_date(ledger: Ledger) -> None:
    # On 05/11 the 200,00 € payment (10/11) had not arrived, F1 (31/10) existed, the dispute was open,
    # and the 50,00 € payment (15/11) was not received yet.
    report = reports.aged_balance(ledger.ws, date(2026, 11, 5))
    alpha = next(line for line in report.lines if line.account_code == "ALPHA")
    assert alpha.buckets == (100_000, 50_000, 0, 0, 0)  # F2 4 days past due
    assert alpha.unallocated_cents == 0
    # On 01/09 F1 and F2 did not exist; F3 was 31 days past due and not yet disputed.
    early = reports.aged_balance(ledger.ws, date(2026, 9, 1))
    assert [line.account_code for line in early.lines] == ["BETA"]
    assert early.lines[0].buckets == (0, 0, 80_000, 0, 0)
    assert early.lines[0].disputed_cents == 0


def test_aged_balance_honours_configured_limits(ledger: Ledger) -> None:
    report = reports.aged_balance(ledger.ws, TODAY, limits=(15, 45))
    assert report.bucket_bounds == ((None, 0), (1, 15), (16, 45), (46, None))
    assert report.totals.buckets == (100_000, 0, 30_000, 80_000)  # 22 days → 16–45


def test_key_figures_show_their_arithmetic(ledger: Ledger) -> None:
    figures = reports.key_figures(ledger.ws, TODAY)
    # Period: three months to 23/11/2026 → 24/08..23/11 = 92 days.
    # Sales of the period: F1 1 000 + F2 500 − A1 100 = 1 400,00 €. Receivables 2 100,00 €.
    assert figures.get("receivables").value == 210_000
    assert figures.get("overdue").value == 30_000 + 80_000
    assert figures.get("overdue_rate").value == pytest.approx(110_000 / 210_000 * 100)
    assert figures.get("dso_accounting").value == pytest.approx(210_000 / 140_000 * 92)
    assert figures.get("best_possible_dso").value == pytest.approx(100_000 / 140_000 * 92)
    # Opening receivables on 23/08: F3 800,00 €. Collected: 200,00 €.
    assert figures.get("collection_rate").value == pytest.approx(20_000 / (80_000 + 140_000) * 100)
    # CEI = (800 + 1 400 − 2 100) ÷ (800 + 1 400 − 1 000) × 100
    assert figures.get("cei").value == pytest.approx((80_000 + 140_000 - 210_000) / (80_000 + 140_000 - 100_000) * 100)
    # 200,00 € paid 9 days after F2's due date → 9 days on average.
    assert figures.get("average_days_late").value == pytest.approx(9.0)
    assert figures.get("dispute_rate").value == 0  # F3 was issued before the period
    assert figures.get("promise_kept_rate").value is None
    assert "÷" in figures.get("dso_accounting").formula


def test_dso_series_has_one_point_per_month_ending_at_as_of(ledger: Ledger) -> None:
    series = reports.dso_series(ledger.ws, TODAY, months=24)
    assert len(series) == 24
    assert series[-1].month_end == TODAY
    assert series[-2].month_end == date(2026, 10, 31)
    # End of October: receivables F1 1 000 + F2 500 + F3 800 = 2 300 €; sales Aug–Oct = F2 500 + F1 1 000
    # − A1 100 = 1 400 € (F3 was issued in July). Window Aug 1..Oct 31 = 92 days.
    assert series[-2].accounting == pytest.approx(230_000 / 140_000 * 92)
    # Countback at the end of October: 2 300 − Oct sales 1 500 = 800 left (31 days), − Sep sales −100
    # (a credit note: 800 > −100 → 900 left, 30 days), − Aug 0 (31 days), July sales 800 ≤ 900? no: 900 > 800
    # → 100 left (31 days), June 0 … history exhausted → no countback figure.
    assert series[-2].countback is None
    assert series[-2].best_possible is None and series[-1].best_possible is not None


def test_key_figures_over_a_chosen_period(ledger: Ledger) -> None:
    figures = reports.key_figures(ledger.ws, TODAY, period_months=1)
    # One month to 23/11/2026: 24/10..23/11 = 31 days; sales F1 1 000 (31/10) − nothing else = 1 000,00 €
    # (F2 was issued on 02/10, A1 on 01/09).
    kpi = figures.get("dso_accounting")
    assert (kpi.period_start, kpi.period_end) == (date(2026, 10, 24), TODAY)
    assert kpi.value == pytest.approx(210_000 / 100_000 * 31)

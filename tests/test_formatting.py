"""French formatting as letters print it: amounts with non-breaking spaces, long dates with "1er"."""

from __future__ import annotations

from datetime import date

from app.formatting import format_cents, format_date, format_long_date


def test_amounts_and_short_dates_are_french() -> None:
    assert format_cents(123456, language="fr") == "1\u202f234,56\xa0€"
    assert format_date(date(2026, 11, 23)) == "23/11/2026"


def test_the_first_of_the_month_is_an_ordinal_in_french_only() -> None:
    assert format_long_date(date(2026, 12, 1), language="fr") == "1er décembre 2026"
    assert format_long_date(date(2026, 12, 11), language="fr") == "11 décembre 2026"
    assert format_long_date(date(2026, 11, 23), language="fr") == "23 novembre 2026"
    assert format_long_date(date(2026, 12, 1), language="en") == "1 December 2026"

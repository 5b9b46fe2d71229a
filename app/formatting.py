"""Numbers, money and dates shown the French way by default (Babel), following the current language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal

from app.i18n import _, current_language

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale(language: str | None = None) -> str:
    """Babel's locale for ``language`` (a letter in the client's language), else for the interface's."""
    return _LOCALES.get(language or current_language(), "fr_FR")


def format_cents(cents: int, currency: str = "EUR", *, language: str | None = None) -> str:
    """``123456`` → ``1 234,56 €`` in French (Babel's spaces are non-breaking so amounts never wrap)."""
    return format_currency(Decimal(cents).scaleb(-2), currency, locale=locale(language))


def format_plain_cents(cents: int) -> str:
    """``123456`` → ``1234,56``: for CSV files opened by a French spreadsheet (no grouping, no symbol)."""
    text = f"{Decimal(cents).scaleb(-2):.2f}"
    return text.replace(".", ",") if current_language() == "fr" else text


def format_date(day: date) -> str:
    """``23/11/2026`` in French, ``23/11/2026`` in British English too (day first, as users expect)."""
    return day.strftime("%d/%m/%Y")


def format_long_date(day: date, *, language: str | None = None) -> str:
    """``23 novembre 2026``, ``1er décembre 2026`` in French; used in letters (in the client's ``language``
    when given)."""
    text = babel_format_date(day, format="long", locale=locale(language))
    if day.day == 1 and locale(language).startswith("fr"):
        # French typography writes the first of the month as an ordinal (Babel's CLDR pattern does not).
        text = "1er" + text[1:]
    return text


def format_days(value: float | None) -> str:
    """A number of days with one decimal, or an em dash when it cannot be computed."""
    if value is None:
        return "—"
    unit = "j" if current_language() == "fr" else "d"
    return format_decimal(round(value, 1), format="#,##0.0", locale=locale()) + f"\u00a0{unit}"


def format_percent(value: float | None) -> str:
    """A percentage (given 0–100) with one decimal, or an em dash."""
    if value is None:
        return "—"
    return format_decimal(round(value, 1), format="#,##0.0", locale=locale()) + "\u00a0%"


def bucket_label(bounds: tuple[int | None, int | None]) -> str:
    """An aging bucket from its days-past-due bounds: ``(None, 0)`` → "Non échu", ``(1, 30)`` → "1–30 j",
    ``(91, None)`` → "> 90 j"."""
    low, high = bounds
    if low is None:
        return _("Not due")
    if high is None:
        return _("> {days} d").format(days=low - 1)
    return _("{low}–{high} d").format(low=low, high=high)


def format_count(count: int) -> str:
    """``200000`` → ``200 000`` in French: a count of clients or invoices, grouped like amounts."""
    return format_decimal(count, format="#,##0", locale=locale())


def format_figure(value: float | int | None, unit: str) -> str:
    """A key figure as shown on a dashboard tile, by its unit: "cents" (amount), "days" or "percent"."""
    if unit == "cents":
        return format_cents(int(value or 0))
    if unit == "days":
        return format_days(None if value is None else float(value))
    return format_percent(None if value is None else float(value))

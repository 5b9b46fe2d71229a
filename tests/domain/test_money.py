"""Tests of Money and parse_amount."""

from decimal import Decimal

import pytest

from app.domain.money import Money, MoneyError, parse_amount


def test_arithmetic_keeps_cents_and_currency() -> None:
    assert Money(1_050) + Money(250) == Money(1_300)  # 10,50 + 2,50 = 13,00
    assert Money(1_050) - Money(2_000) == Money(-950)
    assert -Money(5) == Money(-5)
    assert Money.zero("USD") == Money(0, "USD")


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(MoneyError):
        Money(1, "EUR") + Money(1, "USD")
    with pytest.raises(MoneyError):
        Money(1, "EUR") - Money(1, "USD")


@pytest.mark.parametrize("bad", [1.5, True, "12"])
def test_cents_must_be_an_int(bad: object) -> None:
    with pytest.raises(MoneyError):
        Money(bad)  # type: ignore[arg-type]


def test_bool_and_sign() -> None:
    assert not Money(0)
    assert Money(-1)
    assert Money(1).is_positive()
    assert not Money(0).is_positive()
    assert not Money(-1).is_positive()


def test_ordering_compares_cents() -> None:
    assert Money(99) < Money(100)


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("12.345", 1_235),  # 1234.5 cents rounds half up
        ("12.344", 1_234),
        ("-0.005", -1),  # half up is away from zero in Decimal ROUND_HALF_UP
        (Decimal("1.1"), 110),
        (7, 700),
    ],
)
def test_from_decimal_rounds_half_up(value: Decimal | str | int, cents: int) -> None:
    assert Money.from_decimal(value).cents == cents


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_from_decimal_rejects_non_amounts(bad: str) -> None:
    with pytest.raises(MoneyError):
        Money.from_decimal(bad)


def test_to_decimal_round_trips() -> None:
    assert Money(123_456).to_decimal() == Decimal("1234.56")
    assert Money.from_decimal(Money(-5).to_decimal()) == Money(-5)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,56", 123_456),
        ("1\u202f234,56 €", 123_456),  # narrow no-break space, as Babel formats French amounts
        ("1\xa0234,56", 123_456),
        ("1234.56", 123_456),
        ("1.234,56", 123_456),
        ("1,234.56", 123_456),
        ("-12,5 €", -1_250),
        ("12", 1_200),
        ("1,234", 123_400),  # three digits after the only separator: a thousands separator
        ("0,07", 7),
    ],
)
def test_parse_amount_reads_french_and_english(text: str, cents: int) -> None:
    assert parse_amount(text) == Money(cents)


def test_parse_amount_keeps_the_currency() -> None:
    assert parse_amount("3,00", "CHF") == Money(300, "CHF")


@pytest.mark.parametrize("bad", ["", "   ", "€", "abc", "12,3x", "1-2"])
def test_parse_amount_rejects_garbage(bad: str) -> None:
    with pytest.raises(MoneyError):
        parse_amount(bad)

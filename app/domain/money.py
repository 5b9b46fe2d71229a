"""Money as an immutable integer number of cents with its currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DEFAULT_CURRENCY = "EUR"


class MoneyError(ValueError):
    """An amount that cannot be read or an operation mixing currencies."""


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount of money.

    Attributes:
        cents: the amount in minor units (may be negative for a credit).
        currency: ISO 4217 code, upper case.
    """

    cents: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        # bool is an int subclass; a float here means money went through float somewhere.
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise MoneyError(f"cents must be an int, got {type(self.cents).__name__}")

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, value: Decimal | str | int, currency: str = DEFAULT_CURRENCY) -> Money:
        """Build from a decimal amount in units (``"12.345"`` rounds half up to 1235 cents)."""
        try:
            amount = Decimal(value)
        except (InvalidOperation, ValueError) as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
        if not amount.is_finite():
            raise MoneyError(f"not an amount: {value!r}")
        cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return cls(cents, currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.cents).scaleb(-2)

    def _check(self, other: Money) -> None:
        if self.currency != other.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.cents - other.cents, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.cents, self.currency)

    def __bool__(self) -> bool:
        return self.cents != 0

    def is_positive(self) -> bool:
        return self.cents > 0


def parse_amount(text: str, currency: str = DEFAULT_CURRENCY) -> Money:
    """Read an amount typed the French or the English way: ``1 234,56``, ``1234.56``, ``-12,5 €``.

    A single comma or dot followed by one or two digits is the decimal separator; spaces
    (including non-breaking ones) and the other separator group thousands.
    """
    cleaned = text.strip().replace("€", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not cleaned:
        raise MoneyError("empty amount")
    last_comma, last_dot = cleaned.rfind(","), cleaned.rfind(".")
    decimal_pos = max(last_comma, last_dot)
    if decimal_pos >= 0 and len(cleaned) - decimal_pos - 1 in (1, 2):
        whole = cleaned[:decimal_pos].replace(",", "").replace(".", "")
        normalised = f"{whole}.{cleaned[decimal_pos + 1:]}"
    else:
        normalised = cleaned.replace(",", "").replace(".", "")
    if not normalised.lstrip("-+").replace(".", "", 1).isdigit():
        raise MoneyError(f"not an amount: {text!r}")
    return Money.from_decimal(normalised, currency)

"""Aged balance (balance âgée): open amounts per client in configurable days-past-due buckets."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple

from app.domain.records import OpenItem


@dataclass(frozen=True, slots=True)
class BucketLimits:
    """Upper limits (days past due, included) of the overdue buckets but the last.

    ``(30, 60, 90)`` gives five buckets: not due (<= 0), 1–30, 31–60, 61–90, > 90.
    Limits must be strictly increasing positive ints.
    """

    limits: tuple[int, ...] = (30, 60, 90)

    def __post_init__(self) -> None:
        values = self.limits
        if any(not isinstance(v, int) or isinstance(v, bool) or v <= 0 for v in values):
            raise ValueError(f"bucket limits must be positive ints: {values!r}")
        if any(b <= a for a, b in pairwise(values)):
            raise ValueError(f"bucket limits must be strictly increasing: {values!r}")

    @property
    def count(self) -> int:
        """Number of buckets: not due, one per limit, and the open-ended last one."""
        return len(self.limits) + 2


DEFAULT_LIMITS = BucketLimits()


def bucket_index(days_past_due: int, limits: BucketLimits) -> int:
    """Bucket of an amount ``days_past_due`` days past due: 0 = not due (<= 0 days).

    With the default limits: 1..30 → 1, 31..60 → 2, 61..90 → 3, 91+ → 4.
    """
    if days_past_due <= 0:
        return 0
    return bisect_left(limits.limits, days_past_due) + 1


def bucket_bounds(limits: BucketLimits) -> list[tuple[int | None, int | None]]:
    """Inclusive (low, high) days past due of each bucket, None meaning unbounded.

    Default: ``[(None, 0), (1, 30), (31, 60), (61, 90), (91, None)]``; the UI turns them into labels.
    """
    bounds: list[tuple[int | None, int | None]] = [(None, 0)]
    low = 1
    for high in limits.limits:
        bounds.append((low, high))
        low = high + 1
    bounds.append((low, None))
    return bounds


class AgingRow(NamedTuple):
    """One line of the aged balance; ``client_id`` is None on the totals line.

    A named tuple rather than a frozen dataclass: thousands are built per aged balance and a
    frozen dataclass costs twice as much to build.

    Attributes:
        buckets: open cents per bucket, in bucket order; they sum to ``total_cents``.
        disputed_cents: the part of ``total_cents`` under an open dispute; it stays in its
            bucket too (shown apart as an extra column, not removed).
    """

    client_id: int | None
    buckets: tuple[int, ...]
    total_cents: int
    disputed_cents: int


@dataclass(frozen=True, slots=True)
class AgedBalance:
    """The aged balance on ``as_of``: rows sorted by total descending then client id, and totals."""

    as_of: date
    limits: BucketLimits
    rows: tuple[AgingRow, ...]
    totals: AgingRow


def aged_balance(
    items: Iterable[OpenItem], as_of: date, limits: BucketLimits = DEFAULT_LIMITS
) -> AgedBalance:
    """Spread open items into buckets by ``as_of - due_date`` (days past due), per client and in total.

    A row's buckets sum to its total; the totals row sums the rows; disputed amounts are counted
    in their bucket and again in ``disputed_cents``. Single pass; the bucket of each due date is
    computed once.
    """
    return aged_balance_of(((item.client_id, item.due_date, item.open_cents, item.disputed) for item in items),
                           as_of, limits)


def aged_balance_of(items: Iterable[tuple[int, date, int, bool]], as_of: date,
                    limits: BucketLimits = DEFAULT_LIMITS) -> AgedBalance:
    """:func:`aged_balance` of (client_id, due date, open cents, disputed) tuples, which a large dossier's
    tens of thousands of open invoices are read as without building an object for each."""
    n = limits.count
    per_client: dict[int, list[int]] = {}  # n bucket slots, then the disputed slot
    bucket_of: dict[date, int] = {}
    for client_id, due, cents, disputed in items:
        index = bucket_of.get(due)
        if index is None:
            index = bucket_of[due] = bucket_index((as_of - due).days, limits)
        acc = per_client.get(client_id)
        if acc is None:
            acc = per_client[client_id] = [0] * (n + 1)
        acc[index] += cents
        if disputed:
            acc[n] += cents
    rows = [AgingRow(client_id, b := tuple(acc[:n]), sum(b), acc[n]) for client_id, acc in per_client.items()]
    # Two C-level stable sorts beat one sort on a Python key function: client id, then total desc.
    rows.sort(key=itemgetter(0))
    rows.sort(key=itemgetter(2), reverse=True)
    sums = [sum(column) for column in zip(*per_client.values(), strict=True)] or [0] * (n + 1)
    totals = tuple(sums[:n])
    return AgedBalance(as_of, limits, tuple(rows), AgingRow(None, totals, sum(totals), sums[n]))

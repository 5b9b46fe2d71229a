"""Tests of the aged balance."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.aging import AgedBalance, AgingRow, BucketLimits, aged_balance, bucket_bounds, bucket_index
from app.domain.records import OpenItem

AS_OF = date(2024, 6, 30)
LIMITS = BucketLimits()


def due(days_past_due: int) -> date:
    return AS_OF - timedelta(days=days_past_due)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-10, 0),  # due in ten days
        (0, 0),  # due today is not due yet
        (1, 1),  # due yesterday
        (30, 1),
        (31, 2),
        (60, 2),
        (61, 3),
        (90, 3),
        (91, 4),
        (5_000, 4),
    ],
)
def test_bucket_index_default_limits(days: int, bucket: int) -> None:
    assert bucket_index(days, LIMITS) == bucket


def test_bucket_index_custom_limits() -> None:
    limits = BucketLimits((15, 45))
    assert [bucket_index(d, limits) for d in (0, 1, 15, 16, 45, 46)] == [0, 1, 1, 2, 2, 3]
    assert limits.count == 4


def test_bucket_bounds() -> None:
    assert bucket_bounds(LIMITS) == [(None, 0), (1, 30), (31, 60), (61, 90), (91, None)]
    assert bucket_bounds(BucketLimits((10,))) == [(None, 0), (1, 10), (11, None)]
    assert bucket_bounds(BucketLimits(())) == [(None, 0), (1, None)]


@pytest.mark.parametrize("bad", [(30, 30), (60, 30), (0, 30), (-5,), (30, 60.0)])
def test_bucket_limits_validation(bad: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        BucketLimits(bad)


def test_aged_balance_worked_example() -> None:
    items = [
        OpenItem(1, due(-5), 10_000),  # client 1: not due
        OpenItem(1, due(1), 20_000),  # 1–30
        OpenItem(1, due(30), 5_000, disputed=True),  # 1–30, disputed
        OpenItem(2, due(31), 40_000),  # client 2: 31–60
        OpenItem(2, due(91), 3_000, disputed=True),  # >90, disputed
        OpenItem(3, due(90), 43_000),  # client 3: 61–90
    ]
    result = aged_balance(items, AS_OF)
    assert result == AgedBalance(
        AS_OF,
        LIMITS,
        rows=(
            # clients 2 and 3 tie at 43 000; the lower client id comes first
            AgingRow(2, (0, 0, 40_000, 0, 3_000), 40_000 + 3_000, 3_000),
            AgingRow(3, (0, 0, 0, 43_000, 0), 43_000, 0),
            AgingRow(1, (10_000, 20_000 + 5_000, 0, 0, 0), 10_000 + 20_000 + 5_000, 5_000),
        ),
        totals=AgingRow(
            None,
            (10_000, 25_000, 40_000, 43_000, 3_000),
            10_000 + 25_000 + 40_000 + 43_000 + 3_000,
            5_000 + 3_000,
        ),
    )


def test_aged_balance_custom_limits_change_the_columns() -> None:
    result = aged_balance([OpenItem(1, due(20), 100)], AS_OF, BucketLimits((15,)))
    assert result.totals.buckets == (0, 0, 100)  # 20 days > 15: the last bucket of three


def test_aged_balance_empty() -> None:
    result = aged_balance([], AS_OF)
    assert result.rows == ()
    assert result.totals == AgingRow(None, (0, 0, 0, 0, 0), 0, 0)


def test_aged_balance_accepts_a_generator() -> None:
    result = aged_balance((OpenItem(c, due(c), 100) for c in range(3)), AS_OF)
    assert result.totals.total_cents == 300


items_strategy = st.lists(
    st.builds(
        OpenItem,
        client_id=st.integers(1, 8),
        due_date=st.dates(AS_OF - timedelta(days=400), AS_OF + timedelta(days=100)),
        open_cents=st.integers(1, 10**9),
        disputed=st.booleans(),
    ),
    max_size=60,
)
limits_strategy = st.lists(st.integers(1, 400), max_size=5, unique=True).map(
    lambda values: BucketLimits(tuple(sorted(values)))
)


@given(items=items_strategy, limits=limits_strategy)
def test_aged_balance_properties(items: list[OpenItem], limits: BucketLimits) -> None:
    result = aged_balance(items, AS_OF, limits)
    for row in result.rows:
        assert sum(row.buckets) == row.total_cents
        assert len(row.buckets) == limits.count
        assert 0 <= row.disputed_cents <= row.total_cents
    assert result.totals.total_cents == sum(i.open_cents for i in items)
    assert result.totals.disputed_cents == sum(i.open_cents for i in items if i.disputed)
    assert sum(result.totals.buckets) == result.totals.total_cents
    for column in range(limits.count):
        assert result.totals.buckets[column] == sum(row.buckets[column] for row in result.rows)
    assert [r.client_id for r in result.rows] == sorted(
        {i.client_id for i in items}, key=lambda c: (-sum(i.open_cents for i in items if i.client_id == c), c)
    )
    for item in items:  # each item lands where bucket_index says
        row = next(r for r in result.rows if r.client_id == item.client_id)
        assert row.buckets[bucket_index((AS_OF - item.due_date).days, limits)] > 0

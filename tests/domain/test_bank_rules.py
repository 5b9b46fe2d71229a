"""Invoice references in free text and bounded sums of open invoices, as the bank matcher uses them."""

from __future__ import annotations

from app.domain.bank_rules import (
    OpenItem,
    candidate_references,
    find_numbers,
    normalise_reference,
    spread,
    subset_with_sum,
)


def item(invoice_id: int, cents: int, due: str = "2026-10-01", client_id: int = 1) -> OpenItem:
    return OpenItem(invoice_id, client_id, f"F{invoice_id}", due, cents)


def test_normalised_references_ignore_spaces_dashes_and_leading_zeros() -> None:
    assert normalise_reference("FA-000123") == normalise_reference("fa 123") == "FA123"
    assert normalise_reference("FA-2026-0012") == normalise_reference("fa 2026 0012") == "FA20260012"


def test_references_are_found_across_neighbouring_words() -> None:
    keys = candidate_references("VIR SEPA Facture FA 2026 0012 merci; ref:F-00999/REGL")
    assert "FA20260012" in keys and "F999" in keys
    assert "2026" not in keys  # too short and numeric: a year, not an invoice


def test_find_numbers_returns_each_invoice_once() -> None:
    one = OpenItem(1, 1, "FA-2026-0012", "2026-10-01", 100)
    found = list(find_numbers("FA-2026-0012 fa2026 0012", {normalise_reference(one.number): one}))
    assert found == [one]


def test_spread_oldest_first_and_never_over_the_open_amount() -> None:
    old, new = item(1, 300, "2026-09-01"), item(2, 500, "2026-10-01")
    assert [(i.invoice_id, share) for i, share in spread(600, [new, old])] == [(1, 300), (2, 300)]
    assert [(i.invoice_id, share) for i, share in spread(1000, [new, old])] == [(1, 300), (2, 500)]


def test_subset_sum_finds_several_invoices() -> None:
    items = [item(1, 120), item(2, 450), item(3, 300), item(4, 75)]
    chosen = subset_with_sum(items, 750)
    assert chosen is not None and sorted(i.invoice_id for i in chosen) == [2, 3]
    assert subset_with_sum(items, 120) is None  # one invoice is the exact-amount rule's business
    assert subset_with_sum(items, 1) is None


def test_subset_sum_is_bounded() -> None:
    items = [item(n, 1000 + n * 7) for n in range(200)]
    assert subset_with_sum(items, 10**9, max_states=1000) is None

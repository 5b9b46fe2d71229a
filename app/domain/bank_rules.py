"""Rules for matching a bank credit to open invoices: invoice references found in free text, sums of invoices.

Pure functions; the service (app/services/bank_match.py) loads the dossier and applies them in order.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s\-_./\\:#]+")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_WORDS = re.compile(r"[^\s,;:()\[\]{}<>\"'+*=|]+")
_WORD_SPLIT = re.compile(r"[/\\]")
MIN_REFERENCE = 4  # shorter keys (a year, a day) would be found in any label


class Confidence(enum.IntEnum):
    """How sure a proposal is; HIGH ones can be accepted together ("Accepter les propositions sûres")."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


class MatchReason(enum.StrEnum):
    INVOICE_NUMBER = "invoice_number"  # the payer wrote the invoice number
    EXACT_AMOUNT = "exact_amount"  # the amount of one open invoice
    INVOICE_SUM = "invoice_sum"  # the sum of several open invoices of one client
    CLIENT_TOTAL = "client_total"  # everything a client owes
    CLIENT_NAME = "client_name"  # only the payer's name resembles a client's


def normalise_reference(text: str) -> str:
    """An invoice number as payers write it: no case, spaces, dashes, dots or slashes, no leading zeros."""
    return _LEADING_ZEROS.sub("", _SEPARATORS.sub("", text.upper()))


def is_findable(key: str) -> bool:
    """Keys too short or purely numeric and short would match dates and amounts by chance."""
    return len(key) >= MIN_REFERENCE and (not key.isdigit() or len(key) >= 6)


def candidate_references(text: str) -> set[str]:
    """Normalised keys a free text may contain: each word, its slash-separated parts, and runs of up to
    three neighbouring words (``FA 2026 0012`` is ``FA-2026-0012`` typed with spaces)."""
    words = _WORDS.findall(text)
    found: set[str] = set()
    for index, word in enumerate(words):
        found.add(normalise_reference(word))
        found.update(normalise_reference(part) for part in _WORD_SPLIT.split(word))
        for width in (2, 3):
            if index + width <= len(words):
                found.add(normalise_reference("".join(words[index:index + width])))
    return {key for key in found if is_findable(key)}


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open invoice as the rules see it."""

    invoice_id: int
    client_id: int
    number: str
    due_key: str  # ISO due date: oldest first
    open_cents: int


def spread(amount_cents: int, items: Iterable[OpenItem]) -> list[tuple[OpenItem, int]]:
    """Allocate ``amount_cents`` over ``items`` oldest due first, never more than each one's open amount."""
    remaining, shares = amount_cents, []
    for item in sorted(items, key=lambda i: (i.due_key, i.invoice_id)):
        if remaining <= 0:
            break
        share = min(remaining, item.open_cents)
        if share > 0:
            shares.append((item, share))
            remaining -= share
    return shares


def subset_with_sum(items: Sequence[OpenItem], target: int, *, max_items: int = 24,
                    max_states: int = 50_000) -> tuple[OpenItem, ...] | None:
    """Some of ``items`` (the oldest ``max_items``) whose open amounts add up to exactly ``target``.

    A bounded subset-sum: reachable sums are kept in a dict (sum → items) and the search stops when it would
    hold more than ``max_states`` sums, so a client with many invoices costs milliseconds, not seconds.
    The subset with the oldest invoices wins among equal sums (items are visited oldest first).
    """
    ordered = sorted(items, key=lambda i: (i.due_key, i.invoice_id))[:max_items]
    reachable: dict[int, tuple[OpenItem, ...]] = {0: ()}
    for item in ordered:
        additions = {}
        for total, chosen in reachable.items():
            new_total = total + item.open_cents
            if new_total <= target and new_total not in reachable:
                additions[new_total] = (*chosen, item)
        reachable.update(additions)
        if target in reachable:
            return reachable[target] if len(reachable[target]) > 1 else None
        if len(reachable) > max_states:
            return None
    return None


def find_numbers(text: str, by_key: dict[str, OpenItem]) -> Iterator[OpenItem]:
    """The open invoices whose number appears in ``text``."""
    seen: set[int] = set()
    for key in sorted(candidate_references(text)):
        item = by_key.get(key)
        if item is not None and item.invoice_id not in seen:
            seen.add(item.invoice_id)
            yield item

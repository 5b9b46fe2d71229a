"""Proposes, for each credit of a bank statement, the client and open invoices it pays, with why and how sure.

The dossier's open invoices, clients and imported bank references are read once (a few set-based queries on
the partial index of open invoices), then each credit is matched in memory by the rules of
app.domain.bank_rules, in order: invoice number in the text, exact amount of one open invoice, sum of several
invoices of one client (or everything it owes), and the payer's name alone (rapidfuzz).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from rapidfuzz import fuzz, process, utils
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.bank_rules import (
    Confidence,
    MatchReason,
    OpenItem,
    find_numbers,
    normalise_reference,
    spread,
    subset_with_sum,
)
from app.domain.kinds import Source
from app.io.import_records import BankLine
from app.models import Client, Company, Invoice, Payment
from app.services.bank_dto import LineStatus, Proposal, ProposedInvoice, StatementLine
from app.services.queries import open_invoices

NAME_CUTOFF = 85  # token_sort_ratio from which a payer's name is taken to be the client's (WRatio: 25× slower)
STRONG_NAME = 95
_LEGAL_FORMS = re.compile(r"\b(SARL|SAS|SASU|SA|EURL|SCI|SNC|SCOP|SELARL|GMBH|BV|NV|LTD|LLC|INC|STE|STÉ|SOCIETE|"
                          r"ETS|ETABLISSEMENTS|M|MME|MR|MLLE)\b\.?", re.IGNORECASE)


def _plain(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")


def name_key(name: str) -> str:
    """A company name without accents, case, punctuation or legal form: "Bêta SAS" → "beta"."""
    return " ".join(utils.default_process(_LEGAL_FORMS.sub(" ", _plain(name))).split())


@dataclass(frozen=True, slots=True)
class Named:
    """The clients a payer's name designates (several when only the legal form differs) and how alike."""

    client_ids: tuple[int, ...]
    score: int


@dataclass
class MatchIndex:
    """The dossier as the matcher needs it, read in one go; ``remaining`` shrinks as lines claim invoices."""

    items: dict[int, OpenItem]
    due: dict[int, date]
    clients: dict[int, str]
    imported: set[str]
    currency: str = "EUR"
    by_number: dict[str, OpenItem] = field(default_factory=dict)
    by_client: dict[int, list[OpenItem]] = field(default_factory=lambda: defaultdict(list))
    by_amount: dict[int, list[OpenItem]] = field(default_factory=lambda: defaultdict(list))
    name_keys: dict[int, str] = field(default_factory=dict)
    remaining: dict[int, int] = field(default_factory=dict)
    client_open: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    by_total: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for item in self.items.values():
            self.by_number.setdefault(normalise_reference(item.number), item)
            self.by_client[item.client_id].append(item)
            self.by_amount[item.open_cents].append(item)
            self.remaining[item.invoice_id] = item.open_cents
            self.client_open[item.client_id] += item.open_cents
        for client_id, total in self.client_open.items():
            self.by_total[total].append(client_id)
        self.name_keys = {client_id: name_key(name) for client_id, name in self.clients.items()}

    def open_item(self, item: OpenItem) -> OpenItem | None:
        """``item`` with what earlier lines of the statement left of it; None once fully claimed."""
        left = self.remaining.get(item.invoice_id, 0)
        return None if left <= 0 else (item if left == item.open_cents else replace(item, open_cents=left))

    def open_items(self, items: Iterable[OpenItem]) -> list[OpenItem]:
        return [found for found in map(self.open_item, items) if found is not None]

    def claim(self, proposal: Proposal) -> None:
        for invoice in proposal.invoices:
            self.remaining[invoice.invoice_id] -= invoice.allocated_cents
            self.client_open[proposal.client_id] -= invoice.allocated_cents


def load_index(session: Session, as_of: date, references: Iterable[str]) -> MatchIndex:
    """Open invoices on ``as_of`` with their numbers, every client's name, and which references are imported."""
    opened = open_invoices(as_of).subquery("open_now")
    rows = session.execute(select(opened.c.id, opened.c.client_id, opened.c.due_date, opened.c.open_cents,
                                  Invoice.number).join(Invoice, Invoice.id == opened.c.id))
    items, due = {}, {}
    for invoice_id, client_id, due_date, open_cents, number in rows:
        items[invoice_id] = OpenItem(invoice_id, client_id, number, due_date.isoformat(), int(open_cents))
        due[invoice_id] = due_date
    clients = {client_id: name for client_id, name in session.execute(select(Client.id, Client.name))}
    company = session.get(Company, 1)
    return MatchIndex(items, due, clients, imported_references(session, references),
                      company.currency if company is not None else "EUR")


def imported_references(session: Session, references: Iterable[str]) -> set[str]:
    """Which of ``references`` a payment already carries: as its bank import key (indexed, in slices) or as
    the bank reference typed on a payment recorded by hand (not indexed: one scan of the payments in SQLite)."""
    wanted = sorted(set(references))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(session.scalars(select(Payment.external_key).where(
            Payment.source == Source.BANK, Payment.external_key.in_(chunk))))
    for start in range(0, len(wanted), 30_000):  # under SQLite's 32,766 parameters: one scan for a statement
        found.update(session.scalars(select(Payment.bank_reference).where(
            Payment.bank_reference.in_(wanted[start:start + 30_000]))))
    return {reference for reference in found if reference}


def match_lines(index: MatchIndex, lines: Sequence[BankLine]) -> list[StatementLine]:
    """Every line with its status and, for credits not yet imported, its proposals (best first)."""
    names = _payer_clients(index, [line.counterparty_name for line in lines if line.amount_cents > 0])
    matched = []
    for line in lines:
        if line.amount_cents <= 0:
            matched.append(StatementLine(line, LineStatus.DEBIT))
        elif line.bank_reference in index.imported:
            matched.append(StatementLine(line, LineStatus.ALREADY_IMPORTED))
        elif line.currency.upper() != index.currency.upper():
            matched.append(StatementLine(line, LineStatus.OTHER_CURRENCY))  # no conversion rate to apply here
        else:
            proposals = _propose(index, line, names.get(line.counterparty_name))
            if proposals:
                index.claim(proposals[0])
            matched.append(StatementLine(line, LineStatus.TO_MATCH, tuple(proposals)))
    return matched


def _payer_clients(index: MatchIndex, payers: Iterable[str]) -> dict[str, Named]:
    """payer name → the clients it names, best first, with its score; each distinct name is scored once.

    The exact name (legal form included) decides between "Morin SAS" and "Morin SARL"; without it every
    client whose name differs only by the legal form is a candidate, and the amount decides.
    """
    full: dict[str, list[int]] = defaultdict(list)
    short: dict[str, list[int]] = defaultdict(list)
    for client_id, name in index.clients.items():
        full[utils.default_process(_plain(name))].append(client_id)
        short[index.name_keys[client_id]].append(client_id)
    found: dict[str, Named] = {}
    unknown = []
    for payer in {p for p in payers if p.strip()}:
        exact = full.get(utils.default_process(_plain(payer)), [])
        key = name_key(payer)
        if len(exact) == 1:
            found[payer] = Named(tuple(exact), 100)
        elif key in short:
            found[payer] = Named(tuple(short[key]), 100)
        elif key:
            unknown.append(payer)
    if unknown and short:
        choices = [key for key in short if key]
        scores = process.cdist([name_key(p) for p in unknown], choices, scorer=fuzz.token_sort_ratio,
                               score_cutoff=NAME_CUTOFF, dtype="uint8", workers=-1)
        for payer, row in zip(unknown, scores, strict=True):
            best = int(row.argmax())
            if row[best] >= NAME_CUTOFF:
                found[payer] = Named(tuple(short[choices[best]]), int(row[best]))
    return found


def _propose(index: MatchIndex, line: BankLine, named: Named | None) -> list[Proposal]:
    amount = line.amount_cents
    by_number = _by_number(index, line, amount, named)
    if by_number is not None:
        return [by_number]
    proposals = _by_amount(index, amount, named)
    if not proposals and named is not None:
        proposals = [p for client_id in named.client_ids for p in _by_sum(index, client_id, amount, named.score)]
    if not proposals and named is None:
        proposals = _by_client_total(index, amount)
    if not proposals and named is not None:
        proposals = [_proposal(index, client_id, spread(amount, index.open_items(index.by_client.get(client_id, []))),
                               Confidence.LOW, MatchReason.CLIENT_NAME, {"score": named.score})
                     for client_id in named.client_ids]
    return proposals[:3]


def _by_number(index: MatchIndex, line: BankLine, amount: int, named: Named | None) -> Proposal | None:
    found = index.open_items(find_numbers(" ".join((line.text, line.end_to_end_id)), index.by_number))
    if not found:
        return None
    clients = {item.client_id for item in found}
    client_id = next((c for c in named.client_ids if c in clients), 0) if named else 0
    client_id = client_id or max(clients, key=lambda c: sum(i.open_cents for i in found if i.client_id == c))
    mine = [item for item in found if item.client_id == client_id]
    exact = sum(item.open_cents for item in mine) == amount
    confidence = Confidence.HIGH if exact else Confidence.MEDIUM
    return _proposal(index, client_id, spread(amount, mine), confidence, MatchReason.INVOICE_NUMBER,
                     {"numbers": [item.number for item in mine], "exact": exact})


def _by_amount(index: MatchIndex, amount: int, named: Named | None) -> list[Proposal]:
    candidates = [item for item in index.open_items(index.by_amount.get(amount, ())) if item.open_cents == amount]
    if named is not None:
        own = [item for item in candidates if item.client_id in named.client_ids]
        if own:
            oldest = min(own, key=lambda i: (i.due_key, i.invoice_id))
            sure = named.score >= STRONG_NAME and len({i.client_id for i in own}) == 1
            return [_proposal(index, oldest.client_id, [(oldest, amount)],
                              Confidence.HIGH if sure else Confidence.MEDIUM, MatchReason.EXACT_AMOUNT,
                              {"score": named.score, "candidates": len(own)})]
        return []
    ordered = sorted(candidates, key=lambda i: (i.due_key, i.invoice_id))
    confidence = Confidence.MEDIUM if len(ordered) == 1 else Confidence.LOW
    return [_proposal(index, item.client_id, [(item, amount)], confidence, MatchReason.EXACT_AMOUNT,
                      {"candidates": len(ordered)}) for item in ordered[:3]]


def _by_sum(index: MatchIndex, client_id: int, amount: int, score: int) -> list[Proposal]:
    chosen = subset_with_sum(index.open_items(index.by_client.get(client_id, ())), amount)
    if chosen is None:
        return []
    return [_proposal(index, client_id, [(item, item.open_cents) for item in chosen], Confidence.MEDIUM,
                      MatchReason.INVOICE_SUM, {"score": score})]


def _by_client_total(index: MatchIndex, amount: int) -> list[Proposal]:
    """Without a name, a credit equal to all a client owes (on two invoices or more) is still a strong hint."""
    found = []
    for client_id in index.by_total.get(amount, ()):
        open_now = index.open_items(index.by_client[client_id])
        if len(open_now) > 1 and index.client_open[client_id] == amount:
            found.append(_proposal(index, client_id, [(item, item.open_cents) for item in open_now],
                                   Confidence.LOW, MatchReason.CLIENT_TOTAL, {}))
    return found[:3]


def _proposal(index: MatchIndex, client_id: int, shares: Sequence[tuple[OpenItem, int]], confidence: Confidence,
              reason: MatchReason, details: dict[str, object]) -> Proposal:
    invoices = tuple(ProposedInvoice(item.invoice_id, item.number, index.due[item.invoice_id], item.open_cents, share)
                     for item, share in shares)
    return Proposal(client_id, index.clients.get(client_id, ""), invoices, confidence, reason, dict(details))

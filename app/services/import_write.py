"""Writes an import plan in the caller's transaction with set-based inserts, and notes it in each client's history."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from operator import attrgetter, itemgetter
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from app.domain.kinds import ActionKind, InvoiceKind, PaymentMethod
from app.domain.records import SettlementKind
from app.i18n import _
from app.io.import_records import Cancelled, InvoiceRecord, PaymentRecord, Progress, check_cancel
from app.models import Action, Client, Contact, Invoice, Payment, action_invoices
from app.services.entries import check_document, store_document
from app.services.import_bulk import BULK_MIN_ROWS, bulk_schema, checks_aside
from app.services.import_plan import AllocationStep, ClientStep, InvoiceStep, Plan
from app.services.workspace import Workspace

_INVOICE, _CREDIT_NOTE = InvoiceKind.INVOICE.value, InvoiceKind.CREDIT_NOTE.value
CHUNK = 900  # bound parameters per IN (...) list stay under SQLite's limit
REPORT_EVERY = 20_000
IMPORT_CACHE_KIB = 256 * 1024  # an upper bound: SQLite allocates pages only as it reads them
# Plain SQL for the three big tables (values already converted: enums as values, dates as ISO text, as the
# ORM stores them); the database still checks every constraint and runs the allocation triggers.
# The kept totals (settled, applied, allocated) are 0 / NULL unless the bulk path is on (triggers set aside).
_INVOICE_SQL = ("INSERT INTO invoices (number, kind, client_id, issue_date, due_date, amount_excl_cents, "
                "amount_incl_cents, currency, source, external_key, no_reminder, notes, settled_cents, "
                "settled_through, applied_cents, applied_through) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)")
_PAYMENT_SQL = ("INSERT INTO payments (client_id, received_on, amount_cents, currency, method, bank_reference, "
                "source, external_key, notes, allocated_cents, allocated_through) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)")
_NOTHING_KEPT = (0, None)
# Clients and history notes go in through Core: the ORM's bulk insert adds 0.1 s of bookkeeping per 5,000 rows.
_CLIENTS, _ACTIONS = cast(Table, Client.__table__), cast(Table, Action.__table__)
# The fields of an InvoiceRecord a new row needs, in one C-level call per record.
_INVOICE_FIELDS = itemgetter(*(InvoiceRecord._fields.index(name) for name in (
    "number", "client_key", "issue_date", "amount_incl_cents", "amount_excl_cents", "currency", "is_credit_note",
    "external_key", "payment_reference")))
_INVOICE_ID, _PAYMENT_ID = attrgetter("invoice_id"), attrgetter("payment_id")
_SETTLED_NUMBER, _CREDIT_NOTE_NUMBER = attrgetter("invoice_number"), attrgetter("credit_note_number")
# ``allocations`` unpacks each step in the loop's header (80,000 of them): in this order.
assert AllocationStep._fields == ("invoice_number", "amount_cents", "on_date", "payment_key", "credit_note_number",
                                  "reason")
_PAYMENT_FIELDS = itemgetter(*(PaymentRecord._fields.index(name) for name in (
    "client_key", "received_on", "amount_cents", "external_key", "method", "bank_reference", "currency")))
_ALLOCATION_SQL = ("INSERT INTO allocations (invoice_id, kind, payment_id, credit_note_id, amount_cents, on_date, "
                   "reason, client_id, due_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


@contextmanager
def large_cache(session: Session, kib: int = IMPORT_CACHE_KIB) -> Iterator[None]:
    """A larger page cache on this connection while an import writes, then the previous size again.

    Invoices carry eight indexes and allocations fire triggers that update them: with SQLite's default 2 MB
    cache, 100,000 inserts spend most of their time re-reading index pages (measured: 40 % faster).
    """
    connection = session.connection()
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or -2000)}")


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class PlanWriter:
    """One import's writes, in order: clients, invoices, payments, allocations, history notes."""

    def __init__(self, ws: Workspace, session: Session, plan: Plan, file: str, *,
                 progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.ws, self.session, self.plan, self.file = ws, session, plan, file
        self.progress, self.cancelled = progress, cancelled
        self.client_ids: dict[str, int] = {}
        self.invoice_ids: dict[str, int] = {}
        self.payment_ids: dict[str, int] = {}
        self.touched: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.updated_invoices: dict[int, list[int]] = defaultdict(list)
        self.done = 0
        self.bulk = False  # inside ``bulk_schema``: new rows inserted with their CHECKs set aside, checked at its end
        self.source = plan.source.value
        self.dates: dict[date, str] = {}
        self.copies: dict[str, tuple[int, str]] = {}  # invoice number → (client id, due date): allocations copy them
        self.kept: dict[str, dict[str, tuple[int, str | None]]] = {"settled": {}, "applied": {}, "allocated": {}}
        self.total = len(plan.invoices) + len(plan.payments) + len(plan.allocations) + len(plan.clients)

    def tick(self, count: int) -> None:
        check_cancel(self.cancelled)
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def write(self) -> tuple[int, ...]:
        self.undo()  # before the bulk path sets the triggers aside: they keep the totals of what is removed
        counts = new_rows(self.plan)
        if not is_bulk(counts):
            return self._write()
        self._sum_kept()
        with bulk_schema(self.session, counts):
            self.bulk = True
            try:
                return self._write()
            finally:
                self.bulk = False

    def _sum_kept(self) -> None:
        """What the settlements about to be inserted give each invoice, credit note and payment (bulk path only:
        new rows are inserted with them, as the set-aside triggers would have left them)."""
        settled, allocated, applied, iso, dates = self.kept["settled"], self.kept["allocated"], self.kept["applied"], \
            self.iso, self.dates
        for step in self.plan.allocations:
            day, cents = dates.get(step.on_date) or iso(step.on_date), step.amount_cents
            _add(settled, step.invoice_number, cents, day)
            if step.payment_key:
                _add(allocated, step.payment_key, cents, day)
            else:
                _add(applied, step.credit_note_number, cents, day)

    def _write(self) -> tuple[int, ...]:
        self.clients()
        self.invoices()
        self.payments()
        self.allocations()
        self.history()
        return tuple(sorted(self.touched))

    # What an updated FEC undoes ---------------------------------------------------------------------------------

    def undo(self) -> None:
        """Remove the lettrage the file no longer has, and the earlier invoices it no longer holds (untouched ones)."""
        connection = self.session.connection()
        removed = [allocation_id for item in self.plan.unlettered for allocation_id in item.allocation_ids]
        for chunk in _chunks(removed):
            connection.exec_driver_sql(f"DELETE FROM allocations WHERE id IN ({', '.join('?' * len(chunk))})",
                                       tuple(chunk))
        for item in self.plan.unlettered:
            self.touched[item.client_id]["unlettered"].append(f"{item.number} ({item.source_key})")
            self.updated_invoices[item.client_id].append(item.invoice_id)
        dropped = [item.id for item in self.plan.dropped]
        for chunk in _chunks(dropped):
            marks = ", ".join("?" * len(chunk))
            # Only import notes link to these invoices (plan_absent checked): the notes keep their text.
            connection.exec_driver_sql(f"DELETE FROM action_invoices WHERE invoice_id IN ({marks})", tuple(chunk))
            connection.exec_driver_sql(f"DELETE FROM invoices WHERE id IN ({marks})", tuple(chunk))
        for dropped_invoice in self.plan.dropped:
            self.touched[dropped_invoice.client_id]["removed"].append(dropped_invoice.description)
        if dropped:  # an invoice unlettered then removed: its history note names it, it cannot link to it
            gone = set(dropped)
            for invoice_ids in self.updated_invoices.values():
                invoice_ids[:] = [invoice_id for invoice_id in invoice_ids if invoice_id not in gone]

    # Clients --------------------------------------------------------------------------------------------------

    def clients(self) -> None:
        new = [step for step in self.plan.clients.values() if step.client_id is None]
        now = datetime.combine(self.ws.clock(), datetime.min.time())
        if new:
            last = self._last_id("clients")
            rows = [_client_row(step, now) for step in new]
            self.session.connection().execute(insert(_CLIENTS), rows)
            found = dict(self._new_ids("clients", last, select(Client.account_code, Client.id), Client.account_code,
                                       [step.account_code for step in new]))
            for step in new:
                self.client_ids[step.record.key] = found[step.account_code]
                self.touched[found[step.account_code]]["clients"].append(step.account_code)
            contacts = [{"client_id": found[s.account_code], "name": s.name[:120], "email": s.record.email[:200],
                         "phone": s.record.phone[:40], "is_billing": True, "role": ""}
                        for s in new if s.record.email or s.record.phone]
            if contacts:
                self.session.execute(insert(Contact), contacts)
        for step in self.plan.clients.values():
            if step.client_id is None:
                continue
            self.client_ids[step.record.key] = step.client_id
            if step.changes:
                self.session.execute(update(Client).where(Client.id == step.client_id).values(
                    {name: new for name, (_old, new) in step.changes.items()}))
                self.touched[step.client_id]["client_changes"].append(
                    ", ".join(f"{name}: {new}" for name, (_old, new) in step.changes.items()))
        self.tick(len(self.plan.clients))

    def _last_id(self, table: str) -> int:
        return int(self.session.connection().exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar()
                   or 0)

    def _new_ids(self, table: str, last: int, statement: Any, column: Any, keys: Sequence[Any]) -> list[Any]:
        """(key, id) of the rows just inserted, in insertion order: SQLite gives each new row the largest id plus
        one, so they are ``last + 1`` onwards when exactly those ids are there; else (ids reused after an
        AUTOINCREMENT gap, say) they are read back by key."""
        ids = _inserted_ids(self.session, table, last, len(keys))
        return list(zip(keys, ids, strict=True)) if ids is not None else self._select_in(statement, column, keys)

    def _select_in(self, statement: Any, column: Any, values: Sequence[Any]) -> list[Any]:
        rows: list[Any] = []
        for chunk in _chunks(values):
            rows.extend(self.session.execute(statement.where(column.in_(chunk))).all())
        return rows

    # Invoices -------------------------------------------------------------------------------------------------

    def invoices(self) -> None:
        new = [step for step in self.plan.invoices if step.invoice_id is None]
        rows = self._invoice_rows(new)
        last = self._last_id("invoices")
        for chunk in _chunks(rows, REPORT_EVERY):
            self._insert(_INVOICE_SQL, chunk)
            self.tick(len(chunk))
        self.invoice_ids.update(self._new_ids("invoices", last, select(Invoice.number, Invoice.id), Invoice.number,
                                              [row[0] for row in rows]))
        changed = [step for step in self.plan.invoices if step.invoice_id is not None]
        if changed:
            self._update_invoices(changed)
            self.tick(len(changed))
        self._store_originals([step for step in self.plan.invoices if step.record.original])

    def _insert(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """The DBAPI's executemany on the session's connection: the bulk of an import, without per-row overhead."""
        if not self.bulk:
            self.session.connection().exec_driver_sql(sql, list(rows))
            return
        with checks_aside(self.session):
            self.session.connection().exec_driver_sql(sql, list(rows))

    def _invoice_rows(self, steps: list[InvoiceStep]) -> list[tuple[Any, ...]]:
        """The new invoices' rows, noting each in its client's history and its copies for the allocations; the
        loop's lookups bound once and each record's fields taken in one call (100,000 rows in a large FEC)."""
        client_ids, source, iso, dates, copies = self.client_ids, self.source, self.iso, self.dates, self.copies
        settled, applied, touched = self.kept["settled"].get, self.kept["applied"].get, self.touched
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        for step in steps:
            number, client_key, issued, incl, excl, currency, is_credit, external_key, reference = \
                _INVOICE_FIELDS(step.record)
            due = step.due_date
            if excl is None:
                excl = incl
            settled_cents, settled_through = settled(number, _NOTHING_KEPT)
            applied_cents, applied_through = applied(number, _NOTHING_KEPT)
            client_id, due_text = client_ids[client_key], dates.get(due) or iso(due)
            copies[number] = (client_id, due_text)
            touched[client_id]["credit_notes" if is_credit else "invoices"].append(number)
            append((number[:60], _CREDIT_NOTE if is_credit else _INVOICE, client_id, dates.get(issued) or iso(issued),
                    due_text, excl if 0 <= excl <= incl else max(0, min(excl, incl)), incl, currency[:3], source,
                    (external_key or number)[:120], _("Payment reference: {ref}").format(ref=reference)
                    if reference else "", settled_cents, settled_through, applied_cents, applied_through))
        return rows

    def iso(self, day: date) -> str:
        """A date as the ORM stores it; a few hundred distinct dates recur over 100,000 rows."""
        text = self.dates.get(day)
        if text is None:
            text = self.dates[day] = day.isoformat()
        return text

    def _update_invoices(self, changed: list[InvoiceStep]) -> None:
        for step in changed:
            assert step.invoice_id is not None
            values = {name: new for name, (_old, new) in step.changes.items()}
            self.session.execute(update(Invoice).where(Invoice.id == step.invoice_id).values(values))
            client_id = self.client_ids[step.record.client_key]
            self.updated_invoices[client_id].append(step.invoice_id)
            self.touched[client_id]["updated"].append(step.record.number + " (" + ", ".join(
                f"{name}: {old} → {new}" for name, (old, new) in step.changes.items()) + ")")

    def _store_originals(self, steps: list[InvoiceStep]) -> None:
        """Factur-X PDFs and XML kept in the dossier with their SHA-256, linked as the invoice's original."""
        for step in steps:
            record = step.record
            content = record.original or b""
            invoice_id = step.invoice_id or self.invoice_ids[record.number]
            has = step.invoice_id is not None and self.session.scalar(
                select(Invoice.original_document_id).where(Invoice.id == invoice_id)) is not None
            if has or check_document(record.original_filename, content):
                continue
            document = store_document(self.ws, self.session, record.original_filename, content)
            self.session.execute(update(Invoice).where(Invoice.id == invoice_id).values(
                original_document_id=document.id))

    # Payments and allocations ---------------------------------------------------------------------------------

    def payments(self) -> None:
        rows = self._payment_rows()
        last = self._last_id("payments")
        for chunk in _chunks(rows, REPORT_EVERY):
            self._insert(_PAYMENT_SQL, chunk)
            self.tick(len(chunk))
        self.payment_ids.update(self._new_ids(
            "payments", last, select(Payment.external_key, Payment.id).where(Payment.source == self.plan.source),
            Payment.external_key, [row[7] for row in rows]))

    def _payment_rows(self) -> list[tuple[Any, ...]]:
        """The new payments' rows; every payment of the plan (new or lettered anew) noted in its client's history."""
        allocated, client_ids, source, iso, dates = self.kept["allocated"].get, self.client_ids, self.source, \
            self.iso, self.dates
        touched, payment_ids, methods = self.touched, self.payment_ids, dict[str, str]()
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        for step in self.plan.payments:
            client_key, received, cents, key, method, bank_reference, currency = _PAYMENT_FIELDS(step.record)
            client_id = client_ids[client_key]
            touched[client_id]["payments"].append(key)
            if step.payment_id is not None:
                payment_ids[key] = step.payment_id
                continue
            stored_method = methods.get(method)
            if stored_method is None:
                stored_method = methods[method] = _method(method).value
            allocated_cents, allocated_through = allocated(key, _NOTHING_KEPT)
            append((client_id, dates.get(received) or iso(received), cents, currency[:3], stored_method,
                    bank_reference[:120], source, key[:120], allocated_cents, allocated_through))
        return rows

    def allocations(self) -> None:
        """The settlements, with their invoice's client and due date (the copies migration 0006 keeps) filled in
        already: a trigger that counts a settlement by its due date then counts it once, at the insert."""
        allocations = self.plan.allocations
        numbers = set(map(_SETTLED_NUMBER, allocations)).union(map(_CREDIT_NOTE_NUMBER, allocations))
        numbers.discard("")
        copies = self.copies  # the new invoices' were noted as their rows were made; the changed ones' here
        copies.update({step.record.number: (self.client_ids[step.record.client_key], self.iso(step.due_date))
                       for step in self.plan.invoices if step.invoice_id is not None})
        missing = sorted((numbers - self.invoice_ids.keys()) | (numbers - copies.keys()))
        for number, invoice_id, client_id, due in self._select_in(
                select(Invoice.number, Invoice.id, Invoice.client_id, Invoice.due_date), Invoice.number, missing):
            self.invoice_ids[number] = invoice_id
            copies.setdefault(number, (client_id, self.iso(due)))
        rows: list[tuple[Any, ...]] = []
        append, invoice_ids, payment_ids, iso, dates = rows.append, self.invoice_ids, self.payment_ids, self.iso, \
            self.dates
        paid, credited = SettlementKind.PAYMENT.value, SettlementKind.CREDIT_NOTE.value
        for number, cents, day, key, note, reason in allocations:  # AllocationStep's fields, in order
            client_id, due = copies[number]
            append((invoice_ids[number], paid if key else credited, payment_ids[key] if key else None,
                    invoice_ids[note] if note else None, cents, dates.get(day) or iso(day), reason, client_id, due))
        for chunk in _chunks(rows, REPORT_EVERY):
            self._insert(_ALLOCATION_SQL, chunk)
            self.tick(len(chunk))

    # History --------------------------------------------------------------------------------------------------

    def history(self) -> None:
        """One note per client whose records the import created or changed, linked to the invoices it updated."""
        today = self.ws.clock()
        recorded = datetime.now().replace(microsecond=0)
        rows = [{"client_id": client_id, "kind": ActionKind.NOTE, "occurred_on": today, "recorded_at": recorded,
                 "summary": _summary(self.file, what)[:300], "recorded_by": "",
                 "details": json.dumps({"import": self.file, "source": self.plan.source.value,
                                        **{key: values for key, values in what.items()}},
                                       ensure_ascii=False, sort_keys=True)}
                for client_id, what in sorted(self.touched.items())]
        if not rows:
            return
        last = self._last_id("actions")
        self.session.connection().execute(insert(_ACTIONS), rows)
        inserted: Sequence[int] | None = _inserted_ids(self.session, "actions", last, len(rows))
        if inserted is None:  # not one id after the other: read them back, in the order they were inserted
            inserted = [int(value) for value in self.session.connection().exec_driver_sql(
                "SELECT id FROM actions WHERE id > ? ORDER BY id", (last,)).scalars()]
        ids = zip(inserted, sorted(self.touched), strict=True)
        links = [{"action_id": action_id, "invoice_id": invoice_id} for action_id, client_id in ids
                 for invoice_id in sorted(set(self.updated_invoices.get(client_id, ())))]
        if links:
            self.session.execute(insert(action_invoices), links)


def new_rows(plan: Plan) -> dict[str, int]:
    """How many rows ``plan`` adds to each of the bulk tables."""
    return {"invoices": list(map(_INVOICE_ID, plan.invoices)).count(None),
            "payments": list(map(_PAYMENT_ID, plan.payments)).count(None), "allocations": len(plan.allocations)}


def is_bulk(counts: dict[str, int]) -> bool:
    """Whether writing a plan adding ``counts`` (``new_rows``) takes the bulk path (triggers and indexes set aside,
    see ``bulk_schema``)."""
    return sum(counts.values()) >= BULK_MIN_ROWS


def _inserted_ids(session: Session, table: str, last: int, count: int) -> range | None:
    """The ids of the ``count`` rows just inserted above ``last``, when they are exactly ``last + 1`` onwards."""
    found = session.connection().exec_driver_sql(f"SELECT count(*), min(id), max(id) FROM {table} WHERE id > ?",
                                                 (last,)).one()
    if found[0] != count or (count and (found[1] != last + 1 or found[2] != last + count)):
        return None
    return range(last + 1, last + count + 1)


def _add(totals: dict[str, tuple[int, str | None]], key: str, cents: int, day: str) -> None:
    total, through = totals.get(key, _NOTHING_KEPT)
    totals[key] = (total + cents, day if through is None or day > through else through)


def _client_row(step: ClientStep, now: datetime) -> dict[str, Any]:
    record = step.record
    return {"account_code": step.account_code[:40], "name": step.name, "siren": record.siren[:9],
            "vat_number": record.vat_number[:20], "address_line1": record.address_line1[:200],
            "address_line2": record.address_line2[:200], "postcode": record.postcode[:12], "city": record.city[:100],
            "country": (record.country or "FR")[:2].upper(), "payment_terms_days": record.payment_terms_days,
            "created_at": now, "notes": "", "do_not_remind_reason": "", "do_not_remind": False,
            "is_consumer": False}


def _method(value: str) -> PaymentMethod:
    try:
        return PaymentMethod(value)
    except ValueError:
        return PaymentMethod.TRANSFER


def _summary(file: str, what: dict[str, list[str]]) -> str:
    parts = []
    if what.get("invoices"):
        parts.append(_("{count} invoice(s) created").format(count=len(what["invoices"])))
    if what.get("credit_notes"):
        parts.append(_("{count} credit note(s) created").format(count=len(what["credit_notes"])))
    if what.get("updated"):
        parts.append(_("updated: {numbers}").format(numbers="; ".join(what["updated"])))
    if what.get("payments"):
        parts.append(_("{count} payment(s) recorded or lettered").format(count=len(what["payments"])))
    if what.get("unlettered"):
        parts.append(_("lettrage removed in the new file, open again: {numbers}").format(
            numbers="; ".join(what["unlettered"])))
    if what.get("removed"):
        parts.append(_("absent from the new file and removed: {invoices}").format(invoices="; ".join(what["removed"])))
    if what.get("client_changes"):
        parts.append(_("client details completed ({fields})").format(fields="; ".join(what["client_changes"])))
    if what.get("clients") and not parts:
        parts.append(_("client created"))
    return _("Import of {file}: {what}").format(file=file, what=", ".join(parts))

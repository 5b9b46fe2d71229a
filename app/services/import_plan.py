"""What an invoice-side import would change: clients matched or created, invoices and payments new or updated.

Computed from set-based reads of the dossier (one query per table), so that the preview and the apply
(which recomputes it inside its transaction) see the same thing and stay fast on 100,000 records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from operator import itemgetter

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.domain.kinds import InvoiceKind, Source
from app.formatting import format_cents, format_date
from app.i18n import _
from app.io.import_records import (
    Cancelled,
    ClientRecord,
    ImportKind,
    InvoiceRecord,
    ParsedFile,
    Progress,
    check_cancel,
)
from app.models import Client, Company, Contact
from app.services.import_dto import PreviewRow, RecordType
from app.services.import_steps import NO_CHANGES, OpenInvoices
from app.services.import_steps import AllocationStep as AllocationStep  # the steps are named from here too
from app.services.import_steps import ClientStep as ClientStep
from app.services.import_steps import DossierFacts as DossierFacts
from app.services.import_steps import DroppedInvoice as DroppedInvoice
from app.services.import_steps import ExistingInvoice as ExistingInvoice
from app.services.import_steps import InvoiceStep as InvoiceStep
from app.services.import_steps import PaymentStep as PaymentStep
from app.services.import_steps import Plan as Plan
from app.services.import_steps import Unlettered as Unlettered

SOURCES = {ImportKind.CSV: Source.CSV, ImportKind.XLSX: Source.XLSX, ImportKind.FEC: Source.FEC,
           ImportKind.FACTURX: Source.FACTURX, ImportKind.CII: Source.FACTURX, ImportKind.UBL: Source.UBL}
_LEGAL_FORMS = re.compile(r"\b(sarl|sas|sasu|sa|eurl|sci|snc|scop|gmbh|ag|ltd|llc|inc|bv|nv|spa|srl)\b")
_CLIENT_FIELDS = ("name", "siren", "vat_number", "address_line1", "address_line2", "postcode", "city", "country")
REPORT_EVERY = 5000
# The fields ``_Invoices.batch`` reads, in one call (not 7 attribute lookups) for each of 100,000 records
_INVOICE_FIELDS = itemgetter(*map(InvoiceRecord._fields.index, (
    "number", "client_key", "issue_date", "due_date", "amount_incl_cents", "is_credit_note", "ref")))
LETTRAGE_REASON = "Lettrage FEC"
RUNNING_PREFIX = "paid:"  # keys of "paid to date" amounts (app/io/import_tabular.py)


def normalised_name(name: str) -> str:
    """A company name without accents, case, punctuation and legal form, to match "Bêta S.A.S." with "BETA SAS"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text.replace(".", ""))
    return " ".join(_LEGAL_FORMS.sub(" ", text).split())


def _read_dossier(session: Session, source: Source) -> DossierFacts:
    company = session.get(Company, 1)
    clients = {client.id: client for client in session.scalars(select(Client))}
    found = DossierFacts(
        company_siren=company.siren if company else "", company_vat=(company.vat_number if company else "").upper(),
        default_terms=company.payment_terms_days if company else 30,
        clients=clients, by_code={}, by_siren={}, by_vat={}, by_name={}, by_email={}, invoices={}, payments={},
        paid_by_payment={}, allocated={}, credit_used={}, credit_allocated={})
    for client in sorted(clients.values(), key=lambda c: c.id):
        found.by_code.setdefault(client.account_code, client.id)
        if client.siren:
            found.by_siren.setdefault(client.siren, client.id)
        if client.vat_number:
            found.by_vat.setdefault(client.vat_number.upper(), client.id)
        found.by_name.setdefault(normalised_name(client.name), client.id)
    for client_id, email in session.execute(select(Contact.client_id, Contact.email).where(Contact.email != "")
                                            .order_by(Contact.id)):
        found.by_email.setdefault(email.strip().casefold(), client_id)
    connection = session.connection()
    _read_invoices(connection, found)
    for pid, key, client_id, amount in connection.exec_driver_sql(_PAYMENTS_SQL, (source.value,)):
        found.payments[key or ""] = (pid, client_id, amount)
        if (key or "").startswith(RUNNING_PREFIX):  # running totals: "paid:F1", then "paid:F1|<new total>"…
            running = (key or "").split("|", 1)[0]
            found.running[running] = found.running.get(running, 0) + amount
    _read_allocations(connection, found)
    if source == Source.FEC:
        _read_lettrage(connection, found)
    return found


# The dossier's invoices, payments and allocations are read without the ORM's row processing (a re-imported FEC
# reads 100,000 of each: 0.6 s less); the statements are those the ORM's selects made, so SQLite reads the rows in
# the same order. Enum columns come back as their stored values, dates as ISO text.
_INVOICES_SQL = (
    "SELECT invoices.number, invoices.id, invoices.client_id, invoices.source, invoices.external_key, invoices.kind, "
    "invoices.issue_date, invoices.due_date, invoices.amount_incl_cents, invoices.amount_excl_cents, "
    "invoices.settled_cents FROM invoices")
_PAYMENTS_SQL = ("SELECT payments.id, payments.external_key, payments.client_id, payments.amount_cents FROM payments "
                 "WHERE payments.source = ?")
_ALLOCATIONS_SQL = ("SELECT allocations.payment_id, allocations.credit_note_id, allocations.invoice_id, "
                    "allocations.amount_cents FROM allocations WHERE allocations.kind != 'write_off'")
_LETTRAGE_SQL = ("SELECT allocations.id, allocations.payment_id, allocations.credit_note_id, allocations.invoice_id, "
                 "allocations.amount_cents FROM allocations WHERE (allocations.reason LIKE ? || '%')")


def _read_invoices(connection: Connection, found: DossierFacts) -> None:
    day = date.fromisoformat
    invoices = found.invoices
    for number, invoice_id, client_id, source, key, kind, issued, due, incl, excl, settled \
            in connection.exec_driver_sql(_INVOICES_SQL):
        invoices[number] = ExistingInvoice(invoice_id, client_id, source, key, kind, day(issued), day(due), incl, excl,
                                           settled)


def _read_allocations(connection: Connection, found: DossierFacts) -> None:
    for payment_id, nid, invoice_id, cents in connection.exec_driver_sql(_ALLOCATIONS_SQL):
        if payment_id is not None:
            pid = payment_id
            found.paid_by_payment[pid] = found.paid_by_payment.get(pid, 0) + cents
            found.allocated[(pid, invoice_id)] = found.allocated.get((pid, invoice_id), 0) + cents
        elif nid is not None:
            found.credit_used[nid] = found.credit_used.get(nid, 0) + cents
            found.credit_allocated[(nid, invoice_id)] = found.credit_allocated.get((nid, invoice_id), 0) + cents


def _read_lettrage(connection: Connection, found: DossierFacts) -> None:
    for allocation_id, payment_id, nid, invoice_id, cents in connection.exec_driver_sql(_LETTRAGE_SQL,
                                                                                         (LETTRAGE_REASON,)):
        by_invoice = found.lettered.setdefault((payment_id or 0, nid or 0), {})
        by_invoice.setdefault(invoice_id, []).append((allocation_id, cents))


def lettrage_reason(letter: str) -> str:
    """What an allocation made by a FEC lettrage says (stored data, not translated): a later FEC may undo it."""
    return f"{LETTRAGE_REASON} {letter}".strip()[:200]


_FINGERPRINT_SQL = (
    "SELECT (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || total(amount_incl_cents) || ':' || "
    "total(settled_cents) || ':' || total(client_id) || ':' || total(julianday(due_date)) || ':' || "
    "total(julianday(issue_date)) FROM invoices), "
    "(SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || total(amount_cents) || ':' || total(client_id) "
    "FROM payments), "
    "(SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || total(amount_cents) FROM allocations), "
    "(SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || total(length(name) + length(siren) + "
    "length(vat_number) + coalesce(payment_terms_days, -1)) FROM clients), "
    "(SELECT siren || ':' || payment_terms_days FROM company)"
)


def fingerprint(session: Session) -> tuple[object, ...]:
    """A cheap summary of what a plan depends on: when it is unchanged at apply time, the preview's plan holds."""
    row = session.connection().exec_driver_sql(_FINGERPRINT_SQL).one()
    return tuple(row)


def make_plan(session: Session, parsed: ParsedFile, *, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> Plan:
    """Compare ``parsed`` with the dossier; reads only."""
    plan = Plan(SOURCES[parsed.kind])
    dossier = _read_dossier(session, plan.source)
    if parsed.company_siren and dossier.company_siren and parsed.company_siren != dossier.company_siren:
        plan.fatal = _("{file} is the FEC of SIREN {theirs}, but this dossier's company is SIREN {ours}: "
                       "nothing imported.").format(file=parsed.file, theirs=parsed.company_siren,
                                                   ours=dossier.company_siren)
        return plan
    # An invoice addressed to the company itself is refused below as a purchase, with that reason.
    if parsed.seller is not None and not any(_is_the_company(dossier, record) for record in parsed.clients):
        from app.services.import_seller import check_seller

        plan.fatal = check_seller(parsed.file, parsed.seller, dossier.company_siren, dossier.company_vat, plan.notes)
        if plan.fatal:
            return plan
    _plan_clients(plan, dossier, parsed)
    invoices = _Invoices(plan, dossier, progress, cancelled)
    invoices.run(parsed)
    from app.services.import_settlements import SettlementPlanner  # it builds on this module's steps

    SettlementPlanner(plan, dossier, invoices.book).run(parsed)
    if parsed.period is not None:
        from app.services.import_absent import plan_absent

        plan_absent(session, plan, parsed, dossier.invoices)
    return plan


def _plan_clients(plan: Plan, dossier: DossierFacts, parsed: ParsedFile) -> None:
    taken = set(dossier.by_code)
    for record in parsed.clients:
        if record.key in plan.clients:
            continue
        if record.match_only:
            _plan_payer(plan, dossier, record)
            continue
        if _is_the_company(dossier, record):
            plan.own_keys.add(record.key)  # its invoices are refused with the reason, one row each
            continue
        client_id = _match_client(dossier, record)
        if client_id is None:
            code = record.account_code or _make_code(record, taken)
            taken.add(code)
            terms = record.payment_terms_days if record.payment_terms_days is not None else dossier.default_terms
            plan.clients[record.key] = ClientStep(record, None, code, record.name.strip()[:200] or code, terms)
            plan.created.append(PreviewRow(RecordType.CLIENT, code, record.name, record.ref))
            continue
        client = dossier.clients[client_id]
        terms = client.payment_terms_days if client.payment_terms_days is not None else (
            record.payment_terms_days if record.payment_terms_days is not None else dossier.default_terms)
        step = ClientStep(record, client_id, client.account_code, client.name, terms, _client_changes(client, record))
        plan.clients[record.key] = step
        if step.changes:
            plan.updated.append(PreviewRow(RecordType.CLIENT, client.account_code, client.name, record.ref,
                                           _describe_changes(step.changes)))
        else:
            plan.unchanged += 1


def _plan_payer(plan: Plan, dossier: DossierFacts, record: ClientRecord) -> None:
    """A payer known by e-mail or invoice: a client of the dossier or nobody (its payments are then refused)."""
    client_id = dossier.by_email.get(record.email.casefold()) if record.email else None
    if client_id is None and record.invoice_number in dossier.invoices:
        client_id = dossier.invoices[record.invoice_number].client_id
    if client_id is not None:
        client = dossier.clients[client_id]
        terms = client.payment_terms_days if client.payment_terms_days is not None else dossier.default_terms
        plan.clients[record.key] = ClientStep(record, client_id, client.account_code, client.name, terms)


def _is_the_company(dossier: DossierFacts, record: ClientRecord) -> bool:
    return bool(dossier.company_siren and record.siren == dossier.company_siren) or bool(
        dossier.company_vat and record.vat_number.upper() == dossier.company_vat)


def _match_client(dossier: DossierFacts, record: ClientRecord) -> int | None:
    """By account code, then SIREN, then VAT number, then normalised name."""
    if record.account_code and record.account_code in dossier.by_code:
        return dossier.by_code[record.account_code]
    for value, index in ((record.siren, dossier.by_siren), (record.vat_number.upper(), dossier.by_vat)):
        if value and value in index:
            return index[value]
    if record.account_code:
        return None  # a coded client of the books is never merged into another by its name alone
    name = normalised_name(record.name)
    return dossier.by_name.get(name) if name else None


def _client_changes(client: Client, record: ClientRecord) -> dict[str, tuple[str, str]]:
    """Fields the file gives and the dossier lacks; a name or address is only filled in, never overwritten."""
    changes: dict[str, tuple[str, str]] = {}
    for name in _CLIENT_FIELDS:
        new = str(getattr(record, name) or "").strip()
        old = str(getattr(client, name) or "")
        if new and not old:
            changes[name] = (old, new)
    return changes


def _make_code(record: ClientRecord, taken: set[str]) -> str:
    base = re.sub(r"[^A-Z0-9]", "", unicodedata.normalize("NFKD", record.name).encode("ascii", "ignore")
                  .decode("ascii").upper())[:12] or "CLIENT"
    code, counter = base, 1
    while code in taken:
        counter += 1
        code = f"{base}{counter}"
    return code


def _describe_changes(changes: dict[str, tuple[object, object]] | dict[str, tuple[str, str]]) -> str:
    parts = []
    for name, (old, new) in changes.items():
        parts.append(f"{name}: {_shown(name, old)} → {_shown(name, new)}")
    return "; ".join(parts)


def _shown(name: str, value: object) -> str:
    if isinstance(value, int) and name.endswith("cents"):
        return format_cents(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value) if value not in (None, "") else "—"


class _Invoices:
    """Invoices and credit notes: new, changed (amount, dates), unchanged, or refused with the reason."""

    def __init__(self, plan: Plan, dossier: DossierFacts, progress: Progress | None,
                 cancelled: Cancelled | None) -> None:
        self.plan, self.dossier, self.progress, self.cancelled = plan, dossier, progress, cancelled
        self.seen: set[str] = set()  # the numbers ``one`` saw; those ``batch`` creates are in ``book.placed``
        self.from_terms = 0
        self.source = plan.source.value  # enum attributes looked up once, not once per invoice
        self.kinds = (InvoiceKind.INVOICE.value, InvoiceKind.CREDIT_NOTE.value)
        self.book = OpenInvoices({key: step.client_id if step.client_id is not None else f"new:{key}"
                                  for key, step in plan.clients.items()})
        # What ``batch`` needs of each client, looked up once: its name, owner reference and payment terms (as the
        # timedelta a due date "from the terms" adds, made once per distinct value).
        terms = {days: timedelta(days=days) for days in {client.terms_days for client in plan.clients.values()}}
        self.clients = {key: (step.name, self.book.refs[key], terms[step.terms_days])
                        for key, step in plan.clients.items()}

    def run(self, parsed: ParsedFile) -> None:
        total = len(parsed.invoices)
        for start in range(0, total, REPORT_EVERY):
            check_cancel(self.cancelled)
            if self.progress is not None:
                self.progress(start, total)
            self.batch(parsed.invoices[start:start + REPORT_EVERY])
        if self.from_terms:
            self.plan.notes.append(_("{count} due date(s) come from the payment terms (the file has none).").format(
                count=self.from_terms))

    def batch(self, records: Sequence[InvoiceRecord]) -> None:
        """``one`` for each record, with its common case inline: a new number of a known client, due on or after
        its issue date, is created (a first import of a 500,000-line FEC has 100,000 of them)."""
        clients, seen, known = self.clients, self.seen, self.dossier.invoices
        steps, created, new = self.plan.invoices, self.plan.created, tuple.__new__
        open_, placed = self.book.open, self.book.placed
        invoice, credit_note = RecordType.INVOICE, RecordType.CREDIT_NOTE
        from_terms = 0
        for record in records:
            number, client_key, issued, given, cents, credit, source = _INVOICE_FIELDS(record)
            client = clients.get(client_key)
            if client is None or number in placed or number in seen or number in known:
                self.one(record)
                continue
            name, ref, terms = client
            due = issued + terms if given is None else given
            if due < issued:
                self.one(record)
                continue
            from_terms += given is None
            # What ``create`` does, the named tuples built without their Python-level __new__ (all fields given).
            if credit:
                kind, placed[number] = credit_note, (None, issued)
            else:
                kind, open_[number], placed[number] = invoice, cents, (ref, issued)
            steps.append(new(InvoiceStep, (record, None, due, NO_CHANGES)))
            created.append(new(PreviewRow, (kind, number, name, source, "", cents, issued)))
        self.from_terms += from_terms

    def refuse(self, record: InvoiceRecord, reason: str) -> None:
        kind = RecordType.CREDIT_NOTE if record.is_credit_note else RecordType.INVOICE
        self.plan.refused.append(PreviewRow(kind, record.number, "", record.ref, reason, record.amount_incl_cents))

    def one(self, record: InvoiceRecord) -> None:
        client = self.plan.clients.get(record.client_key)
        if record.number in self.seen or record.number in self.book.placed:
            self.refuse(record, _("Number {number} appears twice in the file.").format(number=record.number))
            return
        self.seen.add(record.number)
        if client is None:
            self.refuse(record, _("This invoice is addressed to the dossier's own company: a purchase invoice is not "
                                  "owed to you.") if record.client_key in self.plan.own_keys
                        else _("No client for this invoice."))
            return
        due = record.due_date
        if due is None:
            due = record.issue_date + timedelta(days=client.terms_days)
        if due < record.issue_date:
            self.refuse(record, _("The due date {due} is before the issue date {issue}.").format(
                due=format_date(due), issue=format_date(record.issue_date)))
            return
        existing = self.dossier.invoices.get(record.number)
        if existing is None:
            self.create(record, client, due)
        else:
            self.compare(record, client, due, existing)

    def create(self, record: InvoiceRecord, client: ClientStep, due: date) -> None:
        self.from_terms += record.due_date is None
        self.plan.invoices.append(InvoiceStep(record, None, due, NO_CHANGES))
        if record.is_credit_note:
            self.book.placed[record.number] = (None, record.issue_date)
        else:
            self.book.open[record.number] = record.amount_incl_cents
            self.book.placed[record.number] = (self.book.refs[record.client_key], record.issue_date)
        kind = RecordType.CREDIT_NOTE if record.is_credit_note else RecordType.INVOICE
        self.plan.created.append(PreviewRow(kind, record.number, client.name, record.ref, "",
                                            record.amount_incl_cents, record.issue_date))

    def compare(self, record: InvoiceRecord, client: ClientStep, due: date, existing: ExistingInvoice) -> None:
        ours = existing.source == self.source and (existing.external_key or "") == record.key
        wanted_kind = self.kinds[record.is_credit_note]
        if existing.client_id != client.client_id or existing.kind != wanted_kind:  # a new client owns none yet
            self.refuse(record, _("Number {number} is already used by another client's invoice or credit note.")
                        .format(number=record.number))
            return
        changes = self.changes(record, due, existing)
        if not changes:
            self.plan.unchanged += 1
            return
        if not ours:
            self.refuse(record, _("Invoice {number} already exists (entered by hand or from another import) with "
                                  "other figures: {changes}.").format(number=record.number,
                                                                      changes=_describe_changes(changes)))
            return
        if "amount_incl_cents" in changes and record.amount_incl_cents < existing.settled_cents:
            self.refuse(record, _("The new amount is less than what is already settled on invoice {number}.")
                        .format(number=record.number))
            return
        self.plan.invoices.append(InvoiceStep(record, existing.id, due, changes))
        # Its client stays the dossier's (the same, checked above); its dates are the file's.
        if record.is_credit_note:
            self.book.placed[record.number] = (None, record.issue_date)
        else:
            self.book.open[record.number] = record.amount_incl_cents - existing.settled_cents
            self.book.placed[record.number] = (existing.client_id, record.issue_date)
        kind = RecordType.CREDIT_NOTE if record.is_credit_note else RecordType.INVOICE
        self.plan.updated.append(PreviewRow(kind, record.number, client.name, record.ref, _describe_changes(changes),
                                            record.amount_incl_cents, record.issue_date))

    @staticmethod
    def changes(record: InvoiceRecord, due: date, existing: ExistingInvoice) -> dict[str, tuple[object, object]]:
        changes: dict[str, tuple[object, object]] = {}
        excl = record.amount_excl_cents if record.amount_excl_cents is not None else existing.amount_excl_cents
        for name, old, new in (("amount_incl_cents", existing.amount_incl_cents, record.amount_incl_cents),
                               ("amount_excl_cents", existing.amount_excl_cents, min(excl, record.amount_incl_cents)),
                               ("issue_date", existing.issue_date, record.issue_date)):
            if old != new:
                changes[name] = (old, new)
        # A due date the file gives is taken; one from the terms moves only when the issue date moved.
        if existing.due_date != due and (record.due_date is not None or "issue_date" in changes):
            changes["due_date"] = (existing.due_date, due)
        return changes

"""CSV and XLSX tables → clients, invoices or payments through a column mapping (guessed from the headers or chosen).

French Excel conventions are the default: ``;`` separator, decimal comma, ``dd/mm/yyyy``, thousands
spaces (also non-breaking) and ``1 234,56 €``; English exports (``,``, ``$1,234.56``, ``mm/dd/yyyy``) are read too.
A mapping is plain JSON (``{"target": "invoices", "columns": {field: header}, "date_order": "dmy"}``) so that
presets can be stored in the dossier's settings.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO, StringIO
from typing import Any

from app.domain.money import MoneyError, parse_amount
from app.i18n import N_, _
from app.io.import_detect import decode_text
from app.io.import_records import (
    AllocationRecord,
    Cancelled,
    ClientRecord,
    ImportKind,
    ImportRefused,
    InvoiceRecord,
    ParsedFile,
    PaymentRecord,
    Progress,
    RowProblem,
    SourceRef,
    check_cancel,
)

TARGETS = ("invoices", "clients", "payments")
TARGET_LABELS = {"invoices": N_("Invoices"), "clients": N_("Clients"), "payments": N_("Payments")}
# The fields each target can take, in the order the mapping dialog lists them; the first ones are required.
FIELDS: dict[str, tuple[str, ...]] = {
    "invoices": ("number", "client", "issue_date", "amount_incl", "due_date", "amount_excl", "paid", "client_code",
                 "siren", "vat_number", "email", "currency", "kind"),
    "clients": ("name", "client_code", "siren", "vat_number", "address_line1", "address_line2", "postcode", "city",
                "country", "email", "phone", "payment_terms_days"),
    "payments": ("client", "date", "amount", "invoice_number", "client_code", "email", "reference", "method",
                 "currency", "kind"),
}
REQUIRED = {"invoices": ("number", "client", "issue_date", "amount_incl"), "clients": ("name",),
            "payments": ("date", "amount")}
# A payment needs one of these to find its client (a transactions export may give only the e-mail or the invoice).
PAYER_FIELDS = ("client", "client_code", "email", "invoice_number")
FIELD_LABELS = {
    "number": N_("Invoice number"), "client": N_("Client"), "issue_date": N_("Issue date"),
    "amount_incl": N_("Amount incl. tax"), "due_date": N_("Due date"), "amount_excl": N_("Amount excl. tax"),
    "paid": N_("Amount paid"), "client_code": N_("Client code"), "siren": N_("SIREN / SIRET"),
    "vat_number": N_("VAT number"), "email": N_("E-mail"), "currency": N_("Currency"), "kind": N_("Type"),
    "name": N_("Name"), "address_line1": N_("Address"), "address_line2": N_("Address (2)"),
    "postcode": N_("Postcode"), "city": N_("City"), "country": N_("Country"), "phone": N_("Phone"),
    "payment_terms_days": N_("Payment terms (days)"), "date": N_("Date"), "amount": N_("Amount"),
    "invoice_number": N_("Invoice number"), "reference": N_("Reference"), "method": N_("Method"),
}
# Header names (lower case, no accents, punctuation as spaces) each field is recognised by.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("n facture", "no facture", "numero facture", "num facture", "numero de facture", "facture",
               "invoice number", "invoice", "invoice no", "invoice", "ref facture", "reference facture",
               "n piece", "piece", "numero", "invoice id"),
    "client": ("client", "nom client", "nom du client", "raison sociale", "client name", "customer", "customer name",
               "contact name", "societe", "entreprise", "tiers", "debiteur"),
    "issue_date": ("date facture", "date de facture", "date d emission", "date emission", "date", "invoice date",
                   "date issued", "issue date", "invoiced at", "transaction date", "date de la facture"),
    "amount_incl": ("montant ttc", "total ttc", "ttc", "montant", "total", "amount", "invoice total", "line total",
                    "amount incl tax", "amount one column", "total amount", "net a payer"),
    "due_date": ("date d echeance", "date echeance", "echeance", "due date", "due at", "due", "date limite"),
    "amount_excl": ("montant ht", "total ht", "ht", "amount before sales tax", "subtotal", "line subtotal",
                    "amount excl tax"),
    "paid": ("paid", "paid to date", "paye", "montant paye", "deja regle", "regle", "montant regle"),
    "client_code": ("code client", "compte client", "compte", "n client", "numero client", "account number",
                    "client id", "customer id", "code", "id number", "reference client"),
    "siren": ("siren", "siret", "n siren", "n siret"),
    "vat_number": ("tva", "n tva", "tva intracommunautaire", "numero de tva", "vat number", "vat", "tax number",
                   "contact tax number"),
    "email": ("email", "e mail", "courriel", "emailid", "mail", "contact email", "adresse email"),
    "currency": ("devise", "currency", "currency code", "customer currency"),
    "kind": ("type", "type de document", "document type"),
    "name": ("nom", "raison sociale", "name", "client", "client name", "customer name", "display name",
             "company name", "organization", "customer", "societe"),
    "address_line1": ("adresse", "adresse 1", "address", "billing address", "billing street", "street",
                      "address line 1"),
    "address_line2": ("adresse 2", "complement d adresse", "billing apt suite", "billing street2", "address line 2"),
    "postcode": ("code postal", "cp", "postal code", "billing postal code", "billing code", "zip code",
                 "postal code zip code", "zip"),
    "city": ("ville", "city", "billing city", "commune"),
    "country": ("pays", "country", "billing country"),
    "phone": ("telephone", "tel", "phone", "billing phone", "mobile", "mobilephone"),
    "payment_terms_days": ("delai de paiement", "conditions de paiement", "payment terms", "delai"),
    "date": ("date", "date de paiement", "date du reglement", "date reglement", "payment date", "paid at",
             "date paid"),
    "amount": ("montant", "montant regle", "amount", "montant paye", "total"),
    "invoice_number": ("n facture", "no facture", "numero facture", "facture", "invoice number", "invoice",
                       "invoice bill number"),
    "reference": ("reference", "ref", "reference bancaire", "transaction id", "payment reference", "number"),
    "method": ("mode de reglement", "mode de paiement", "moyen de paiement", "payment method", "method"),
}
HEADER_SCAN_ROWS = 15
MAX_ROWS = 1_000_000
REPORT_EVERY = 20_000
_CURRENCY = re.compile(r"(?i)€|\$|£|\b(?:eur|usd|gbp|chf)\b")
_METHODS = {"virement": "transfer", "vir": "transfer", "transfer": "transfer", "cheque": "cheque", "chq": "cheque",
            "check": "cheque", "carte": "card", "cb": "card", "card": "card", "prelevement": "direct_debit",
            "lcr": "lcr", "especes": "cash", "cash": "cash"}
_CREDIT_WORDS = ("avoir", "credit note", "credit", "refund")
_EXPENSE_WORDS = frozenset({"expense", "expenses", "depense", "depenses", "bill", "decaissement", "sortie", "debit",
                            "achat", "purchase", "withdrawal"})


def field_label(name: str) -> str:
    """A field's name as the user reads it (translated)."""
    return _(FIELD_LABELS[name])


def normalise_header(text: str) -> str:
    """``"N° facture"`` → ``"n facture"``: lower case, no accents, punctuation as single spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.replace("°", " ")).split())


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet or CSV read as text cells; ``rows`` carry their 1-based line (or spreadsheet row) number."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_line: int = 1
    delimiter: str = ""
    encoding: str = ""
    sheet: str = ""


@dataclass
class ColumnMapping:
    """A column mapping: which header feeds which field of which target."""

    target: str
    columns: dict[str, str] = field(default_factory=dict)
    date_order: str = "dmy"

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "columns": dict(self.columns), "date_order": self.date_order}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> ColumnMapping:
        target = str(value.get("target", "invoices"))
        columns = value.get("columns") or {}
        order = str(value.get("date_order", "dmy"))
        return cls(target if target in TARGETS else "invoices",
                   {str(k): str(v) for k, v in dict(columns).items() if str(k) in FIELDS.get(target, ())},
                   order if order in ("dmy", "mdy", "ymd") else "dmy")

    def missing(self) -> list[str]:
        missing = [name for name in REQUIRED[self.target] if not self.columns.get(name)]
        if self.target == "payments" and not any(self.columns.get(name) for name in PAYER_FIELDS):
            missing.insert(0, "client")
        return missing


# Reading ----------------------------------------------------------------------------------------------------------

def read_table(data: bytes, file: str, kind: ImportKind | None = None) -> Table:
    """The first sheet (XLSX) or the CSV as a table, its header row found among the first lines."""
    if kind is ImportKind.XLSX or data.startswith(b"PK\x03\x04"):
        sheet, cells = _xlsx_cells(data, file)
        return _table(file, cells, sheet=sheet)
    text, encoding = decode_text(data)
    delimiter = _delimiter(text)
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter)
    try:
        cells = [(reader.line_num, [cell.strip() for cell in row]) for row in _limited(reader)]
    except csv.Error as exc:
        raise ImportRefused(_("{file}:{line}: unreadable CSV ({error}).").format(
            file=file, line=reader.line_num, error=exc)) from exc
    return _table(file, cells, delimiter=delimiter, encoding=encoding)


def _limited(reader: Iterable[list[str]]) -> Iterable[list[str]]:
    for count, row in enumerate(reader):
        if count >= MAX_ROWS:
            return
        yield row


def _delimiter(text: str) -> str:
    """The separator that splits the first lines most evenly (``;`` wins ties: French Excel)."""
    lines = [line for line in text.splitlines()[:HEADER_SCAN_ROWS] if line.strip()]
    best, best_score = ";", -1
    for candidate in (";", "\t", ",", "|"):
        counts = [line.count(candidate) for line in lines]
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _xlsx_cells(data: bytes, file: str) -> tuple[str, list[tuple[int, list[str]]]]:
    import openpyxl

    # A damaged workbook fails deep inside zipfile, zlib or the XML reader with any exception type; all of them
    # mean the same thing to the user, so they are refused as one (this is third-party parsing of hostile bytes).
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRefused(_("{file} is not a readable XLSX workbook: {error}").format(file=file, error=exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        cells = [(number, [_cell_text(value) for value in row])
                 for number, row in enumerate(sheet.iter_rows(values_only=True, max_row=MAX_ROWS), start=1)]
        return str(sheet.title), cells
    except Exception as exc:
        raise ImportRefused(_("{file} is not a readable XLSX workbook: {error}").format(file=file, error=exc)) from exc
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(file: str, cells: list[tuple[int, list[str]]], **extra: str) -> Table:
    rows = [(number, row) for number, row in cells if any(row)]
    if not rows:
        raise ImportRefused(_("{file} has no rows.").format(file=file))
    position = _header_position(rows)
    header_line, header = rows[position]
    width = len(header)
    body = tuple((number, tuple((row + [""] * width)[:width])) for number, row in rows[position + 1:])
    return Table(file, tuple(header), body, header_line, **extra)


def _header_position(rows: Sequence[tuple[int, list[str]]]) -> int:
    """The row among the first ones whose cells look most like known header names (preambles are skipped)."""
    known = {name for names in SYNONYMS.values() for name in names}
    scores = [sum(normalise_header(cell) in known for cell in row) for _n, row in rows[:HEADER_SCAN_ROWS]]
    best = max(range(len(scores)), key=lambda index: (scores[index], -index))
    return best if scores[best] >= 2 else 0


# Guessing ---------------------------------------------------------------------------------------------------------

def guess_mapping(table: Table) -> ColumnMapping:
    """The target and columns the headers suggest, and the date order the values show."""
    names = [normalise_header(cell) for cell in table.header]
    target = _guess_target(names, table.file)
    columns: dict[str, str] = {}
    used: set[int] = set()
    for name in FIELDS[target]:
        index = _best_column(name, names, used)
        if index is not None:
            used.add(index)
            columns[name] = table.header[index]
    mapping = ColumnMapping(target, columns)
    mapping.date_order = guess_date_order(table, mapping)
    return mapping


def _best_column(field_name: str, names: list[str], used: set[int]) -> int | None:
    for synonym in SYNONYMS[field_name]:  # synonyms are ordered from the most to the least specific
        for index, name in enumerate(names):
            if index not in used and name == synonym:
                return index
    return None


def _guess_target(names: list[str], file: str) -> str:
    lowered = normalise_header(file)
    if any(word in lowered for word in ("payment", "paiement", "reglement", "transaction", "encaissement")):
        return "payments"
    if any(name in SYNONYMS["number"] for name in names) and any(name in SYNONYMS["amount_incl"] for name in names):
        return "invoices"
    if any(word in lowered for word in ("client", "customer", "contact", "tiers")):
        return "clients"
    if any(word in lowered for word in ("invoice", "facture")):
        return "invoices"
    return "clients"


def guess_date_order(table: Table, mapping: ColumnMapping) -> str:
    """``mdy`` when a date column shows a middle part over 12 and no first part over 12; ``dmy`` otherwise."""
    positions = [table.header.index(header) for name, header in mapping.columns.items()
                 if name in ("issue_date", "due_date", "date") and header in table.header]
    first_big = middle_big = False
    for _line, row in table.rows[:500]:
        for position in positions:
            parts = re.split(r"[/.\-]", row[position])
            if len(parts) == 3 and all(part.isdigit() for part in parts) and len(parts[0]) <= 2:
                first_big |= int(parts[0]) > 12
                middle_big |= int(parts[1]) > 12
    return "mdy" if middle_big and not first_big else "dmy"


# Values -----------------------------------------------------------------------------------------------------------

class _Bad(ValueError):
    pass


def parse_cents(text: str) -> int:
    """``1 234,56 €``, ``$1,234.56``, ``(12,00)``, ``-5`` → cents."""
    value = _CURRENCY.sub("", text).strip()
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()").strip()
    try:
        cents = parse_amount(value).cents
    except MoneyError:
        raise _Bad(_("“{value}” is not an amount.").format(value=text)) from None
    if abs(cents) >= 10 ** 15:
        raise _Bad(_("“{value}” is too large an amount.").format(value=text))
    return -cents if negative else cents


def parse_day(text: str, order: str) -> date:
    """A date written ``dd/mm/yyyy`` (or as ``order`` says), ISO ``yyyy-mm-dd``, or an Excel serial number."""
    value = text.strip().split(" ")[0].split("T")[0]
    try:
        if value.isdigit() and 20000 < int(value) < 80000:
            return date(1899, 12, 30) + timedelta(days=int(value))  # Excel's day 0
        texts = re.split(r"[/.\-]", value)
        parts = [int(part) for part in texts]
        if len(parts) != 3:
            raise ValueError
        if len(texts[0]) == 4 or order == "ymd":
            year, month, day = parts
        elif order == "mdy":
            month, day, year = parts
        else:
            day, month, year = parts
        if year < 100:
            year += 2000
        return date(year, month, day)
    except (ValueError, OverflowError):
        raise _Bad(_("“{value}” is not a date.").format(value=text)) from None


# Records ----------------------------------------------------------------------------------------------------------

@dataclass
class _Rows:
    table: Table
    mapping: ColumnMapping
    clients: dict[str, ClientRecord] = field(default_factory=dict)
    invoices: dict[str, InvoiceRecord] = field(default_factory=dict)
    invoice_rows: dict[str, list[int]] = field(default_factory=dict)
    payments: list[PaymentRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    occurrences: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.positions = {name: self.table.header.index(header) for name, header in self.mapping.columns.items()
                          if header in self.table.header}

    def get(self, row: tuple[str, ...], name: str) -> str:
        position = self.positions.get(name)
        return row[position].strip() if position is not None else ""


def parse_tabular(data: bytes, file: str, kind: ImportKind, *, mapping: Mapping[str, Any] | None = None,
                  progress: Progress | None = None, cancelled: Cancelled | None = None) -> ParsedFile:
    """Records of a CSV or XLSX file through ``mapping`` (guessed when None); bad rows become problems."""
    table = read_table(data, file, kind)
    chosen = ColumnMapping.from_json(mapping) if mapping else guess_mapping(table)
    missing = chosen.missing()
    if missing:
        raise ImportRefused(_("{file}: choose the column of: {fields}.").format(
            file=file, fields=", ".join(_(FIELD_LABELS[name]) for name in missing)))
    state = _Rows(table, chosen)
    reader = {"invoices": _invoice_row, "clients": _client_row, "payments": _payment_row}[chosen.target]
    total = len(table.rows)
    for index, (line, row) in enumerate(table.rows):
        if index % REPORT_EVERY == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(index, total)
        try:
            reader(state, SourceRef(file, line), row)
        except _Bad as exc:
            state.problems.append(RowProblem(SourceRef(file, line), exc.args[1] if len(exc.args) > 1 else "",
                                             exc.args[0]))
    notes = [_("{target} read from {file} with the columns {columns}.").format(
        target=_(TARGET_LABELS[chosen.target]), file=file,
        columns=", ".join(f"{_(FIELD_LABELS[k])} = “{v}”" for k, v in chosen.columns.items()))]
    return ParsedFile(kind, file, tuple(state.clients.values()), tuple(state.invoices.values()),
                      tuple(state.payments), problems=tuple(state.problems), notes=tuple(notes))


def _field(state: _Rows, row: tuple[str, ...], name: str, convert: Any) -> Any:
    text = state.get(row, name)
    if not text:
        return None
    try:
        return convert(text)
    except _Bad as exc:
        raise _Bad(exc.args[0], state.mapping.columns.get(name, name)) from None


def _require(state: _Rows, row: tuple[str, ...], name: str) -> str:
    value = state.get(row, name)
    if not value:
        raise _Bad(_("{field} is empty.").format(field=_(FIELD_LABELS[name])), state.mapping.columns.get(name, name))
    return value


def _client_of(state: _Rows, ref: SourceRef, row: tuple[str, ...], name_field: str) -> str:
    name = state.get(row, name_field)
    code = state.get(row, "client_code")
    if not name and not code:
        raise _Bad(_("The client is empty."), state.mapping.columns.get(name_field, name_field))
    siren = re.sub(r"\D", "", state.get(row, "siren"))[:9]
    key = f"code:{code}" if code else f"name:{name.casefold()}"
    if key not in state.clients:
        terms = _field(state, row, "payment_terms_days", _terms)
        state.clients[key] = ClientRecord(
            ref, key, (name or code)[:200], account_code=code[:40], siren=siren if len(siren) == 9 else "",
            vat_number=state.get(row, "vat_number").replace(" ", "").upper()[:20],
            address_line1=state.get(row, "address_line1"), address_line2=state.get(row, "address_line2"),
            postcode=state.get(row, "postcode"), city=state.get(row, "city"),
            country=_country(state.get(row, "country")), email=state.get(row, "email"),
            phone=state.get(row, "phone"), payment_terms_days=terms)
    return key


def _terms(text: str) -> int:
    digits = re.search(r"\d+", text)
    if digits is None or int(digits.group()) > 365:
        raise _Bad(_("“{value}” is not a number of days.").format(value=text))
    return int(digits.group())


def _country(text: str) -> str:
    value = text.strip().upper()
    if len(value) == 2 and value.isalpha():
        return value
    return "FR" if normalise_header(text) in ("france", "fr") else ""


def _client_row(state: _Rows, ref: SourceRef, row: tuple[str, ...]) -> None:
    _require(state, row, "name")
    _client_of(state, ref, row, "name")


def _invoice_row(state: _Rows, ref: SourceRef, row: tuple[str, ...]) -> None:
    number = _require(state, row, "number")[:60]
    client = _client_of(state, ref, row, "client")
    order = state.mapping.date_order
    issued = _field(state, row, "issue_date", lambda t: parse_day(t, order))
    if issued is None:
        raise _Bad(_("{field} is empty.").format(field=field_label("issue_date")),
                   state.mapping.columns.get("issue_date", ""))
    amount = _field(state, row, "amount_incl", parse_cents)
    if amount is None:
        raise _Bad(_("{field} is empty.").format(field=field_label("amount_incl")),
                   state.mapping.columns.get("amount_incl", ""))
    due = _field(state, row, "due_date", lambda t: parse_day(t, order))
    excl = _field(state, row, "amount_excl", parse_cents)
    credit = amount < 0 or any(word in normalise_header(state.get(row, "kind")) for word in _CREDIT_WORDS)
    record = InvoiceRecord(ref, number, client, issued, abs(amount), due_date=due if due and due >= issued else None,
                           amount_excl_cents=abs(excl) if excl is not None else None,
                           currency=(state.get(row, "currency") or "EUR")[:3].upper(), is_credit_note=credit,
                           external_key=number)
    _add_invoice(state, record, ref)
    paid = _field(state, row, "paid", parse_cents)
    if paid and paid > 0 and not credit:
        _add_paid(state, record, paid)


def _add_invoice(state: _Rows, record: InvoiceRecord, ref: SourceRef) -> None:
    """Line-item exports repeat the invoice: equal amounts are one invoice repeated, different ones its lines."""
    known = state.invoices.get(record.number)
    if known is None:
        state.invoices[record.number] = record
        state.invoice_rows[record.number] = [record.amount_incl_cents]
        return
    if known.client_key != record.client_key:
        raise _Bad(_("Invoice {number} already appears for another client.").format(number=record.number),
                   state.mapping.columns.get("number", ""))
    amounts = state.invoice_rows[record.number]
    amounts.append(record.amount_incl_cents)
    if len(set(amounts)) > 1:
        excl = (known.amount_excl_cents or 0) + (record.amount_excl_cents or 0) if known.amount_excl_cents else None
        state.invoices[record.number] = known._replace(amount_incl_cents=sum(amounts), amount_excl_cents=excl)


def _add_paid(state: _Rows, record: InvoiceRecord, paid: int) -> None:
    key = f"paid:{record.number}"
    if any(payment.external_key == key for payment in state.payments[-3:]):
        return  # a line-item export repeats the invoice's paid amount on each line
    state.payments.append(PaymentRecord(record.ref, record.client_key, record.issue_date, paid, key,
                                        allocations=(AllocationRecord(record.number, paid),), cumulative=True,
                                        currency=record.currency))


def _payer_of(state: _Rows, ref: SourceRef, row: tuple[str, ...]) -> str:
    """The payment's client: by name or code; else by e-mail or the invoice paid, matched in the dossier only."""
    if state.get(row, "client") or state.get(row, "client_code"):
        return _client_of(state, ref, row, "client")
    email, number = state.get(row, "email").casefold(), state.get(row, "invoice_number")[:60]
    if not email and not number:
        raise _Bad(_("No client, e-mail or invoice number: not a payment from a client (a deposit or a transfer?)."),
                   state.mapping.columns.get("client") or state.mapping.columns.get("email", ""))
    key = f"payer:{email}|{number}"
    if key not in state.clients:
        state.clients[key] = ClientRecord(ref, key, "", email=email[:200], match_only=True, invoice_number=number)
    return key


def _payment_row(state: _Rows, ref: SourceRef, row: tuple[str, ...]) -> None:
    kind = normalise_header(state.get(row, "kind")).split(" ")
    if any(word in _EXPENSE_WORDS for word in kind):
        raise _Bad(_("An expense (money paid out) is not a payment from a client."),
                   state.mapping.columns.get("kind", ""))
    client = _payer_of(state, ref, row)
    received = _field(state, row, "date", lambda t: parse_day(t, state.mapping.date_order))
    amount = _field(state, row, "amount", parse_cents)
    if received is None or amount is None:
        raise _Bad(_("The payment needs a date and an amount."), state.mapping.columns.get("amount", ""))
    if amount <= 0:
        raise _Bad(_("A payment must be greater than zero (refunds are not imported)."),
                   state.mapping.columns.get("amount", ""))
    number = state.get(row, "invoice_number")[:60]
    reference = state.get(row, "reference")[:120]
    base = reference or f"{number}|{received.isoformat()}|{amount}|{client}"
    occurrence = state.occurrences.get(base, 0) + 1
    state.occurrences[base] = occurrence
    words = normalise_header(state.get(row, "method")).split(" ")  # "Virement SEPA", "offline-payments.cash.1"
    method = next((_METHODS[word] for word in words if word in _METHODS), "transfer")
    state.payments.append(PaymentRecord(
        ref, client, received, amount, f"{base}#{occurrence}"[:120], method=method, bank_reference=reference,
        allocations=(AllocationRecord(number, amount),) if number else (),
        currency=(state.get(row, "currency") or "EUR")[:3].upper()))

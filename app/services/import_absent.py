"""Invoices of an earlier FEC that an updated FEC no longer holds: removed when untouched, else kept with a warning."""

# A bookkeeper deletes an entry from the books only before the period is closed, when it was a mistake: the
# receivable does not exist, and a reminder about it would be wrong. But once the invoice has a history of its own
# in Encaisse (a payment or credit note allocated, a reminder, a dispute, a promise, a plan), removing it would
# erase that history: it is kept, and the preview says why, so that the user checks it with the accountant.

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy.orm import Session

from app.domain.kinds import InvoiceKind, Source
from app.formatting import format_cents, format_date
from app.i18n import _, ngettext
from app.io.import_records import ParsedFile
from app.services.import_dto import PreviewRow, RecordType
from app.services.import_steps import DroppedInvoice, ExistingInvoice, Plan

CHUNK = 900
# What counts as activity besides the import, per link table: (query with {ids}, what the preview says)
_ACTIVITY = (
    ("SELECT invoice_id FROM allocations WHERE invoice_id IN ({ids}) AND id NOT IN ({removed}) "
     "UNION SELECT credit_note_id FROM allocations WHERE credit_note_id IN ({ids}) AND id NOT IN ({removed})",
     "settlements"),
    ("SELECT l.invoice_id FROM action_invoices l JOIN actions a ON a.id = l.action_id WHERE l.invoice_id IN ({ids}) "
     "AND NOT (a.kind = 'note' AND a.details LIKE '%\"import\":%')", "history"),
    ("SELECT invoice_id FROM dispute_invoices WHERE invoice_id IN ({ids})", "dispute"),
    ("SELECT invoice_id FROM promise_invoices WHERE invoice_id IN ({ids})", "promise"),
    ("SELECT invoice_id FROM plan_invoices WHERE invoice_id IN ({ids})", "plan"),
)


def plan_absent(session: Session, plan: Plan, parsed: ParsedFile, known: Mapping[str, ExistingInvoice]) -> None:
    """Fill ``plan.absent`` (all shown) and ``plan.dropped`` (those removed on apply); ``known``: the dossier's."""
    assert parsed.period is not None
    first, last = parsed.period
    if not known:
        return  # a first import: no need for the set of the file's numbers
    in_file = {record.number for record in parsed.invoices}
    fec = Source.FEC.value
    candidates = {number: row for number, row in known.items() if row.source == fec and row.external_key
                  and first <= row.issue_date <= last and number not in in_file}
    if not candidates:
        return
    removed = [allocation_id for item in plan.unlettered for allocation_id in item.allocation_ids]
    activity = _activity(session, [row.id for row in candidates.values()], removed)
    names = _client_names(session, {row.client_id for row in candidates.values()})
    for number in sorted(candidates):
        row = candidates[number]
        invoice_id, client_id, kind, issued, cents = row.id, row.client_id, row.kind, row.issue_date, \
            row.amount_incl_cents
        record_type = RecordType.CREDIT_NOTE if kind == InvoiceKind.CREDIT_NOTE.value else RecordType.INVOICE
        found = activity.get(invoice_id, [])
        if parsed.problems:
            detail = _("kept: the new file has refused lines, so its absence may come from them")
        elif found:
            detail = _("kept, because it has {what} in Encaisse: check with your accountant").format(
                what=", ".join(_activity_label(item) for item in found))
        else:
            detail = _("removed on apply: nothing else was done with it (the history keeps its figures)")
            plan.dropped.append(DroppedInvoice(invoice_id, client_id, number, " — ".join(
                (number, format_cents(cents), format_date(issued)))))
        plan.absent.append(PreviewRow(record_type, number, names.get(client_id, ""), None, detail, cents, issued))
    dated = {"count": len(candidates), "first": format_date(first), "last": format_date(last)}
    plan.notes.append(ngettext(
        "{count} invoice imported from an earlier FEC and dated {first}–{last} is absent from this file.",
        "{count} invoices imported from an earlier FEC and dated {first}–{last} are absent from this file.",
        len(candidates)).format(**dated) + " " + _(
        "Removed on apply: {removed}; kept: {kept} (see “Absent from the new file”).").format(
        removed=len(plan.dropped), kept=len(candidates) - len(plan.dropped)))


def _activity(session: Session, ids: Sequence[int], removed: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    connection = session.connection()
    skip = ", ".join(str(int(value)) for value in removed) or "0"
    for chunk in _chunks(ids):
        marks = ", ".join(str(int(value)) for value in chunk)
        for query, label in _ACTIVITY:
            for (invoice_id,) in connection.exec_driver_sql(query.format(ids=marks, removed=skip)):
                labels = found.setdefault(int(invoice_id), [])
                if label not in labels:
                    labels.append(label)
    return found


def _client_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    connection = session.connection()
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(ids)):
        marks = ", ".join(str(int(value)) for value in chunk)
        names.update(connection.exec_driver_sql(f"SELECT id, name FROM clients WHERE id IN ({marks})").all())
    return names


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _activity_label(key: str) -> str:
    labels = {"settlements": _("settlements"), "history": _("reminders or other history"), "dispute": _("a dispute"),
              "promise": _("a promise"), "plan": _("a payment plan")}
    return labels.get(key, key)

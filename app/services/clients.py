"""Client use cases: list with balances as of a date, add and edit clients and their contacts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.domain.kinds import InvoiceKind
from app.i18n import _
from app.models import Client, Contact, Invoice, Segment
from app.services.dto import ClientInput, ClientRow, ContactInput, Problem
from app.services.queries import open_invoices, unallocated_credit_by_client
from app.services.validation import (
    ValidationFailed,
    collect,
    compact_identifier,
    email_problem,
    required_problem,
    siren_problem,
    vat_problem,
)
from app.services.workspace import Workspace


def list_clients(ws: Workspace, as_of: date) -> list[ClientRow]:
    """Every client with its net balance, overdue amount and oldest delay as of ``as_of``, by name."""
    with ws.dossier.reading() as session:
        balances = _balances(session, as_of)
        credits = unallocated_credit_by_client(
            session, as_of, {client: total for client, (total, _late, _oldest) in balances.items()})
        counts = dict(session.execute(
            select(Invoice.client_id, func.count(Invoice.id))
            .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.issue_date <= as_of)
            .group_by(Invoice.client_id)
        ).all())
        billing = _billing_contacts(session)
        rows = session.execute(
            select(Client, Segment.label).outerjoin(Segment, Segment.code == Client.segment_code)
            .order_by(Client.name)
        ).all()
        return [_row(client, label or "", balances, credits, counts, billing, as_of) for client, label in rows]


def _balances(session: Session, as_of: date) -> dict[int, tuple[int, int, date | None]]:
    """client_id → (open cents, overdue cents, oldest overdue due date)."""
    items = open_invoices(as_of).subquery()
    overdue = items.c.due_date < as_of
    statement = select(
        items.c.client_id,
        func.sum(items.c.open_cents),
        func.sum(case((overdue, items.c.open_cents), else_=0)),
        func.min(case((overdue, items.c.due_date), else_=None)),
    ).group_by(items.c.client_id)
    return {client: (int(total), int(late), oldest) for client, total, late, oldest in session.execute(statement)}


def _billing_contacts(session: Session) -> dict[int, tuple[str, str]]:
    """client_id → (e-mail, phone) of its billing contact, or of its first contact."""
    found: dict[int, tuple[str, str]] = {}
    statement = select(Contact.client_id, Contact.email, Contact.phone).order_by(
        Contact.client_id, Contact.is_billing.desc(), Contact.id
    )
    for client_id, email, phone in session.execute(statement):
        found.setdefault(client_id, (email, phone))
    return found


def _row(client: Client, segment_label: str, balances: dict[int, tuple[int, int, date | None]],
         credits: dict[int, int], counts: dict[int, int], billing: dict[int, tuple[str, str]],
         as_of: date) -> ClientRow:
    total, overdue, oldest = balances.get(client.id, (0, 0, None))
    email, phone = billing.get(client.id, ("", ""))
    return ClientRow(
        id=client.id, account_code=client.account_code, name=client.name, city=client.city,
        segment_label=segment_label, email=email, phone=phone, invoice_count=counts.get(client.id, 0),
        open_cents=total - credits.get(client.id, 0), overdue_cents=overdue,
        max_days_past_due=(as_of - oldest).days if oldest else 0,
        credit_limit_cents=client.credit_limit_cents, do_not_remind=client.do_not_remind,
    )


def check_client(data: ClientInput) -> list[Problem]:
    """Problems of a client form, each naming its ClientInput field."""
    return collect(
        required_problem("account_code", data.account_code, _("The account code")),
        required_problem("name", data.name, _("The client name")),
        siren_problem("siren", compact_identifier(data.siren)),
        vat_problem("vat_number", compact_identifier(data.vat_number)),
        None if data.credit_limit_cents is None or data.credit_limit_cents >= 0 else Problem(
            "credit_limit_cents", _("The credit limit cannot be negative.")),
        None if data.payment_terms_days is None or data.payment_terms_days >= 0 else Problem(
            "payment_terms_days", _("Payment terms cannot be negative.")),
        None if not data.do_not_remind or data.do_not_remind_reason.strip() else Problem(
            "do_not_remind_reason", _("Say why this client must not be reminded.")),
    )


def _client_values(data: ClientInput) -> dict[str, object]:
    values = asdict(data)
    values["siren"] = compact_identifier(data.siren)
    values["vat_number"] = compact_identifier(data.vat_number)
    return values


def _check_unique_code(session: Session, data: ClientInput, client_id: int | None) -> None:
    existing = session.scalar(select(Client.id).where(Client.account_code == data.account_code))
    if existing is not None and existing != client_id:
        raise ValidationFailed([Problem("account_code", _("Account code {code} is already used.").format(
            code=data.account_code))])


def add_client(ws: Workspace, data: ClientInput) -> int:
    """Create a client; returns its id. Raises ValidationFailed and writes nothing on bad input."""
    problems = check_client(data)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        _check_unique_code(session, data, None)
        client = Client(**_client_values(data), created_at=datetime.combine(ws.clock(), datetime.min.time()))
        session.add(client)
        session.flush()
        return client.id


def edit_client(ws: Workspace, client_id: int, data: ClientInput) -> None:
    problems = check_client(data)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        client = _get_client(session, client_id)
        _check_unique_code(session, data, client_id)
        for key, value in _client_values(data).items():
            setattr(client, key, value)


def _get_client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise ValidationFailed([Problem("client_id", _("Client #{id} does not exist.").format(id=client_id))])
    return client


def check_contact(data: ContactInput) -> list[Problem]:
    return collect(
        required_problem("name", data.name, _("The contact name")),
        email_problem("email", data.email),
    )


def add_contact(ws: Workspace, data: ContactInput) -> int:
    """Add a contact; marking it billing contact unmarks the client's previous one."""
    problems = check_contact(data)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        client = _get_client(session, data.client_id)
        if data.is_billing:
            for other in client.contacts:
                other.is_billing = False
        contact = Contact(**asdict(data))
        session.add(contact)
        session.flush()
        return contact.id


def edit_contact(ws: Workspace, contact_id: int, data: ContactInput) -> None:
    problems = check_contact(data)
    if problems:
        raise ValidationFailed(problems)
    with ws.dossier.transaction() as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise ValidationFailed([Problem("", _("Contact #{id} does not exist.").format(id=contact_id))])
        if data.is_billing:
            for other in _get_client(session, data.client_id).contacts:
                other.is_billing = other.id == contact_id
        for key, value in asdict(data).items():
            setattr(contact, key, value)

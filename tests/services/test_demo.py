"""The demo dossier: what a user opening it notices, consistent rows, and one seed giving one file."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from stdnum import iban
from stdnum.fr import siren, siret, tva

from app.errors import DossierLocked
from app.services.demo import LARGE_SIZE, create_demo_dossier, default_demo_path
from app.services.workspace import open_workspace

AS_OF = date(2026, 6, 30)

OPEN_INVOICES = """
SELECT i.id, i.client_id, julianday(:as_of) - julianday(i.due_date) AS days_past_due,
       i.amount_incl_cents - COALESCE((SELECT SUM(a.amount_cents) FROM allocations a
                                       WHERE a.invoice_id = i.id AND a.on_date <= :as_of), 0) AS open_cents
FROM invoices i WHERE i.kind = 'invoice'
"""


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCAISSE_HOME", str(tmp_path_factory.mktemp("home")))
        path = create_demo_dossier(tmp_path_factory.mktemp("demo") / "demo.encaisse", as_of=AS_OF)
    connection = connect(path)
    yield connection
    connection.close()


def scalar(db: sqlite3.Connection, sql: str, **params: Any) -> Any:
    return db.execute(sql, params).fetchone()[0]


def open_items(db: sqlite3.Connection) -> list[tuple[int, int, float, int]]:
    return [row for row in db.execute(OPEN_INVOICES, {"as_of": AS_OF.isoformat()}) if row[3] > 0]


def test_default_path_is_in_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENCAISSE_HOME", str(tmp_path))
    assert default_demo_path() == tmp_path / "demo" / "demo.encaisse"


def test_company_identifiers_are_valid(demo: sqlite3.Connection) -> None:
    name, siren_number, siret_number, vat, account, city = demo.execute(
        "SELECT legal_name, siren, siret, vat_number, iban, city FROM company").fetchone()
    assert "Durand" in name and city == "Lyon"
    assert siren.is_valid(siren_number) and siret.is_valid(siret_number) and siret_number.startswith(siren_number)
    assert tva.is_valid(vat) and iban.is_valid(account) and account.startswith("FR76")


def test_about_sixty_clients_in_three_segments(demo: sqlite3.Connection) -> None:
    segments = dict(demo.execute("SELECT segment_code, COUNT(*) FROM clients GROUP BY segment_code"))
    assert set(segments) == {"strategic", "standard", "at_risk"}
    assert 55 <= sum(segments.values()) <= 65
    assert min(segments.values()) >= 8
    assert scalar(demo, "SELECT COUNT(*) FROM clients WHERE is_consumer") >= 2
    assert scalar(demo, "SELECT COUNT(*) FROM clients WHERE language = 'en'") == 1
    assert scalar(demo, "SELECT COUNT(*) FROM clients WHERE credit_limit_cents > 0") >= 5
    assert {row[0] for row in demo.execute("SELECT payment_terms_days FROM clients")} <= {30, 45, 60}


def test_clients_look_real(demo: sqlite3.Connection) -> None:
    rows = demo.execute("SELECT account_code, siren, vat_number, city, is_consumer, country FROM clients").fetchall()
    assert all(re.fullmatch(r"411[A-Z0-9]+", code) for code, *_rest in rows)
    companies = [row for row in rows if not row[4] and row[5] == "FR"]
    assert all(siren.is_valid(number) and tva.is_valid(vat) and vat.endswith(number)
               for _code, number, vat, *_rest in companies)
    assert len({row[1] for row in companies}) == len(companies)
    assert len({row[3] for row in rows}) >= 10
    assert scalar(demo, "SELECT COUNT(DISTINCT client_id) FROM contacts WHERE is_billing AND email LIKE '%@%.%'"
                  " AND phone <> ''") == len(rows)


def test_invoices_span_the_24_months_up_to_as_of(demo: sqlite3.Connection) -> None:
    count, first, last = demo.execute(
        "SELECT COUNT(*), MIN(issue_date), MAX(issue_date) FROM invoices WHERE kind = 'invoice'").fetchone()
    assert 1400 <= count <= 1600
    assert AS_OF - timedelta(days=731) <= date.fromisoformat(first) <= AS_OF - timedelta(days=700)
    assert AS_OF - timedelta(days=5) <= date.fromisoformat(last) <= AS_OF
    months = scalar(demo, "SELECT COUNT(DISTINCT substr(issue_date, 1, 7)) FROM invoices WHERE kind = 'invoice'")
    assert months >= 24


def test_invoice_numbers_amounts_and_terms(demo: sqlite3.Connection) -> None:
    rows = demo.execute("SELECT number, issue_date, due_date, amount_excl_cents, amount_incl_cents"
                        " FROM invoices WHERE kind = 'invoice'").fetchall()
    for number, issue, due, excl, incl in rows:
        assert re.fullmatch(rf"F{issue[:4]}-\d{{5}}", number)
        assert 15_000 <= incl <= 2_500_000
        assert abs(excl * 12 - incl * 10) <= 6  # excl = incl / 1.2 rounded to the cent (halves up)
        assert (date.fromisoformat(due) - date.fromisoformat(issue)).days in {30, 45, 60}


def test_open_invoices_fill_every_aging_bucket(demo: sqlite3.Connection) -> None:
    buckets = [0] * 5
    for _invoice, _client, days, _open in open_items(demo):
        buckets[0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90 else 4] += 1
    assert all(count >= 2 for count in buckets), buckets
    assert sum(buckets) < 0.3 * scalar(demo, "SELECT COUNT(*) FROM invoices WHERE kind = 'invoice'")


def test_chronic_late_payers_are_late(demo: sqlite3.Connection) -> None:
    late = dict(demo.execute("""
        SELECT c.segment_code, AVG(julianday(p.received_on) - julianday(i.due_date))
        FROM allocations a JOIN invoices i ON i.id = a.invoice_id JOIN payments p ON p.id = a.payment_id
        JOIN clients c ON c.id = i.client_id GROUP BY c.segment_code"""))
    assert late["strategic"] < 10 < late["standard"] < 40 < 60 < late["at_risk"]


def test_no_allocation_exceeds_anything(demo: sqlite3.Connection) -> None:
    assert scalar(demo, """SELECT COUNT(*) FROM invoices i WHERE i.amount_incl_cents <
        (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE invoice_id = i.id)""") == 0
    assert scalar(demo, """SELECT COUNT(*) FROM payments p WHERE p.amount_cents <
        (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE payment_id = p.id)""") == 0
    assert scalar(demo, """SELECT COUNT(*) FROM invoices c WHERE c.amount_incl_cents <
        (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE credit_note_id = c.id)""") == 0
    assert scalar(demo, """SELECT COUNT(*) FROM allocations a JOIN invoices i ON i.id = a.invoice_id
        WHERE a.on_date < i.issue_date OR a.on_date > :as_of OR i.kind <> 'invoice'""", as_of=AS_OF.isoformat()) == 0
    assert scalar(demo, """SELECT COUNT(*) FROM allocations a JOIN payments p ON p.id = a.payment_id
        WHERE a.on_date <> p.received_on""") == 0
    assert scalar(demo, """SELECT COUNT(*) FROM allocations a JOIN invoices i ON i.id = a.invoice_id
        JOIN payments p ON p.id = a.payment_id WHERE p.client_id <> i.client_id""") == 0
    assert demo.execute("PRAGMA foreign_key_check").fetchall() == []


def test_nothing_happens_after_as_of(demo: sqlite3.Connection) -> None:
    as_of = AS_OF.isoformat()
    for table, column in [("invoices", "issue_date"), ("payments", "received_on"), ("allocations", "on_date"),
                          ("actions", "occurred_on"), ("disputes", "opened_on"), ("disputes", "resolved_on"),
                          ("promises", "made_on"), ("plans", "agreed_on"), ("recovery_costs", "on_date")]:
        assert scalar(demo, f"SELECT COUNT(*) FROM {table} WHERE {column} > :as_of", as_of=as_of) == 0, table
    assert scalar(demo, "SELECT COUNT(*) FROM actions WHERE date(recorded_at) <> occurred_on") == 0


def test_unallocated_cash_and_credit_notes(demo: sqlite3.Connection) -> None:
    notes = scalar(demo, "SELECT COUNT(*) FROM invoices WHERE kind = 'credit_note'")
    assert 15 <= notes <= 25
    assert scalar(demo, """SELECT COUNT(*) FROM invoices c WHERE c.kind = 'credit_note'
        AND NOT EXISTS (SELECT 1 FROM allocations WHERE credit_note_id = c.id)""") == 1
    assert scalar(demo, """SELECT COUNT(*) FROM payments p WHERE p.amount_cents >
        (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE payment_id = p.id)""") >= 2
    assert scalar(demo, "SELECT COUNT(*) FROM payments p WHERE (SELECT COUNT(*) FROM allocations"
                        " WHERE payment_id = p.id) > 1") >= 5  # one transfer for several invoices
    assert scalar(demo, "SELECT COUNT(*) FROM invoices i WHERE (SELECT COUNT(*) FROM allocations"
                        " WHERE invoice_id = i.id AND kind = 'payment') = 2") >= 20  # paid in two goes


def test_disputes_open_and_resolved(demo: sqlite3.Connection) -> None:
    open_ids = {invoice for invoice, *_rest in open_items(demo)}
    disputed_open = [row[0] for row in demo.execute(
        "SELECT di.invoice_id FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id"
        " WHERE d.resolved_on IS NULL")]
    assert disputed_open and set(disputed_open) <= open_ids
    outcomes = {row[0] for row in demo.execute("SELECT outcome FROM disputes WHERE resolved_on IS NOT NULL")}
    assert outcomes == {"credit_note", "paid", "rejected"}
    assert 6 <= scalar(demo, "SELECT COUNT(*) FROM disputes") <= 10


def test_promises_kept_broken_and_pending(demo: sqlite3.Connection) -> None:
    verdicts = []
    for made, promised, amount, paid in demo.execute("""
            SELECT p.made_on, p.promised_on, p.amount_cents,
                   (SELECT COALESCE(SUM(y.amount_cents), 0) FROM payments y WHERE y.client_id = p.client_id
                    AND y.received_on BETWEEN p.made_on AND date(p.promised_on, '+3 days'))
            FROM promises p"""):
        assert made <= promised
        if paid >= amount:
            verdicts.append("kept")
        else:
            verdicts.append("pending" if promised >= AS_OF.isoformat() else "broken")
    assert verdicts.count("kept") >= 2 and verdicts.count("broken") >= 2 and "pending" in verdicts
    assert 8 <= len(verdicts) <= 12


def test_one_payment_plan_with_four_monthly_instalments(demo: sqlite3.Connection) -> None:
    assert scalar(demo, "SELECT COUNT(*) FROM plans") == 1
    plan_id, agreed = demo.execute("SELECT id, agreed_on FROM plans").fetchone()
    dues = [date.fromisoformat(row[0]) for row in demo.execute("SELECT due_on FROM instalments ORDER BY due_on")]
    assert len(dues) == 4 and all(28 <= (b - a).days <= 31 for a, b in pairwise(dues))
    total = scalar(demo, "SELECT SUM(amount_cents) FROM instalments")
    covered = scalar(demo, "SELECT SUM(i.amount_incl_cents) FROM plan_invoices p JOIN invoices i"
                           " ON i.id = p.invoice_id WHERE p.plan_id = :plan", plan=plan_id)
    assert total == covered
    paid = scalar(demo, "SELECT SUM(a.amount_cents) FROM plan_invoices p JOIN allocations a"
                        " ON a.invoice_id = p.invoice_id WHERE a.on_date >= :agreed", agreed=agreed)
    assert 0 < paid < total


def test_write_offs_and_do_not_remind(demo: sqlite3.Connection) -> None:
    reasons = [row[0] for row in demo.execute("SELECT reason FROM allocations WHERE kind = 'write_off'")]
    assert len(reasons) >= 2 and all(reasons)
    flagged = demo.execute("SELECT do_not_remind_reason FROM clients WHERE do_not_remind").fetchall()
    assert len(flagged) == 1 and flagged[0][0]


def test_reminder_history(demo: sqlite3.Connection) -> None:
    kinds = dict(demo.execute("SELECT kind, COUNT(*) FROM actions GROUP BY kind"))
    assert all(kinds.get(kind, 0) > 0 for kind in ("reminder", "letter", "call", "formal_notice"))
    assert scalar(demo, """SELECT COUNT(*) FROM actions a WHERE a.kind IN ('reminder', 'letter', 'call',
        'formal_notice') AND (a.channel IS NULL OR a.ladder_step_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM action_invoices x WHERE x.action_id = a.id))""") == 0
    assert scalar(demo, """SELECT COUNT(*) FROM actions a JOIN action_invoices x ON x.action_id = a.id
        JOIN invoices i ON i.id = x.invoice_id WHERE a.kind IN ('letter', 'call', 'formal_notice')
        AND a.occurred_on <= i.due_date""") == 0
    assert scalar(demo, "SELECT COUNT(*) FROM actions a JOIN clients c ON c.id = a.client_id"
                        " WHERE c.do_not_remind AND a.kind = 'reminder'") == 0
    lrar = scalar(demo, "SELECT COUNT(*) FROM recovery_costs WHERE kind = 'registered_letter'"
                        " AND action_id IS NOT NULL")
    assert lrar == kinds["formal_notice"]


def dump(path: Path) -> list[str]:
    connection = connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_same_seed_gives_the_same_file(tmp_path: Path) -> None:
    first = create_demo_dossier(tmp_path / "a.encaisse", as_of=AS_OF, seed=3)
    second = create_demo_dossier(tmp_path / "b.encaisse", as_of=AS_OF, seed=3)
    other = create_demo_dossier(tmp_path / "c.encaisse", as_of=AS_OF, seed=4)
    assert dump(first) == dump(second)
    assert dump(first) != dump(other)


def test_replaces_an_existing_demo_unless_it_is_open(tmp_path: Path) -> None:
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=AS_OF)
    before = dump(path)
    assert create_demo_dossier(path, as_of=AS_OF) == path
    assert dump(path) == before
    workspace = open_workspace(path, backup=False)
    try:
        with pytest.raises(DossierLocked):
            create_demo_dossier(path, as_of=AS_OF - timedelta(days=10))
    finally:
        workspace.close()
    assert dump(path) == before


def test_large_proportions_on_a_reduced_count(tmp_path: Path) -> None:
    size = replace(LARGE_SIZE, clients=250, invoices=10_000, consumers=8, credit_notes=80,
                   unallocated_credit_notes=2, open_disputes=8, resolved_disputes=15, kept_promises=15,
                   broken_promises=15, pending_promises=5, plans=2, write_offs=8, do_not_remind=2,
                   overpayments=15)
    path = create_demo_dossier(tmp_path / "large.encaisse", as_of=AS_OF, size=size)
    db = connect(path)
    try:
        assert scalar(db, "SELECT COUNT(*) FROM clients") == 250
        assert scalar(db, "SELECT COUNT(*) FROM invoices WHERE kind = 'invoice'") == 10_000
        allocations = scalar(db, "SELECT COUNT(*) FROM allocations")
        assert 10_000 <= allocations <= 13_500  # ~250,000 for the 200,000 invoices of the large demo
        assert scalar(db, "SELECT COUNT(*) FROM plans") == 2
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()


def test_a_demo_past_the_shipped_rates_can_state_penalties_and_says_the_rate_is_assumed(tmp_path: Path) -> None:
    from app.letters.data import LetterKind
    from app.services.letters import produce_letter

    as_of = date(2026, 11, 23)  # the shipped table ends with the first half of 2026
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=as_of)
    with connect(path) as db:
        source = scalar(db, "SELECT source FROM legal_rates WHERE semester_start = '2026-07-01'")
        client = scalar(db, "SELECT a.client_id FROM actions a WHERE a.kind = 'formal_notice' ORDER BY a.id DESC")
    assert "supposé inchangé" in source or "assumed unchanged" in source
    ws = open_workspace(path, read_only=True)
    try:
        letter = produce_letter(ws, client, LetterKind.NOTICE, as_of)
    finally:
        ws.close()
    assert letter.pdf.startswith(b"%PDF") and letter.data.penalties  # the interest is stated

"""The bulk FEC write path: triggers and indexes set aside then recreated identical, kept totals recomputed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.io.import_records import ImportCancelled
from app.services import import_bulk, imports
from app.services.import_bulk import SetAside
from app.services.workspace import Workspace
from tests.conftest import Ledger
from tests.services.test_flow_totals import _kept_right
from tests.services.test_imports import _dump, _fec, _fec_line, _receipt, _sale

SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
# Every kept column next to its from-scratch value; the test wants no row where they differ.
DIFFERENCES = """
SELECT 'settled', i.number FROM invoices i
 WHERE i.settled_cents IS NOT (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE invoice_id = i.id)
    OR i.settled_through IS NOT (SELECT MAX(on_date) FROM allocations WHERE invoice_id = i.id)
UNION ALL
SELECT 'applied', i.number FROM invoices i
 WHERE i.applied_cents IS NOT (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE credit_note_id = i.id)
    OR i.applied_through IS NOT (SELECT MAX(on_date) FROM allocations WHERE credit_note_id = i.id)
UNION ALL
SELECT 'allocated', p.id FROM payments p
 WHERE p.allocated_cents IS NOT (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE payment_id = p.id)
    OR p.allocated_through IS NOT (SELECT MAX(on_date) FROM allocations WHERE payment_id = p.id)
UNION ALL
SELECT 'copies', a.id FROM allocations a JOIN invoices i ON i.id = a.invoice_id
 WHERE a.client_id IS NOT i.client_id OR a.due_date IS NOT i.due_date
"""


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


def _big_fec(tmp_path: Path, count: int = 40, *, name: str = "big.txt", every: int = 4) -> Path:
    """Invoices of three clients, all but one in ``every`` lettered with a receipt, a partial payment, a credit
    note lettered."""
    lines: list[str] = []
    for number in range(count):
        letter = f"L{number}" if number % every else ""
        lines += _sale(str(number), f"C{number % 3}", f"V{number}", f"{100 + number},00", letter)
        if letter:
            lines += _receipt(f"9{number}", f"C{number % 3}", f"{100 + number},00", letter, day="20261025")
    lines += _sale("500", "C1", "V500", "300,00", "P")
    lines += _receipt("600", "C1", "120,00", "P", day="20261102")
    lines += [_fec_line("VT", "700", "20261105", "411000", "C2", "Client C2", "AV1", "0,00", "40,00", "Q"),
              _fec_line("VT", "700", "20261105", "706000", "", "", "AV1", "40,00", "0,00")]
    lines += _sale("701", "C2", "V701", "90,00", "Q")
    return _fec(tmp_path, name, lines)


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> list[import_bulk.SetAside]:
    """A small file takes the bulk path, so that the test runs in a moment; returns what was set aside."""
    monkeypatch.setattr("app.services.import_write.BULK_MIN_ROWS", 1)
    seen: list[import_bulk.SetAside] = []
    set_aside = import_bulk._set_aside

    def spy(*args: Any) -> list[import_bulk.SetAside]:
        found = set_aside(*args)
        seen.extend(found)
        return found

    monkeypatch.setattr(import_bulk, "_set_aside", spy)
    return seen


def test_bulk_fec_import_keeps_totals_true_and_schema_identical(workspace: Workspace, ledger: Ledger,
                                                               tmp_path: Path, bulk: list[SetAside]) -> None:
    schema = _rows(workspace.path, SCHEMA)
    assert any(row[0] == "trigger" for row in schema)
    preview = imports.preview_import(workspace, _big_fec(tmp_path))
    imports.apply_import(workspace, preview, backup=False)
    dropped = {(item.type, item.name) for item in bulk}
    assert ("trigger", "settled_totals_insert") in dropped and ("index", "ix_invoices_open_now") in dropped
    assert {("trigger", "invoice_flows_insert"), ("trigger", "settlement_flows_insert")} <= dropped
    assert _rows(workspace.path, SCHEMA) == schema
    assert _rows(workspace.path, DIFFERENCES) == []
    assert _kept_right(workspace.path)  # the dashboard's running sums equal a from-scratch GROUP BY
    settled = dict(_rows(workspace.path, "SELECT number, settled_cents FROM invoices"))
    assert settled["V1"] == 10100 and settled["V0"] == 0  # lettered with its receipt / not lettered
    assert settled["V500"] == 12000  # the partial payment
    assert settled["V701"] == 4000  # the credit note
    assert settled["F2"] == 20000  # the hand-made ledger's invoice keeps its own payment
    # The triggers are back and working: a hand-made allocation still moves the kept totals.
    with sqlite3.connect(workspace.path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("DELETE FROM allocations WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'V1')")
    assert _rows(workspace.path, DIFFERENCES) == []
    assert dict(_rows(workspace.path, "SELECT number, settled_cents FROM invoices"))["V1"] == 0


def test_bulk_import_into_a_filled_dossier_keeps_its_indexes(workspace: Workspace, ledger: Ledger,
                                                            tmp_path: Path, bulk: list[SetAside]) -> None:
    """A file smaller than the dossier leaves the indexes alone: only the triggers are set aside."""
    lines = [line for n in range(60) for line in _sale(f"1{n}", "C9", f"G{n}", "10,00", f"K{n}" if n < 9 else "")]
    lines += [line for n in range(9) for line in _receipt(f"2{n}", "C9", "10,00", f"K{n}")]
    first = _fec(tmp_path, "first.txt", lines)
    imports.apply_import(workspace, imports.preview_import(workspace, first), backup=False)
    schema = _rows(workspace.path, SCHEMA)
    bulk.clear()
    second = _fec(tmp_path, "second.txt", [*_sale("1", "C9", "H1", "50,00", "Z"), *_receipt("3", "C9", "50,00", "Z")])
    imports.apply_import(workspace, imports.preview_import(workspace, second), backup=False)
    assert bulk and {item.type for item in bulk} == {"trigger"}
    assert _rows(workspace.path, SCHEMA) == schema
    assert _rows(workspace.path, DIFFERENCES) == []
    assert _kept_right(workspace.path)


@pytest.mark.usefixtures("bulk")
def test_cancelling_a_bulk_import_leaves_the_dossier_and_its_schema_unchanged(workspace: Workspace, ledger: Ledger,
                                                                             tmp_path: Path) -> None:
    preview = imports.preview_import(workspace, _big_fec(tmp_path))
    before = _dump(workspace)
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 4  # clients, invoices and payments written; triggers and indexes dropped

    with pytest.raises(ImportCancelled):
        imports.apply_import(workspace, preview, cancelled=cancelled, backup=False)
    assert _dump(workspace) == before


def _tables(path: Path) -> dict[str, list[str]]:
    """Every table's rows (the history's recording time left out), sorted: ids and running sums included."""
    with sqlite3.connect(path) as connection:
        names = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        found: dict[str, list[str]] = {}
        for name in names:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({name})") if row[1] != "recorded_at"]
            found[name] = sorted(repr(row) for row in connection.execute(f"SELECT {', '.join(columns)} FROM {name}"))
    return found


def test_bulk_and_row_by_row_writes_give_the_same_dossier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the triggers keep (these migrations' totals and copies, and any later running sums) comes out the
    same as when every row fires them: the bulk path only sets aside the triggers it redoes."""
    from app.services.clock import fixed_clock
    from app.services.workspace import create_workspace
    from tests.conftest import COMPANY, TODAY

    # Then an updated export: ten more invoices, and the ones left open before lettered with new receipts.
    files = (_big_fec(tmp_path), _big_fec(tmp_path, 50, name="updated.txt", every=10 ** 6))
    dumps = []
    for name, minimum in (("rows", 10 ** 9), ("bulk", 1)):
        monkeypatch.setattr("app.services.import_write.BULK_MIN_ROWS", minimum)
        ws = create_workspace(tmp_path / f"{name}.encaisse", COMPANY, clock=fixed_clock(TODAY))
        try:
            Ledger(ws).client("ALPHA", "Alpha SARL")
            for fec in files:
                imports.apply_import(ws, imports.preview_import(ws, fec), backup=False)
                dumps.append(_tables(tmp_path / f"{name}.encaisse"))
        finally:
            ws.close()
        assert _kept_right(tmp_path / f"{name}.encaisse")
    assert dumps[0]["allocations"] and dumps[0] == dumps[2]
    assert dumps[1]["settlement_flows"] != dumps[0]["settlement_flows"] and dumps[1] == dumps[3]


def test_an_over_allocation_in_bulk_is_refused_and_everything_rolls_back(workspace: Workspace, ledger: Ledger) -> None:
    """The guards of migration 0002 still hold when their triggers are set aside: checked once, at the end."""
    from app.io.import_records import ImportRefused

    schema, before = _rows(workspace.path, SCHEMA), _dump(workspace)
    with pytest.raises(ImportRefused, match="F2"), workspace.dossier.transaction() as session, \
            import_bulk.bulk_schema(session, {"allocations": 10 ** 6}):
        session.connection().exec_driver_sql(
            "INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents, on_date, reason) "
            "SELECT i.id, 'payment', p.id, 40000, '2026-11-20', '' FROM invoices i, payments p "
            "WHERE i.number = 'F2' ORDER BY p.id LIMIT 1")  # F2 has 300,00 € open: 400,00 € is too much
    assert _rows(workspace.path, SCHEMA) == schema
    assert _dump(workspace) == before


def test_check_constraints_are_read_from_the_stored_schema(workspace: Workspace) -> None:
    (sql,) = _rows(workspace.path, "SELECT sql FROM sqlite_master WHERE name = 'allocations'")[0]
    rules = dict(import_bulk.table_checks(str(sql)))
    assert rules["ck_allocations_amount_positive"] == "amount_cents > 0"
    assert rules["ck_allocations_settlement_kind"] == "kind IN ('payment', 'credit_note', 'write_off')"
    assert rules["ck_allocations_one_source"].startswith("(kind = 'payment' AND payment_id IS NOT NULL")
    assert import_bulk.table_checks("CREATE TABLE t (a TEXT CHECK (a != ')'), b INT)") == [("", "a != ')'")]


@pytest.mark.parametrize(("column", "value", "rule"), [("kind", "'gift'", "ck_invoices_invoice_kind"),
                                                       ("amount_incl_cents", "0", "ck_invoices_amount_positive"),
                                                       ("due_date", "'2026-09-01'", "ck_invoices_due_after_issue")])
def test_a_new_row_breaking_a_check_in_bulk_is_refused_and_everything_rolls_back(
        workspace: Workspace, ledger: Ledger, column: str, value: str, rule: str) -> None:
    """The CHECKs set aside while the new rows are inserted are checked once at the end, as SQLite would."""
    from sqlalchemy.exc import IntegrityError

    schema, before = _rows(workspace.path, SCHEMA), _dump(workspace)
    values = {"number": "'X1'", "kind": "'invoice'", "client_id": "(SELECT MIN(id) FROM clients)",
              "issue_date": "'2026-10-01'", "due_date": "'2026-10-31'", "amount_excl_cents": "100",
              "amount_incl_cents": "120", "currency": "'EUR'", "source": "'fec'", "no_reminder": "0", "notes": "''",
              column: value}
    with pytest.raises(IntegrityError, match=rule), workspace.dossier.transaction() as session, \
            import_bulk.bulk_schema(session, {"invoices": 10 ** 6}), import_bulk.checks_aside(session):
        session.connection().exec_driver_sql(
            f"INSERT INTO invoices ({', '.join(values)}) VALUES ({', '.join(values.values())})")
    assert _rows(workspace.path, SCHEMA) == schema
    assert _dump(workspace) == before
    with workspace.dossier.transaction() as session:  # the connection checks every row again
        assert session.connection().exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
        with pytest.raises(IntegrityError, match="ck_invoices_invoice_kind"):
            session.connection().exec_driver_sql("UPDATE invoices SET kind = 'gift' WHERE number = 'F2'")

"""Dossier files: creation, schema migration of an older file, refusals, the write lock, backups."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from app.errors import DossierCorrupt, DossierLocked, DossierNotFound, DossierReadOnly, DossierTooNew, NotADossier
from app.models.dossier import _alembic_config, head_revision, list_backups
from app.services import clients, recent
from app.services.demo import create_demo_dossier
from app.services.dto import ClientInput
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace, check_dossier, create_workspace, open_workspace
from tests.conftest import COMPANY
from tests.services.older_dossiers import downgrade


def test_new_dossier_has_company_ladders_and_rates(workspace: Workspace) -> None:
    info = workspace.info()
    assert info.company.legal_name == "Atelier Test SARL"
    assert info.company.siren == "732829320"
    rows = sqlite3.connect(workspace.path).execute(
        "SELECT (SELECT count(*) FROM ladders), (SELECT count(*) FROM segments),"
        " (SELECT ecb_mro_bp FROM legal_rates WHERE semester_start = '2026-01-01')").fetchone()
    assert rows == (3, 3, 215)
    assert check_dossier(workspace.path).ok


def test_invalid_company_creates_no_file(tmp_path: Path) -> None:
    bad = COMPANY.__class__(legal_name="X", siren="123456789", iban="FR76 0000")
    with pytest.raises(ValidationFailed) as caught:
        create_workspace(tmp_path / "bad.encaisse", bad)
    assert {problem.field for problem in caught.value.problems} == {"siren", "iban"}
    assert not (tmp_path / "bad.encaisse").exists()


def test_older_file_is_backed_up_then_upgraded_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.encaisse"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        connection.exec_driver_sql("INSERT INTO company (id, legal_name, legal_form, siren, siret, vat_number,"
                                   " address_line1, address_line2, postcode, city, country, email, phone, iban,"
                                   " bic, signatory_name, signatory_title, payment_terms_days, currency)"
                                   " VALUES (1, 'Ancienne SA', '', '', '', '', '', '', '', '', 'FR', '', '', '',"
                                   " '', '', '', 30, 'EUR')")
    engine.dispose()
    ws = open_workspace(path)
    try:
        assert ws.dossier.migrated_from == "0001"
        assert ws.info().company.legal_name == "Ancienne SA"
        assert check_dossier(path).revision == head_revision()
        assert any("migration" in backup.name for backup in list_backups(path))
    finally:
        ws.close()


def test_newer_schema_is_refused_and_left_untouched(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(DossierTooNew, match="plus récente"):
        open_workspace(path)
    assert path.read_bytes() == before


def test_files_that_are_not_dossiers_get_a_clear_refusal(tmp_path: Path) -> None:
    with pytest.raises(DossierNotFound, match=r"missing\.encaisse"):
        open_workspace(tmp_path / "missing.encaisse")
    text_file = tmp_path / "notes.encaisse"
    text_file.write_text("bonjour", encoding="utf-8")
    with pytest.raises(NotADossier, match=r"notes\.encaisse"):
        open_workspace(text_file)
    other_db = tmp_path / "other.encaisse"
    sqlite3.connect(other_db).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(NotADossier):
        open_workspace(other_db)


def test_damaged_file_is_reported(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # overwrite the second page
    path.write_bytes(bytes(data))
    with pytest.raises((DossierCorrupt, NotADossier)):
        open_workspace(path)


def test_second_writer_is_refused_and_read_only_works(workspace: Workspace) -> None:
    with pytest.raises(DossierLocked, match="déjà ouvert"):
        open_workspace(workspace.path)
    reader = open_workspace(workspace.path, read_only=True)
    try:
        assert reader.info().company.legal_name == "Atelier Test SARL"
        with pytest.raises(DossierReadOnly):
            clients.add_client(reader, ClientInput(account_code="C1", name="Client"))
    finally:
        reader.close()


def test_lock_is_released_on_close(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    again = open_workspace(path)
    again.close()


def test_backups_rotate(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    for _ in range(12):
        open_workspace(path).close()
    backups = list_backups(path)
    assert len(backups) == 10
    assert sqlite3.connect(backups[0]).execute("SELECT legal_name FROM company").fetchone() == ("Atelier Test SARL",)


def test_recent_list_keeps_most_recent_first(tmp_path: Path) -> None:
    first, second = tmp_path / "a.encaisse", tmp_path / "b.encaisse"
    first.write_bytes(b"")
    recent.remember(first, "A")
    recent.remember(second, "B")
    recent.remember(first, "A")
    entries = recent.recent_dossiers()
    assert [entry.name for entry in entries] == ["A", "B"]
    assert entries[0].exists and not entries[1].exists


def test_migrations_build_exactly_the_models_schema() -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.models import Base

    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "head")
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_large_dossier_opens_at_once_and_is_checked_afterwards(workspace: Workspace,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from app.models import dossier as dossier_module
    from app.services.workspace import verify_integrity

    path = workspace.path
    assert workspace.integrity_verified  # a small dossier is checked before it opens
    workspace.close()
    monkeypatch.setattr(dossier_module, "QUICK_CHECK_MAX_BYTES", 0)
    large = open_workspace(path)
    try:
        assert not large.integrity_verified
        assert verify_integrity(large) == ()
    finally:
        large.close()


def test_restore_brings_back_a_backup_and_keeps_what_it_replaces(workspace: Workspace) -> None:
    from app.models.dossier import restore_backup

    path = workspace.path
    workspace.close()
    before = open_workspace(path)  # backs up the dossier as it is
    before.close()
    changed = open_workspace(path, backup=False)
    clients.add_client(changed, ClientInput(account_code="411NEW", name="Nouveau client"))
    changed.close()
    backups = list_backups(path)
    restore_backup(backups[0], path)
    restored = open_workspace(path, backup=False)
    try:
        assert restored.info().client_count == 0
    finally:
        restored.close()
    assert any("before-restore" in backup.name for backup in list_backups(path))


def test_every_enum_value_is_allowed_by_the_schema(workspace: Workspace) -> None:
    """A value added to a kinds enum must also be added to the CHECK constraint the migrations create."""
    from sqlalchemy import Enum

    from app.models import Base

    tables = dict(sqlite3.connect(workspace.path).execute("SELECT name, sql FROM sqlite_master WHERE type='table'"))
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                missing = [value for value in column.type.enums if f"'{value}'" not in tables[table.name]]
                assert missing == [], f"{table.name}.{column.name} refuses {missing}"


def _counts(path: Path) -> tuple[int, ...]:
    with sqlite3.connect(path) as connection:
        return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("actions", "action_invoices", "disputes", "dispute_invoices", "recovery_costs"))


def test_a_full_dossier_survives_the_rebuild_of_its_history_and_dispute_tables(tmp_path: Path) -> None:
    path = create_demo_dossier(tmp_path / "demo.encaisse", as_of=date(2026, 11, 23))
    before = _counts(path)
    assert min(before) > 0  # the rebuilt tables and the rows pointing at them all hold data
    downgrade(path, "0003")
    with sqlite3.connect(path) as connection, pytest.raises(sqlite3.IntegrityError):
        connection.execute("UPDATE disputes SET reason = 'Erreur de TVA' WHERE id = 1")  # old closed list
    ws = open_workspace(path)
    try:
        assert ws.dossier.migrated_from == "0003"
    finally:
        ws.close()
    assert _counts(path) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.execute("UPDATE disputes SET reason = 'Erreur de TVA' WHERE id = 1")  # now a free list


def test_a_large_write_leaves_its_checkpoint_to_the_background_and_the_file_then_holds_it(
        workspace: Workspace) -> None:
    """checkpoint_later: the commit only syncs the log; a background checkpoint then copies it into the file."""
    dossier = workspace.dossier
    with dossier.transaction(checkpoint_later=True) as session:
        connection = session.connection()
        connection.exec_driver_sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                                   "INSERT INTO settings (key, value) SELECT 'probe' || i, printf('%0500d', i) FROM n")
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    dossier.wait_for_checkpoint()
    # The file alone, its log ignored (immutable): the 5,000 rows were copied into it.
    alone = sqlite3.connect(f"file:{workspace.path}?immutable=1", uri=True)
    assert alone.execute("SELECT count(*) FROM settings WHERE key LIKE 'probe%'").fetchone() == (5000,)
    alone.close()
    with dossier.reading() as session:  # the connection's automatic checkpoint is back
        assert session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


def test_a_failed_large_write_leaves_nothing_and_no_checkpoint_setting_behind(workspace: Workspace) -> None:
    dossier = workspace.dossier
    with pytest.raises(RuntimeError), dossier.transaction(checkpoint_later=True) as session:
        session.connection().exec_driver_sql("INSERT INTO settings (key, value) VALUES ('bulk_probe', 'x')")
        raise RuntimeError("stop")
    with dossier.reading() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        assert connection.exec_driver_sql("SELECT count(*) FROM settings WHERE key = 'bulk_probe'").scalar() == 0

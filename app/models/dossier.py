"""A dossier file: create, open (checks, lock, migrations), transactions, online backups with rotation."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DossierCorrupt, DossierNotFound, DossierReadOnly, DossierTooNew, NotADossier
from app.i18n import _
from app.models.lock import WriteLock
from app.paths import backups_dir

SUFFIX = ".encaisse"
BACKUPS_KEPT = 10
# SQLite's quick check reads the whole file (about 2 s for 100 MB). Up to this size it runs before the
# dossier opens; a larger dossier opens at once and is checked right after, in the background.
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
WAL_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, restored after a transaction that set it aside
_SQLITE_HEADER = b"SQLite format 3\x00"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _alembic_config(connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _raw_cursor(connection: Connection) -> Any:
    """A cursor of the DBAPI connection itself: a PRAGMA run there opens no transaction SQLAlchemy would track."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    return raw.cursor()


def _checkpoint(path: Path) -> None:
    """Copy the write-ahead log into the dossier file, on a connection of its own (readers and writers go on)."""
    try:
        connection = sqlite3.connect(path, timeout=5)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()
    except sqlite3.Error:
        pass  # maintenance only: the automatic checkpoint of a later commit catches up


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``path`` with the dossier pragmas; WAL is set once, when the file is created."""
    url = f"sqlite:///file:{path}?mode=ro&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    return engine


@dataclass
class Dossier:
    """An open dossier file. Every use case takes one ``transaction()``: all of it is written, or nothing."""

    path: Path
    engine: Engine
    read_only: bool = False
    migrated_from: str | None = None
    verified: bool = False  # the quick check ran at open
    _lock: WriteLock | None = field(default=None, repr=False)
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _checkpointer: threading.Thread | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self, *, checkpoint_later: bool = False) -> Iterator[Session]:
        """A session inside one transaction, committed on success and rolled back on any error.

        ``checkpoint_later`` (a large import): the commit only appends to the write-ahead log. Copying the log into
        the file (SQLite's automatic checkpoint, which would run inside the commit: 0.2 s per 100 MB) is left to a
        background thread with its own connection, so the user gets the dossier back sooner. The data is on disk
        either way: the log is synced at the commit.
        """
        if not checkpoint_later:
            with self._committed(self._sessions()) as session:
                yield session
            return
        with self.engine.connect() as connection:
            cursor = _raw_cursor(connection)
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            try:
                with self._committed(self._sessions(bind=connection)) as session:
                    yield session
            finally:
                cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
                cursor.close()
        self._checkpoint_in_background()

    @contextmanager
    def _committed(self, session: Session) -> Iterator[Session]:
        try:
            with session.begin():
                yield session
        except OperationalError as exc:
            if "readonly" in str(exc).replace(" ", "").lower():
                raise DossierReadOnly(_("{path} is open read-only.").format(path=self.path)) from exc
            raise
        finally:
            session.close()

    def _checkpoint_in_background(self) -> None:
        self.wait_for_checkpoint()
        self._checkpointer = threading.Thread(target=_checkpoint, args=(self.path,), name="encaisse-checkpoint",
                                              daemon=True)
        self._checkpointer.start()

    def wait_for_checkpoint(self) -> None:
        """Until the background checkpoint of a large import, if any, is over."""
        if self._checkpointer is not None:
            self._checkpointer.join()
            self._checkpointer = None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only (never committed)."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def refresh_statistics(self) -> None:
        """ANALYZE after a bulk load: without statistics SQLite may walk the wrong index (3× slower aging)."""
        with self.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")

    def close(self) -> None:
        self.wait_for_checkpoint()
        if not self.read_only:
            try:
                with self.engine.begin() as connection:
                    # SQLite's advice for long-lived connections: cheap, keeps the planner's statistics fresh.
                    connection.exec_driver_sql("PRAGMA busy_timeout=100")
                    connection.exec_driver_sql("PRAGMA optimize")
            except OperationalError:
                pass  # only an optimisation: closing must not fail because another reader holds the file
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def create_dossier(path: Path) -> Dossier:
    """Create an empty dossier at ``path`` with the whole schema; refuses to overwrite a file."""
    path = path.resolve()
    if path.exists():
        raise NotADossier(_("{path} already exists; choose another name.").format(path=path))
    if not path.parent.is_dir():
        raise DossierNotFound(_("Folder {folder} does not exist.").format(folder=path.parent))
    lock = WriteLock(path)
    lock.acquire()
    engine = make_engine(path)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    _upgrade(engine, path)
    return Dossier(path, engine, verified=True, _lock=lock)


def open_dossier(path: Path, *, read_only: bool = False, verify: bool | None = None) -> Dossier:
    """Open an existing dossier: check it, lock it for writing, back it up and migrate it if older.

    ``verify`` runs SQLite's quick check first (default: for files up to QUICK_CHECK_MAX_BYTES).
    Raises a DossierError subclass with a message naming the file on any problem; the file is then
    left exactly as it was.
    """
    path = path.resolve()
    _check_is_sqlite(path)
    if verify is None:
        verify = path.stat().st_size <= QUICK_CHECK_MAX_BYTES
    lock = None
    if not read_only:
        lock = WriteLock(path)
        lock.acquire()
    try:
        engine = make_engine(path, read_only=read_only)
        revision = _check_schema(engine, path, verify)
        migrated_from = None
        if revision != head_revision():
            if read_only:
                raise DossierReadOnly(
                    _("{path} was made by an older Encaisse and must be upgraded; open it for writing once.")
                    .format(path=path)
                )
            backup_file(path, reason="migration")
            _upgrade(engine, path)
            migrated_from = revision
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Dossier(path, engine, read_only=read_only, migrated_from=migrated_from, verified=verify, _lock=lock)


def _check_is_sqlite(path: Path) -> None:
    if path.is_dir():  # e.g. a folder dropped or passed on the command line: "no such file" would be wrong
        raise NotADossier(_("{path} is a folder, not an Encaisse dossier.").format(path=path))
    if not path.is_file():
        raise DossierNotFound(_("{path}: no such file.").format(path=path))
    with path.open("rb") as handle:
        if handle.read(16) != _SQLITE_HEADER:
            raise NotADossier(_("{path} is not an Encaisse dossier.").format(path=path))


def _check_schema(engine: Engine, path: Path, verify: bool = True) -> str:
    """Optionally run SQLite's quick check, then read the schema revision; refuse a file this program does
    not know."""
    try:
        with engine.connect() as connection:
            problems = quick_check(engine) if verify else []
            if problems:
                raise DossierCorrupt(_("{path} is damaged: {detail}").format(path=path, detail=problems[0]))
            revision = MigrationContext.configure(connection).get_current_revision()
    except DatabaseError as exc:
        raise DossierCorrupt(_("{path} is damaged: {detail}").format(path=path, detail=exc.orig)) from exc
    if revision is None:
        raise NotADossier(_("{path} is not an Encaisse dossier.").format(path=path))
    if revision not in known_revisions():
        raise DossierTooNew(
            _("{path} was written by a newer version of Encaisse; please update Encaisse to open it.").format(
                path=path
            )
        )
    return revision


def _upgrade(engine: Engine, path: Path) -> None:
    """Migrate to the newest schema in one transaction.

    Foreign keys are off meanwhile, as SQLite prescribes for rebuilding a table that other rows point at,
    and checked as a whole before the commit.
    """
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: set it before
        connection.commit()
        try:
            with connection.begin():
                command.upgrade(_alembic_config(connection), "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DossierCorrupt(_("{path}: the schema upgrade would leave {count} broken links.").format(
                        path=path, count=len(broken)))
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def inspect_file(path: Path) -> tuple[str, list[str]]:
    """Schema revision and integrity problems of a dossier, read-only, without migrating it."""
    path = path.resolve()
    _check_is_sqlite(path)
    engine = make_engine(path, read_only=True)
    try:
        return _check_schema(engine, path, verify=False), integrity_report(engine)
    finally:
        engine.dispose()


def quick_check(engine: Engine) -> list[str]:
    """SQLite's quick check (structure, not index contents): an empty list means the file is sound."""
    with engine.connect() as connection:
        return [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check") if row[0] != "ok"]


def integrity_report(engine: Engine) -> list[str]:
    """SQLite's full integrity check plus foreign keys: an empty list means the file is sound."""
    with engine.connect() as connection:
        problems = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"foreign key: {row[0]} row {row[1]} -> {row[2]}"
            for row in connection.exec_driver_sql("PRAGMA foreign_key_check")
        ]
    return problems


def backup_folder(path: Path) -> Path:
    """Backups of one dossier live together, named after it and its absolute path."""
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    folder = backups_dir() / f"{path.stem}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def backup_file(path: Path, *, reason: str, now: datetime | None = None) -> Path:
    """Copy a dossier with SQLite's online backup API (safe while open) and keep the newest ten."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    target = backup_folder(path) / f"{path.stem}-{stamp}-{reason}{SUFFIX}"
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        source.close()
        destination.close()
    _rotate(backup_folder(path))
    return target


def list_backups(path: Path) -> list[Path]:
    """Backups of ``path``, newest first."""
    return sorted(backup_folder(path).glob(f"*{SUFFIX}"), reverse=True)


def _rotate(folder: Path) -> None:
    for old in sorted(folder.glob(f"*{SUFFIX}"), reverse=True)[BACKUPS_KEPT:]:
        old.unlink()


def restore_backup(backup: Path, path: Path) -> None:
    """Replace ``path`` (closed) by ``backup``, after keeping a copy of what it replaces."""
    if path.exists():
        backup_file(path, reason="before-restore")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    destination = sqlite3.connect(path)
    try:
        with destination:
            source.backup(destination)
    finally:
        source.close()
        destination.close()

"""An OS-level lock beside a dossier so that two Encaisse never write the same file at once."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import IO

from app.errors import DossierLocked
from app.i18n import _


def lock_path(dossier: Path) -> Path:
    return dossier.with_name(dossier.name + ".lock")


class WriteLock:
    """Held while a dossier is open for writing; released by the OS if the process dies."""

    def __init__(self, dossier: Path) -> None:
        self._path = lock_path(dossier)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = self._path.open("a+", encoding="utf-8")
        try:
            _lock(handle)
        except OSError as exc:
            holder = self._path.read_text(encoding="utf-8").strip() or "?"
            handle.close()
            raise DossierLocked(
                _("{path} is already open in another Encaisse ({holder}).").format(
                    path=self._path.with_suffix(""), holder=holder
                )
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} @ {socket.gethostname()}")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        self._file.close()  # closing the descriptor drops the lock
        self._file = None
        self._path.unlink(missing_ok=True)


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt  # Windows only; imported here because it does not exist elsewhere

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl  # POSIX only; imported here because it does not exist on Windows

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

"""SMTP passwords in the OS keyring only (one entry per dossier and account), or for the session when none exists."""

from __future__ import annotations

import contextlib

import keyring
import keyring.errors
from keyring.backends import fail

from app.i18n import _

SERVICE = "Encaisse"
_session: dict[str, str] = {}  # only when the OS has no keyring: forgotten when the program ends


def account(dossier_key: str, user: str) -> str:
    return f"{dossier_key}/{user}"


def keyring_available() -> bool:
    """False on e.g. a headless Linux without Secret Service: passwords can then be kept for the session only."""
    backend = keyring.get_keyring()
    return not isinstance(backend, fail.Keyring) and backend.priority > 0


def no_keyring_message() -> str:
    return _("This computer has no password store (keyring): the password is kept in memory until Encaisse is "
             "closed, and asked for again next time.")


def store_password(dossier_key: str, user: str, password: str) -> bool:
    """Keep the password; True when in the OS keyring, False when only for this session."""
    name = account(dossier_key, user)
    if keyring_available():
        try:
            keyring.set_password(SERVICE, name, password)
        except keyring.errors.KeyringError:
            pass
        else:
            _session.pop(name, None)
            return True
    _session[name] = password
    return False


def read_password(dossier_key: str, user: str) -> str | None:
    name = account(dossier_key, user)
    if name in _session:
        return _session[name]
    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError:
        return None


def forget_password(dossier_key: str, user: str) -> None:
    name = account(dossier_key, user)
    _session.pop(name, None)
    if keyring_available():
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(SERVICE, name)

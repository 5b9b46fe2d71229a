"""Known errors: problems of the user's environment or input, shown as one clear message (not bugs)."""

from __future__ import annotations


class KnownError(Exception):
    """An expected failure whose message is fit to show the user as it is."""


class DossierError(KnownError):
    """A dossier file cannot be created, opened or used."""


class DossierNotFound(DossierError):
    pass


class NotADossier(DossierError):
    pass


class DossierTooNew(DossierError):
    pass


class DossierCorrupt(DossierError):
    pass


class DossierLocked(DossierError):
    """Another Encaisse has the dossier open for writing."""


class DossierReadOnly(DossierError):
    """A change was attempted on a dossier opened read-only."""

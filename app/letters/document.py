"""One entry point for every kind of letter: plain letter data in, PDF bytes and their SHA-256 out."""

from __future__ import annotations

import hashlib

from app.letters.claim import render_claim
from app.letters.data import Fonts, LetterData, LetterKind
from app.letters.render import render_letter


def render_document(data: LetterData, fonts: Fonts | None = None) -> bytes:
    """The PDF of ``data``: the claim file with its exhibits merged, or the letter."""
    if data.kind is LetterKind.CLAIM:
        return render_claim(data, fonts)
    return render_letter(data, fonts)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()

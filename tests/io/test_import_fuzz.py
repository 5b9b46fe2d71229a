"""Hostile input: every import parser returns records and problems, or refuses the file with ImportRefused; nothing
else escapes (random bytes, truncated and mutated samples, wrong encodings)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.io.import_detect import decode_text, detect_kind
from app.io.import_einvoice import parse_einvoice
from app.io.import_fec import parse_fec
from app.io.import_records import ImportKind, ImportRefused, ParsedFile
from app.io.import_tabular import parse_tabular
from tests.conftest import SAMPLES

Parser = Callable[[bytes], ParsedFile]
PARSERS: dict[str, tuple[Parser, bytes]] = {
    "fec": (lambda data: parse_fec(data, "f.txt"),
            (SAMPLES / "fec" / "adams43360_fec_propre.txt").read_bytes()),
    "cii": (lambda data: parse_einvoice(data, "f.xml"),
            (SAMPLES / "cii" / "akretion_factur-x-en16931.xml").read_bytes()[:20000]),
    "ubl": (lambda data: parse_einvoice(data, "f.xml"),
            (SAMPLES / "ubl" / "akretion_ubl-21-en16931.xml").read_bytes()),
    "facturx": (lambda data: parse_einvoice(data, "f.pdf"),
                (SAMPLES / "facturx" / "OCA_Facture_FR_BASIC.pdf").read_bytes()),
    "csv": (lambda data: parse_tabular(data, "f.csv", ImportKind.CSV),
            (SAMPLES / "csv" / "invoiceninja_v4_invoice.csv").read_bytes()[:6000]),
    "xlsx": (lambda data: parse_tabular(data, "f.xlsx", ImportKind.XLSX),
             (SAMPLES / "xlsx" / "akaunting_invoices.xlsx").read_bytes()),
}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _survives(parser: Parser, data: bytes) -> None:
    try:
        parsed = parser(data)
    except ImportRefused as refused:
        assert str(refused)  # a message for the user, naming the file
        return
    for problem in parsed.problems:
        assert problem.ref.file and problem.message


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(name: str, data: bytes) -> None:
    parser, _sample = PARSERS[name]
    _survives(parser, data)


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(cut=st.floats(min_value=0, max_value=1))
def test_truncated_samples(name: str, cut: float) -> None:
    parser, sample = PARSERS[name]
    _survives(parser, sample[: int(len(sample) * cut)])


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(edits=st.lists(st.tuples(st.floats(min_value=0, max_value=0.999), st.binary(min_size=1, max_size=4)),
                      min_size=1, max_size=8))
def test_mutated_samples(name: str, edits: list[tuple[float, bytes]]) -> None:
    parser, sample = PARSERS[name]
    data = bytearray(sample)
    for where, what in edits:
        position = int(len(data) * where)
        data[position:position + len(what)] = what
    _survives(parser, bytes(data))


@pytest.mark.parametrize("name", ["fec", "csv", "cii", "ubl"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "cp1252", "iso-8859-15"])
def test_wrong_encodings(name: str, encoding: str) -> None:
    parser, sample = PARSERS[name]
    _survives(parser, sample.decode("utf-8", errors="replace").encode(encoding, errors="replace"))


@FUZZ
@given(data=st.binary(max_size=3000), filename=st.text(max_size=20))
def test_detection_and_decoding_never_raise(data: bytes, filename: str) -> None:
    kind = detect_kind(data, filename)
    assert kind is None or isinstance(kind, ImportKind)
    text, encoding = decode_text(data)
    assert isinstance(text, str) and encoding

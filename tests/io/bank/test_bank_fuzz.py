"""Bank parsers never raise on hostile input: random bytes, truncated and re-encoded samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.io.bank.reader import PARSERS, read_statement
from tests.conftest import SAMPLES

SAMPLE_FILES = sorted(p for folder in ("camt053", "cfonb", "ofx", "mt940") for p in (SAMPLES / folder).iterdir())
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=3000), kind=st.sampled_from(sorted(PARSERS)))
def test_random_bytes(data: bytes, kind: str) -> None:
    read_statement(data, "random.bin", kind)


@FUZZ
@given(path=st.sampled_from(SAMPLE_FILES), cut=st.floats(0, 1), kind=st.sampled_from([None, *sorted(PARSERS)]))
def test_truncated_samples(path: Path, cut: float, kind: str | None) -> None:
    data = path.read_bytes()
    read_statement(data[: int(len(data) * cut)], path.name, kind)


@FUZZ
@given(path=st.sampled_from(SAMPLE_FILES), position=st.integers(0, 10_000), junk=st.binary(min_size=1, max_size=40))
def test_spliced_junk(path: Path, position: int, junk: bytes) -> None:
    data = path.read_bytes()
    position %= len(data) + 1
    read_statement(data[:position] + junk + data[position:], path.name)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "latin-1"])
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_other_encodings(path: Path, encoding: str) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    read_statement(text.encode(encoding, errors="replace"), path.name)

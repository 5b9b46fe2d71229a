"""The FEC parse pauses the garbage collector only while it runs: on after a parse or a cancel, off if it was off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.io.import_fec import REPORT_EVERY, parse_fec
from app.io.import_records import ImportCancelled
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "fec" / "adh-studio_123456782FEC20251231.txt"


@pytest.fixture
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_restored")
def test_the_collector_is_on_again_after_a_parse_and_after_a_cancel() -> None:
    gc.enable()
    parsed = parse_fec(SAMPLE.read_bytes(), SAMPLE.name)
    assert parsed.invoices and gc.isenabled()
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]  # tab-separated
    bank = "\t".join(["BQ", "Banque", "B1", "20260105", "512000", "Banque"] + [""] * (header.count("\t") - 5))
    lines = [header] + [bank] * REPORT_EVERY  # the cancel is polled every REPORT_EVERY lines
    with pytest.raises(ImportCancelled):
        parse_fec("\n".join(lines).encode(), "cancelled.txt", cancelled=lambda: True)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    parse_fec(SAMPLE.read_bytes(), SAMPLE.name)
    assert not gc.isenabled()

"""The dossier's rate table: shipped half-years, a half-year added by the user, penalties computed from it."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from app.domain.penalties import late_interest
from app.services.rates import RateRow, list_rates, rate_table, save_rate
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace


def test_the_shipped_table_gives_the_reference_penalty(workspace: Workspace) -> None:
    rows = {row.semester_start: row for row in list_rates(workspace)}
    assert (rows[date(2025, 1, 1)].ecb_mro_bp, rows[date(2025, 7, 1)].ecb_mro_bp) == (315, 215)
    with workspace.dossier.reading() as session:
        table = rate_table(session)
    penalty = late_interest(120_000, date(2025, 6, 20), [(date(2025, 7, 20), 120_000)], date(2025, 12, 1), table)
    assert penalty.interest_cents == 1231  # legal-fr.md §A.6: 12,31 €


def test_a_new_half_year_is_added_then_corrected(workspace: Workspace) -> None:
    start = date(2027, 1, 1)
    assert save_rate(workspace, RateRow(start, 190, 250, 600))
    assert not save_rate(workspace, RateRow(start, 200, 250, 600))
    row = next(row for row in list_rates(workspace) if row.semester_start == start)
    assert (row.ecb_mro_bp, row.source) == (200, "corrigé par l'utilisateur")
    assert list_rates(workspace)[0].semester_start == start  # newest first


def test_an_impossible_half_year_or_rate_is_refused_and_nothing_changes(workspace: Workspace) -> None:
    before = list(sqlite3.connect(workspace.path).iterdump())
    with pytest.raises(ValidationFailed) as caught:
        save_rate(workspace, RateRow(date(2027, 3, 1), 21_500, None, None))
    assert {problem.field for problem in caught.value.problems} == {"semester_start", "ecb_mro_bp"}
    assert "1er janvier ou le 1er juillet" in str(caught.value)
    assert list(sqlite3.connect(workspace.path).iterdump()) == before

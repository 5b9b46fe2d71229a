"""The risk grades summed by the database for the À faire priority agree with app.domain.risk.assess."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain.risk import WINDOW_DAYS, assess
from app.models import Invoice
from app.services import cases
from app.services.next_steps_load import client_cases
from app.services.next_steps_risk import risk_grades, risk_sums
from app.services.queries import invoice_facts
from app.services.workspace import Workspace
from tests.services.ledger import Ledger


def test_sql_grades_agree_with_the_domain(workspace: Workspace) -> None:
    book = Ledger(workspace)
    book.client("LATE", "Retard SARL", credit_limit_cents=50_000)
    book.client("GOOD", "Bon SARL")
    book.client("MIXED", "Mixte SARL", credit_limit_cents=0)
    for index in range(6):
        month = index + 1
        late = book.invoice("LATE", f"L{month}", date(2026, month, 1), date(2026, month, 28), 40_000 + month)
        book.pay("LATE", date(2026, month + 2, 15), 40_000 + month, (late, 40_000 + month))
        good = book.invoice("GOOD", f"G{month}", date(2026, month, 1), date(2026, month, 28), 30_000)
        book.pay("GOOD", date(2026, month, 20), 30_000, (good, 30_000))
    mixed = book.invoice("MIXED", "M1", date(2025, 9, 1), date(2025, 10, 1), 90_000)
    book.pay("MIXED", date(2025, 12, 1), 30_000, (mixed, 30_000))
    written = book.invoice("MIXED", "M2", date(2026, 2, 1), date(2026, 3, 1), 20_000)
    book.pay("MIXED", date(2026, 3, 20), 5_000, (written, 5_000))
    cases.write_off(workspace, (written,), date(2026, 6, 1), "Faillite")
    book.invoice("LATE", "L9", date(2026, 9, 1), date(2026, 10, 1), 70_000)
    cases.open_dispute(workspace, (mixed,), "price", date(2026, 1, 10))
    as_of = date(2026, 11, 23)
    with workspace.dossier.reading() as session:
        loaded = client_cases(session, as_of, 3)
        ours = risk_grades(risk_sums(session, as_of), as_of, set(loaded), loaded)
        expected = {}
        for client_id in loaded:
            facts = invoice_facts(session, Invoice.client_id == client_id)
            disputes = 1 if loaded[client_id].code == "MIXED" else 0
            expected[client_id] = assess(facts, as_of, credit_limit_cents=loaded[client_id].credit_limit_cents,
                                         open_disputes=disputes, broken_promises=0).grade
        codes = {loaded[c].code: c for c in loaded}
        all_ids = set(session.scalars(select(Invoice.client_id)))
    assert set(codes) == {"LATE", "MIXED"}  # GOOD has nothing open
    assert ours == expected
    assert ours[codes["LATE"]] != "A" and WINDOW_DAYS == 365 and len(all_ids) == 3

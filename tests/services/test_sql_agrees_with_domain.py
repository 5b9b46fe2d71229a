"""The SQL that sums allocations for 200,000 invoices and the domain's per-invoice rules must agree."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import status
from app.services import reports
from app.services.clock import fixed_clock
from app.services.queries import invoice_facts
from app.services.workspace import create_workspace
from tests.conftest import COMPANY
from tests.services.ledger import Ledger

START = date(2026, 1, 1)

invoice_plans = st.lists(
    st.tuples(
        st.integers(0, 300),  # issue day offset
        st.integers(0, 90),  # payment terms
        st.integers(100, 500_000),  # amount in cents
        st.lists(st.tuples(st.integers(0, 200), st.integers(1, 100)), max_size=3),  # (days after issue, % paid)
    ),
    min_size=1, max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=invoice_plans, probe=st.integers(0, 400))
def test_open_amounts_agree(tmp_path_factory: object, plans: list[tuple[int, int, int, list[tuple[int, int]]]],
                            probe: int) -> None:
    folder: Path = tmp_path_factory.mktemp("agree")  # type: ignore[attr-defined]
    ws = create_workspace(folder / "agree.encaisse", COMPANY, clock=fixed_clock(START))
    try:
        book = Ledger(ws)
        book.client("A")
        for index, (issue_offset, terms, cents, paid) in enumerate(plans):
            issued = START + timedelta(days=issue_offset)
            invoice_id = book.invoice("A", f"F{index}", issued, issued + timedelta(days=terms), cents)
            left = cents
            for days_after, percent in paid:
                share = min(left, max(1, cents * percent // 100))
                if share <= 0:
                    break
                book.pay("A", issued + timedelta(days=days_after), share, (invoice_id, share))
                left -= share
        as_of = START + timedelta(days=probe)
        with ws.dossier.reading() as session:
            from_sql = sorted((item.due_date, item.open_cents) for item in reports.open_items(session, as_of))
            facts = invoice_facts(session)
        from_domain = sorted((item.due_date, item.open_cents) for fact in facts
                             if (item := status.open_item(fact, as_of)) is not None)
        assert from_sql == from_domain
        report = reports.aged_balance(ws, as_of)
        assert report.totals.total_cents == sum(cents for _due, cents in from_domain) == sum(report.totals.buckets)
    finally:
        ws.close()

"""A tiny builder of test ledgers through the real services (the AppHarness of the design notes)."""

from __future__ import annotations

from datetime import date

from app.domain.kinds import InvoiceKind
from app.services import clients, invoices, payments
from app.services.dto import AllocationInput, ClientInput, InvoiceInput, PaymentInput
from app.services.workspace import Workspace


class Ledger:
    """User-level verbs on a workspace; amounts in cents, dates explicit."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._clients: dict[str, int] = {}

    def client(self, code: str, name: str | None = None, **extra: object) -> int:
        client_id = clients.add_client(self.ws, ClientInput(account_code=code, name=name or code, **extra))  # type: ignore[arg-type]
        self._clients[code] = client_id
        return client_id

    def invoice(self, code: str, number: str, issued: date, due: date, cents: int,
                kind: InvoiceKind = InvoiceKind.INVOICE) -> int:
        return invoices.add_invoice(self.ws, InvoiceInput(
            number=number, client_id=self._clients[code], issue_date=issued, due_date=due,
            amount_incl_cents=cents, amount_excl_cents=cents * 5 // 6, kind=kind))

    def pay(self, code: str, on: date, cents: int, *allocations: tuple[int, int]) -> int:
        return payments.record_payment(self.ws, PaymentInput(
            client_id=self._clients[code], received_on=on, amount_cents=cents,
            allocations=tuple(AllocationInput(invoice_id, amount) for invoice_id, amount in allocations)))

"""SQLAlchemy models of a dossier file, its engine, migrations and backups."""

from app.models.base import Base, Cents
from app.models.cases import (
    Dispute,
    Instalment,
    PaymentPlan,
    Promise,
    dispute_invoices,
    plan_invoices,
    promise_invoices,
)
from app.models.clients import Client, Contact, Segment
from app.models.company import Company, Setting
from app.models.flows import InvoiceFlow, PaymentHabit, SettlementFlow
from app.models.history import Action, RecoveryCost, StoredDocument, action_invoices
from app.models.invoices import Allocation, Invoice, Payment
from app.models.ladders import Ladder, LadderStep
from app.models.outbox import OutboxMessage
from app.models.rates import LegalRate

__all__ = [
    "Action", "Allocation", "Base", "Cents", "Client", "Company", "Contact", "Dispute", "Instalment",
    "Invoice", "InvoiceFlow", "Ladder", "LadderStep", "LegalRate", "OutboxMessage", "Payment", "PaymentHabit",
    "PaymentPlan", "Promise", "RecoveryCost", "Segment", "Setting", "SettlementFlow", "StoredDocument",
    "action_invoices", "dispute_invoices", "plan_invoices", "promise_invoices",
]

"""How an invoice status is shown: a translated label and a colour."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.domain.records import InvoiceStatus
from app.i18n import N_, _

_LABELS: dict[InvoiceStatus, str] = {
    InvoiceStatus.WRITTEN_OFF: N_("Written off"),
    InvoiceStatus.PAID: N_("Paid"),
    InvoiceStatus.DISPUTED: N_("Disputed"),
    InvoiceStatus.PARTIALLY_PAID: N_("Partially paid"),
    InvoiceStatus.OVERDUE: N_("Overdue"),
    InvoiceStatus.NOT_DUE: N_("Not yet due"),
}

_COLOURS: dict[InvoiceStatus, str] = {
    InvoiceStatus.WRITTEN_OFF: "#757575",
    InvoiceStatus.PAID: "#2e7d32",
    InvoiceStatus.DISPUTED: "#8e24aa",
    InvoiceStatus.PARTIALLY_PAID: "#b26a00",
    InvoiceStatus.OVERDUE: "#b71c1c",
    InvoiceStatus.NOT_DUE: "#37474f",
}


def status_label(status: InvoiceStatus) -> str:
    return _(_LABELS[status])


def status_colour(status: InvoiceStatus) -> QColor:
    return QColor(_COLOURS[status])

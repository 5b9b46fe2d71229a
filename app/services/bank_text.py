"""Words for a bank match: why a proposal was made and how sure it is, for the view, the CLI and the preview."""

from __future__ import annotations

from app.domain.bank_rules import Confidence, MatchReason
from app.i18n import _
from app.services.bank_dto import Proposal


def confidence_text(confidence: Confidence) -> str:
    return {Confidence.HIGH: _("Sure"), Confidence.MEDIUM: _("Likely"), Confidence.LOW: _("Possible")}[confidence]


def reason_text(proposal: Proposal) -> str:
    """One sentence saying why this client and these invoices were proposed."""
    details = proposal.details
    numbers = ", ".join(invoice.number for invoice in proposal.invoices)
    if proposal.reason == MatchReason.INVOICE_NUMBER:
        text = _("Invoice number {numbers} in the label").format(numbers=", ".join(details.get("numbers", [])))
        return text if details.get("exact") else text + " " + _("(the amount differs)")
    if proposal.reason == MatchReason.EXACT_AMOUNT:
        text = _("Amount of invoice {number}").format(number=numbers)
        if details.get("score"):
            text += ", " + _("payer's name {score} % alike").format(score=details["score"])
        if details.get("candidates", 1) > 1:
            text += ", " + _("{count} open invoices have this amount").format(count=details["candidates"])
        return text
    if proposal.reason == MatchReason.INVOICE_SUM:
        return _("Sum of invoices {numbers}").format(numbers=numbers)
    if proposal.reason == MatchReason.CLIENT_TOTAL:
        return _("Everything the client owes ({numbers})").format(numbers=numbers)
    return _("Payer's name {score} % alike the client's").format(score=details.get("score", 0))

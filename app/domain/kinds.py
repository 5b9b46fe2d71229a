"""Closed vocabularies shared by every layer: kinds of documents, payments, actions and channels."""

from __future__ import annotations

import enum


class InvoiceKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class PaymentMethod(enum.StrEnum):
    TRANSFER = "transfer"  # virement
    CHEQUE = "cheque"
    CARD = "card"
    DIRECT_DEBIT = "direct_debit"  # prélèvement
    LCR = "lcr"  # lettre de change relevé
    CASH = "cash"  # espèces


class Source(enum.StrEnum):
    """Where a record came from; with its external key it makes re-imports idempotent."""

    MANUAL = "manual"
    CSV = "csv"
    XLSX = "xlsx"
    FEC = "fec"
    FACTURX = "facturx"
    UBL = "ubl"
    BANK = "bank"
    DEMO = "demo"


class Language(enum.StrEnum):
    FR = "fr"
    EN = "en"


class Channel(enum.StrEnum):
    """How a ladder step reaches the client."""

    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    REGISTERED_LETTER = "registered_letter"  # LRAR, the mise en demeure
    JUDICIAL = "judicial"


class OffsetBase(enum.StrEnum):
    """What a ladder step's offset counts from."""

    DUE_DATE = "due_date"
    PREVIOUS_STEP = "previous_step"


class Tone(enum.StrEnum):
    COURTEOUS = "courteous"
    FIRM = "firm"
    FORMAL = "formal"


class ActionKind(enum.StrEnum):
    """Entries of the append-only history."""

    REMINDER = "reminder"
    PAYMENT = "payment"
    CREDIT_APPLIED = "credit_applied"
    LETTER = "letter"
    CALL = "call"
    FORMAL_NOTICE = "formal_notice"
    PROMISE = "promise"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_RESOLVED = "dispute_resolved"
    PLAN = "plan"
    NOTE = "note"
    POSTPONED = "postponed"
    SKIPPED = "skipped"
    WRITE_OFF = "write_off"
    AGENCY = "agency"
    COURT = "court"
    CORRECTION = "correction"
    FOLLOW_UP = "follow_up"  # a task: call back on a date, chosen from a call outcome
    DELIVERY = "delivery"  # a registered letter's presentation / receipt dates, recorded later


class DisputeReason(enum.StrEnum):
    """The reasons a new dossier starts with; the list is editable, so a stored reason may be any text."""

    PRICE = "price"
    QUANTITY = "quantity"
    QUALITY = "quality"
    NOT_RECEIVED = "not_received"
    ALREADY_PAID = "already_paid"
    OTHER = "other"


class DisputeOutcome(enum.StrEnum):
    CREDIT_NOTE = "credit_note"
    PAID = "paid"
    REJECTED = "rejected"


class CostKind(enum.StrEnum):
    POSTAGE = "postage"
    REGISTERED_LETTER = "registered_letter"
    BAILIFF = "bailiff"
    AGENCY_FEE = "agency_fee"
    TIME = "time"
    OTHER = "other"


class CallOutcome(enum.StrEnum):
    """What a reminder call gave; some outcomes create a promise, a dispute or a follow-up task directly."""

    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    PROMISE = "promise"
    DISPUTE = "dispute"
    NOT_RECEIVED = "not_received"  # facture non reçue: a copy is to be sent
    ALREADY_PAID = "already_paid"
    CALL_BACK = "call_back"  # rappeler le…


class SuggestionKind(enum.StrEnum):
    """What a suggestion of the "À faire" list asks for."""

    STEP = "step"  # the next step of the client's ladder
    FOLLOW_UP = "follow_up"  # a call back agreed earlier
    DELIVERY = "delivery"  # record a registered letter's presentation / receipt dates
    INJUNCTION = "injunction"  # injonction de payer (undisputed claim)
    SMALL_CLAIM = "small_claim"  # procédure simplifiée de recouvrement des petites créances
    AGENCY = "agency"  # hand the claim over to a collection agency


class OutboxState(enum.StrEnum):
    """An e-mail's way through the outbox: queued → sending → sent, or failed (refused for good)."""

    QUEUED = "queued"
    SENDING = "sending"  # committed before the SMTP transaction: found here after a crash, it may have gone
    SENT = "sent"
    FAILED = "failed"

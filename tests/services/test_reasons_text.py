"""Every reason and warning renders as one sentence, in French and in English, with amounts and dates formatted."""

from __future__ import annotations

import pytest

from app.domain.kinds import SuggestionKind
from app.i18n import set_language
from app.services.reasons_text import describe, kind_label
from app.services.todo_dto import Reason, ReasonCode

PARAMS: dict[ReasonCode, dict[str, str | int]] = {
    ReasonCode.STEP_REACHED: {"step_name": "Première relance", "offset_days": 5, "since": "2026-02-05"},
    ReasonCode.DAYS_LATE: {"days": 1, "number": "F1"},
    ReasonCode.AMOUNT: {"cents": 123_456},
    ReasonCode.CREDITS_DEDUCTED: {"cents": 5_000},
    ReasonCode.PREVIOUS_ACTION: {"label": "letter", "kind": "letter", "on": "2026-02-15"},
    ReasonCode.BACKLOG: {"step_name": "Relance ferme et appel"},
    ReasonCode.CAUGHT_UP: {"since": "2026-02-05"},
    ReasonCode.BROKEN_PROMISE: {"promised_on": "2026-03-01", "cents": 50_000},
    ReasonCode.MISSED_INSTALMENT: {"due_on": "2026-03-10", "cents": 20_000},
    ReasonCode.POSTPONEMENT_OVER: {"until": "2026-03-12"},
    ReasonCode.FOLLOW_UP_DUE: {"on": "2026-03-05", "note": "Demander la comptable"},
    ReasonCode.NOTICE_UNANSWERED: {"sent_on": "2026-03-17", "deadline": "2026-03-27"},
    ReasonCode.NOTICE_UNDELIVERED: {"sent_on": "2026-03-17", "lrar": "1A 123"},
    ReasonCode.UNDISPUTED_CLAIM: {},
    ReasonCode.UNDER_SMALL_CLAIM_CEILING: {"cents": 120_000, "ceiling_cents": 500_000},
    ReasonCode.BANK_STALE: {"last_import": "2026-03-01", "days": 5},
    ReasonCode.PRESCRIPTION_NEAR: {"number": "F1", "on": "2029-03-01", "count": 3},
    ReasonCode.NEEDS_REVIEW: {},
    ReasonCode.OVER_CREDIT_LIMIT: {"cents": 800_000, "limit_cents": 700_000},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_code_renders(language: str) -> None:
    set_language(language)
    assert set(PARAMS) == set(ReasonCode)
    for code, params in PARAMS.items():
        text = describe(Reason(code, params))
        assert text and "{" not in text, code
    for kind in SuggestionKind:
        assert kind_label(kind)


def test_french_sentences() -> None:
    set_language("fr")
    assert describe(Reason(ReasonCode.STEP_REACHED, PARAMS[ReasonCode.STEP_REACHED])) == (
        "L'étape « Première relance » (5 jours après l'échéance) est due depuis le 05/02/2026.")
    assert describe(Reason(ReasonCode.DAYS_LATE, PARAMS[ReasonCode.DAYS_LATE])) == "La facture F1 a 1 jour de retard."
    assert describe(Reason(ReasonCode.AMOUNT, PARAMS[ReasonCode.AMOUNT])) == "Montant réclamé : 1\u202f234,56\xa0€."
    assert describe(Reason(ReasonCode.PREVIOUS_ACTION, PARAMS[ReasonCode.PREVIOUS_ACTION])) == (
        "Action précédente : lettre de relance le 15/02/2026.")
    assert describe(Reason(ReasonCode.PRESCRIPTION_NEAR, PARAMS[ReasonCode.PRESCRIPTION_NEAR])).endswith(
        "2 autres factures en sont proches.")
    assert describe(Reason(ReasonCode.BANK_STALE, {"last_import": "", "days": 5})) == (
        "Aucun relevé bancaire n'a été importé : le client a peut-être déjà payé.")


def test_english_sentences() -> None:
    set_language("en")
    assert describe(Reason(ReasonCode.STEP_REACHED, {"step_name": "Courtesy", "offset_days": -5,
                                                     "since": "2026-01-26"})) == (
        "Step “Courtesy” (5 days before the due date) is due since 26/01/2026.")
    assert describe(Reason(ReasonCode.OVER_CREDIT_LIMIT, PARAMS[ReasonCode.OVER_CREDIT_LIMIT])) == (
        "Balance €8,000.00 is over the credit limit of €7,000.00.")

"""The fixed wording of letters (headings, table columns, legal mentions) in French and English.

Not gettext: a letter is written in the client's language whatever the interface's, and these are part of the
document like its templates.
"""

from __future__ import annotations

from app.letters.data import LetterKind

FR: dict[str, str] = {
    "page": "Page {page} / {pages}",
    "lrar": "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION",
    "notice_title": "MISE EN DEMEURE DE PAYER",
    "place_date": "{city}, le {date}",
    "date_only": "Le {date}",
    "object": "Objet :",
    "client_ref": "Votre compte client : {code}",
    "attention": "À l'attention de {name}",
    "siren": "SIREN {siren}",
    "vat": "TVA {vat}",
    "creditor": "Créancier",
    "debtor": "Débiteur",
    "col_number": "Facture",
    "col_date": "Date",
    "col_due": "Échéance",
    "col_amount": "Montant TTC",
    "col_paid": "Réglé",
    "col_open": "Reste dû",
    "col_late": "Jours de retard",
    "total_overdue": "Total des factures échues",
    "credits_title": "Avoirs et paiements non encore imputés",
    "credit_note": "Avoir {reference}",
    "payment": "Paiement {reference}",
    "col_reference": "Référence",
    "col_credit": "Montant",
    "claimed": "Montant net réclamé",
    "previous_title": "Nos relances précédentes",
    "penalties_title": "Pénalités de retard et indemnité forfaitaire",
    "col_period": "Période",
    "col_days": "Jours",
    "col_base": "Base",
    "col_rate": "Taux annuel",
    "col_interest": "Intérêts",
    "indemnity_line": "Indemnité forfaitaire pour frais de recouvrement (art. D441-5 C. com.)",
    "period": "du {start} au {end}",
    "principal": "Principal (factures échues, net des avoirs et paiements)",
    "interest_total": "Intérêts de retard au {date}",
    "indemnity_total": "Indemnités forfaitaires ({count} × 40,00 €)",
    "total_due": "Total dû",
    "penalties_total": "Total des pénalités et indemnités",
    "done_at": "Fait à {city}, le {date}",
    "channel_email": "par e-mail", "channel_letter": "par courrier", "channel_phone": "par téléphone",
    "channel_registered_letter": "par lettre recommandée AR", "channel_judicial": "voie judiciaire",
    "deadline": "Délai de paiement : au plus tard le {date} ({days} jours à compter de la présente).",
    "basis_statutory": "Taux BCE + 10 points (art. L441-10 C. com.)",
    "basis_contractual": "Taux contractuel (conditions générales de vente)",
    "basis_legal": "Taux de l'intérêt légal (art. 1231-6 et 1344-1 C. civ.)",
    "legal_b2b": ("Fondement : article L441-10 du Code de commerce (pénalités de retard dues de plein droit dès le "
                  "lendemain de l'échéance, au taux de la BCE majoré de 10 points, calculées par semestre) et "
                  "article D441-5 du Code de commerce (indemnité forfaitaire de 40 € par facture payée en retard)."),
    "legal_consumer": ("Fondement : articles 1231-6 et 1344-1 du Code civil : les sommes dues portent intérêts au "
                       "taux légal à compter de la présente mise en demeure."),
    "pay_title": "Règlement par virement",
    "pay_iban": "IBAN : {iban}",
    "pay_bic": "BIC : {bic}",
    "pay_amount": "Montant : {amount}",
    "pay_reference": "Référence à indiquer : {reference}",
    "pay_qr": "Scannez ce code avec votre application bancaire (QR code EPC / GiroCode).",
    "statement_title": "Relevé de compte au {date}",
    "col_kind": "Pièce",
    "col_status": "Situation",
    "not_due": "non échue",
    "late_days": "{days} j de retard",
    "balance": "Solde en notre faveur",
    "plan_title": "Accord d'échéancier de paiement",
    "col_instalment": "Échéance n°",
    "col_due_on": "Date",
    "plan_invoices": "Factures concernées : {numbers}",
    "plan_total": "Total de l'échéancier",
    "sign_creditor": "Pour le créancier",
    "sign_debtor": "Pour le débiteur\n(date, « lu et approuvé », signature)",
    "claim_title": "Requête en injonction de payer — dossier de pièces",
    "claim_parties": "Parties",
    "claim_amounts": "Sommes réclamées",
    "claim_court": "Juridiction",
    "court_commercial": ("Président du tribunal de commerce du siège du débiteur (formulaire cerfa n° 12946, "
                         "dépôt possible en ligne)."),
    "court_civil": "Tribunal judiciaire du domicile du débiteur (formulaire cerfa n° 12948).",
    "timeline_title": "Chronologie des démarches",
    "col_action": "Démarche",
    "col_summary": "Détail",
    "col_document": "Pièce",
    "exhibits_title": "Bordereau des pièces communiquées",
    "exhibit": "Pièce n° {number}",
    "not_merged": "(format {mime} : non joint à ce PDF)",
    "interest_from": "Intérêts au taux légal à compter de la mise en demeure du {date}",
    "representative": "Représentant légal : {name}, {title}",
    "signature": "{name}\n{title}",
    "kind_reminder": "Relance",
    "kind_letter": "Lettre",
    "kind_formal_notice": "Mise en demeure",
    "kind_call": "Appel",
    "kind_other": "Événement",
    "no_iban": "Règlement : par virement sur le compte habituel de {name}.",
}

EN: dict[str, str] = {
    "page": "Page {page} / {pages}",
    "lrar": "REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT",
    "notice_title": "FORMAL NOTICE TO PAY",
    "place_date": "{city}, {date}",
    "date_only": "{date}",
    "object": "Subject:",
    "client_ref": "Your customer account: {code}",
    "attention": "For the attention of {name}",
    "siren": "SIREN {siren}",
    "vat": "VAT {vat}",
    "creditor": "Creditor",
    "debtor": "Debtor",
    "col_number": "Invoice",
    "col_date": "Date",
    "col_due": "Due date",
    "col_amount": "Amount incl. VAT",
    "col_paid": "Paid",
    "col_open": "Outstanding",
    "col_late": "Days overdue",
    "total_overdue": "Total of overdue invoices",
    "credits_title": "Credit notes and payments not yet allocated",
    "credit_note": "Credit note {reference}",
    "payment": "Payment {reference}",
    "col_reference": "Reference",
    "col_credit": "Amount",
    "claimed": "Net amount claimed",
    "previous_title": "Our previous reminders",
    "penalties_title": "Late-payment interest and fixed recovery indemnity",
    "col_period": "Period",
    "col_days": "Days",
    "col_base": "Base",
    "col_rate": "Annual rate",
    "col_interest": "Interest",
    "indemnity_line": "Fixed recovery indemnity (French Commercial Code, art. D441-5)",
    "period": "{start} to {end}",
    "principal": "Principal (overdue invoices, net of credits and payments)",
    "interest_total": "Late-payment interest as of {date}",
    "indemnity_total": "Fixed indemnities ({count} × €40.00)",
    "total_due": "Total due",
    "penalties_total": "Total interest and indemnities",
    "done_at": "Done at {city} on {date}",
    "channel_email": "by e-mail", "channel_letter": "by post", "channel_phone": "by phone",
    "channel_registered_letter": "by registered letter", "channel_judicial": "court step",
    "deadline": "Payment deadline: {date} at the latest ({days} days from this letter).",
    "basis_statutory": "ECB rate + 10 points (art. L441-10 French Commercial Code)",
    "basis_contractual": "Contractual rate (general terms of sale)",
    "basis_legal": "French statutory interest rate (Civil Code art. 1231-6 and 1344-1)",
    "legal_b2b": ("Legal basis: article L441-10 of the French Commercial Code (late-payment interest due by right "
                  "from the day after the due date, at the ECB rate plus 10 points, per half-year) and article "
                  "D441-5 (fixed recovery indemnity of €40 per invoice paid late)."),
    "legal_consumer": ("Legal basis: articles 1231-6 and 1344-1 of the French Civil Code: the sums due bear interest "
                       "at the statutory rate from this formal notice."),
    "pay_title": "Payment by bank transfer",
    "pay_iban": "IBAN: {iban}",
    "pay_bic": "BIC: {bic}",
    "pay_amount": "Amount: {amount}",
    "pay_reference": "Reference to quote: {reference}",
    "pay_qr": "Scan this code with your banking app (EPC QR code / GiroCode).",
    "statement_title": "Statement of account as of {date}",
    "col_kind": "Document",
    "col_status": "Status",
    "not_due": "not yet due",
    "late_days": "{days} days overdue",
    "balance": "Balance in our favour",
    "plan_title": "Payment plan agreement",
    "col_instalment": "Instalment",
    "col_due_on": "Date",
    "plan_invoices": "Invoices covered: {numbers}",
    "plan_total": "Total of the plan",
    "sign_creditor": "For the creditor",
    "sign_debtor": "For the debtor\n(date, “read and approved”, signature)",
    "claim_title": "Application for an order for payment (injonction de payer) — file",
    "claim_parties": "Parties",
    "claim_amounts": "Sums claimed",
    "claim_court": "Court",
    "court_commercial": ("President of the commercial court of the debtor's registered office (form cerfa "
                         "no. 12946, may be filed online)."),
    "court_civil": "Judicial court of the debtor's domicile (form cerfa no. 12948).",
    "timeline_title": "Timeline of the steps taken",
    "col_action": "Step",
    "col_summary": "Details",
    "col_document": "Exhibit",
    "exhibits_title": "List of exhibits",
    "exhibit": "Exhibit no. {number}",
    "not_merged": "({mime} file: not included in this PDF)",
    "interest_from": "Interest at the statutory rate from the formal notice of {date}",
    "representative": "Legal representative: {name}, {title}",
    "signature": "{name}\n{title}",
    "kind_reminder": "Reminder",
    "kind_letter": "Letter",
    "kind_formal_notice": "Formal notice",
    "kind_call": "Call",
    "kind_other": "Event",
    "no_iban": "Payment: by bank transfer to {name}'s usual account.",
}

LABELS = {"fr": FR, "en": EN}
ACTION_KIND_KEYS = {"reminder": "kind_reminder", "letter": "kind_letter", "formal_notice": "kind_formal_notice",
                    "call": "kind_call"}
ACTION_KINDS_FR = {
    "payment": "Paiement", "credit_applied": "Avoir imputé", "promise": "Promesse de paiement",
    "dispute_opened": "Litige ouvert", "dispute_resolved": "Litige clos", "plan": "Échéancier", "note": "Note",
    "postponed": "Reportée", "skipped": "Étape passée", "write_off": "Passage en perte", "agency": "Agence",
    "court": "Procédure judiciaire", "correction": "Correction", "follow_up": "Rappel prévu",
    "delivery": "Distribution LRAR",
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, FR)


def action_label(kind: str, language: str) -> str:
    """The name of a history entry's kind in the letter's language."""
    key = ACTION_KIND_KEYS.get(kind)
    if key is not None:
        return labels(language)[key]
    if language == "fr" and kind in ACTION_KINDS_FR:
        return ACTION_KINDS_FR[kind]
    return kind.replace("_", " ").capitalize()


def kind_title(kind: LetterKind, language: str) -> str:
    """The document's name, used in file names and the claim file's list of exhibits."""
    french = {LetterKind.REMINDER1: "Première relance", LetterKind.REMINDER2: "Deuxième relance",
              LetterKind.REMINDER3: "Dernière relance avant mise en demeure", LetterKind.NOTICE: "Mise en demeure",
              LetterKind.STATEMENT: "Relevé de compte", LetterKind.PLAN: "Accord d'échéancier",
              LetterKind.CLAIM: "Dossier d'injonction de payer"}
    english = {LetterKind.REMINDER1: "First reminder", LetterKind.REMINDER2: "Second reminder",
               LetterKind.REMINDER3: "Final reminder before formal notice", LetterKind.NOTICE: "Formal notice",
               LetterKind.STATEMENT: "Statement of account", LetterKind.PLAN: "Payment plan agreement",
               LetterKind.CLAIM: "Order for payment claim file"}
    return (english if language == "en" else french)[kind]

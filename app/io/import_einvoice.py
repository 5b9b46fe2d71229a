"""Electronic invoices: Factur-X / ZUGFeRD PDFs (embedded CII), CII and UBL XML → one invoice and its buyer.

XML is read with defusedxml (no DTD, no external entities, no entity expansion). Elements are found by
local name, so every CII version (ZUGFeRD 1.0's CrossIndustryDocument included) and UBL 2.x read alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from io import BytesIO
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from stdnum.fr import siren as stdnum_siren

from app.i18n import _
from app.io.import_records import (
    ClientRecord,
    ImportKind,
    ImportRefused,
    InvoiceRecord,
    ParsedFile,
    RowProblem,
    SellerRecord,
    SourceRef,
)

# Embedded file names, most specific first (Factur-X, ZUGFeRD 2.x, ZUGFeRD 1.0, XRechnung in a PDF).
EMBEDDED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "zugferd-invoice.xml", "xrechnung.xml")
CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}
MAX_XML_BYTES = 20 * 1024 * 1024


class _Missing(ValueError):
    """A mandatory element is absent or unreadable: (message, element)."""


def parse_einvoice(data: bytes, file: str) -> ParsedFile:
    """One e-invoice from a Factur-X PDF or a CII / UBL XML file; refuses what it cannot read, naming the file."""
    is_pdf = b"%PDF-" in data[:1024]
    xml = _embedded_xml(data, file) if is_pdf else data
    root = _parse_xml(xml, file)
    name = _local(root.tag)
    if name in ("CrossIndustryInvoice", "CrossIndustryDocument"):
        reader: _Reader = _CiiReader(root, file)
    elif name in ("Invoice", "CreditNote"):
        reader = _UblReader(root, file)
    else:
        raise ImportRefused(_("{file}: <{name}> is not a CII or UBL invoice.").format(file=file, name=name))
    kind = ImportKind.FACTURX if is_pdf else (ImportKind.CII if isinstance(reader, _CiiReader) else ImportKind.UBL)
    seller = reader.seller()
    try:
        client, invoice, notes = reader.read()
    except _Missing as exc:
        problem = RowProblem(SourceRef(file), exc.args[1], exc.args[0])
        return ParsedFile(kind, file, problems=(problem,), seller=seller)
    invoice = invoice._replace(original=data, original_filename=file)
    return ParsedFile(kind, file, (client,), (invoice,), notes=tuple(notes), seller=seller)


def _embedded_xml(data: bytes, file: str) -> bytes:
    """The invoice XML attached to a PDF/A-3, by its standard name (any .xml attachment as a last resort)."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged xref tables are repaired, not worth a warning
    # A damaged PDF fails inside pypdf with any exception type (zlib, struct, recursion…): all mean "unreadable".
    try:
        attachments = {name.lower(): contents for name, contents in PdfReader(BytesIO(data)).attachments.items()}
    except Exception as exc:
        raise ImportRefused(_("{file} is not a readable PDF: {error}").format(file=file, error=exc)) from exc
    names = [name for name in EMBEDDED_NAMES if name in attachments]
    names += sorted(name for name in attachments if name.endswith(".xml"))
    for name in names:
        if attachments[name]:
            return bytes(attachments[name][0])
    raise ImportRefused(_("{file} is a PDF without an embedded invoice (not a Factur-X / ZUGFeRD file).").format(
        file=file))


def _parse_xml(xml: bytes, file: str) -> Element:
    if len(xml) > MAX_XML_BYTES:
        raise ImportRefused(_("{file}: the invoice XML is larger than 20 MB.").format(file=file))
    try:
        root: Element = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportRefused(_("{file}: the XML declares a DTD or entities, refused for safety ({error}).").format(
            file=file, error=type(exc).__name__)) from exc
    except (ParseError, ValueError, UnicodeError) as exc:
        raise ImportRefused(_("{file}: not well-formed XML ({error}).").format(file=file, error=exc)) from exc
    return root


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element | None, name: str) -> Iterator[Element]:
    if element is None:
        return
    names = name.split("|")
    for child in element:
        if _local(child.tag) in names:
            yield child


def _at(element: Element | None, path: str) -> Element | None:
    """The first element along ``path`` of local names ("A/B|C/D"), or None."""
    for step in path.split("/"):
        element = next(_children(element, step), None)
        if element is None:
            return None
    return element


def _text(element: Element | None, path: str = "") -> str:
    found = _at(element, path) if path else element
    return " ".join((found.text or "").split()) if found is not None else ""


def _cents(text: str, name: str) -> int:
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
        if not value.is_finite() or abs(value) >= Decimal(10) ** 13:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise _Missing(_("“{value}” is not an amount.").format(value=text), name) from None
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _date(text: str, name: str) -> date:
    digits = re.sub(r"\D", "", text)[:8]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise _Missing(_("“{value}” is not a date.").format(value=text), name) from None


def _siren_of(legal_id: str, scheme: str, vat: str, country: str) -> str:
    digits = re.sub(r"\D", "", legal_id)
    if (scheme in ("0002", "") and len(digits) == 9) or (scheme == "0009" and len(digits) == 14):
        return digits[:9]
    if len(digits) == 14 and country in ("", "FR"):
        return digits[:9]
    compact = vat.replace(" ", "").upper()
    if compact.startswith("FR") and len(compact) == 13 and compact[4:].isdigit():
        return compact[4:]
    return ""


class _Reader:
    """Reads one invoice document; subclasses know where CII and UBL keep each business term."""

    def __init__(self, root: Element, file: str) -> None:
        self.root, self.file = root, file
        self.notes: list[str] = []

    def read(self) -> tuple[ClientRecord, InvoiceRecord, list[str]]:
        raise NotImplementedError

    def seller(self) -> SellerRecord:
        raise NotImplementedError

    @staticmethod
    def seller_record(name: str, legal: Element | None, vat: str, country: str) -> SellerRecord:
        vat = vat.replace(" ", "").upper()
        scheme = legal.get("schemeID", "") if legal is not None else ""
        return SellerRecord(name[:200], _siren_of(_text(legal), scheme, vat, country), vat[:20])

    def client(self, name: str, legal_id: str, scheme: str, vat: str, address: tuple[str, str, str, str, str],
               email: str) -> ClientRecord:
        vat = vat.replace(" ", "").upper()
        siren = _siren_of(legal_id, scheme, vat, address[4])
        if siren and not stdnum_siren.is_valid(siren):
            self.notes.append(_("{file}: the buyer's SIREN {siren} fails its check digit (test data?).").format(
                file=self.file, siren=siren))
        if not name:
            raise _Missing(_("The buyer has no name."), "BuyerName")
        key = f"siren:{siren}" if siren else (f"vat:{vat}" if vat else f"name:{name.casefold()}")
        line1, line2, postcode, city, country = address
        return ClientRecord(SourceRef(self.file), key, name[:200], siren=siren, vat_number=vat[:20],
                            address_line1=line1[:200], address_line2=line2[:200], postcode=postcode[:12],
                            city=city[:100], country=country[:2], email=email[:200])

    def invoice(self, client: ClientRecord, number: str, type_code: str, issued: date, due: date | None,
                totals: tuple[str, str, str], currency: str, reference: str) -> InvoiceRecord:
        if not number:
            raise _Missing(_("The invoice has no number."), "ID")
        grand, excl, payable = totals
        amount = _cents(grand or payable, "GrandTotalAmount")
        credit = type_code in CREDIT_NOTE_CODES or _local(self.root.tag) == "CreditNote" or amount < 0
        amount = abs(amount)
        if amount == 0:
            raise _Missing(_("The invoice total is zero."), "GrandTotalAmount")
        due_cents = abs(_cents(payable, "DuePayableAmount")) if payable else None
        if due_cents is not None and due_cents != amount:
            self.notes.append(_("{file}: amount due {due} differs from the total (prepaid part).").format(
                file=self.file, due=f"{Decimal(due_cents) / 100:.2f}"))
        excl_cents = abs(_cents(excl, "TaxBasisTotalAmount")) if excl else None
        if due is not None and due < issued:
            due = None  # the import then takes the payment terms, and its preview says so
        return InvoiceRecord(SourceRef(self.file), number[:60], client.key, issued, amount, due_date=due,
                             amount_excl_cents=excl_cents if excl_cents is not None and excl_cents <= amount else None,
                             currency=(currency or "EUR")[:3], is_credit_note=credit, external_key=number[:120],
                             amount_due_cents=due_cents, payment_reference=reference[:120])


class _CiiReader(_Reader):
    """UN/CEFACT Cross Industry Invoice (Factur-X, ZUGFeRD 2.x) and ZUGFeRD 1.0's CrossIndustryDocument."""

    def read(self) -> tuple[ClientRecord, InvoiceRecord, list[str]]:
        document = _at(self.root, "ExchangedDocument|HeaderExchangedDocument")
        transaction = _at(self.root, "SupplyChainTradeTransaction|SpecifiedSupplyChainTradeTransaction")
        agreement = _at(transaction, "ApplicableHeaderTradeAgreement|ApplicableSupplyChainTradeAgreement")
        settlement = _at(transaction, "ApplicableHeaderTradeSettlement|ApplicableSupplyChainTradeSettlement")
        profile = _text(self.root, "ExchangedDocumentContext|SpecifiedExchangedDocumentContext/"
                                   "GuidelineSpecifiedDocumentContextParameter/ID")
        if profile:
            self.notes.append(_("{file}: profile {profile}.").format(file=self.file, profile=profile))
        buyer = _at(agreement, "BuyerTradeParty")
        client = self.buyer(buyer)
        issued_text = _text(document, "IssueDateTime/DateTimeString")
        if not issued_text:
            raise _Missing(_("The invoice has no issue date."), "IssueDateTime")
        due_text = _text(settlement, "SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString")
        sums = _at(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation|"
                               "SpecifiedTradeSettlementMonetarySummation")
        totals = (_text(sums, "GrandTotalAmount"), _text(sums, "TaxBasisTotalAmount"), _text(sums, "DuePayableAmount"))
        invoice = self.invoice(client, _text(document, "ID"), _text(document, "TypeCode"),
                               _date(issued_text, "IssueDateTime"), _date(due_text, "DueDateDateTime")
                               if due_text else None, totals, _text(settlement, "InvoiceCurrencyCode"),
                               _text(settlement, "PaymentReference"))
        return client, invoice, self.notes

    def seller(self) -> SellerRecord:
        party = _at(self.root, "SupplyChainTradeTransaction|SpecifiedSupplyChainTradeTransaction/"
                               "ApplicableHeaderTradeAgreement|ApplicableSupplyChainTradeAgreement/SellerTradeParty")
        vat = next((_text(found) for tax in _children(party, "SpecifiedTaxRegistration")
                    if (found := _at(tax, "ID")) is not None and found.get("schemeID", "VA") == "VA"), "")
        return self.seller_record(_text(party, "Name"), _at(party, "SpecifiedLegalOrganization/ID"), vat,
                                  _text(party, "PostalTradeAddress/CountryID"))

    def buyer(self, party: Element | None) -> ClientRecord:
        if party is None:
            raise _Missing(_("The invoice has no buyer."), "BuyerTradeParty")
        legal = _at(party, "SpecifiedLegalOrganization/ID")
        vat = next((_text(found) for tax in _children(party, "SpecifiedTaxRegistration")
                    if (found := _at(tax, "ID")) is not None and found.get("schemeID", "VA") == "VA"), "")
        postal = _at(party, "PostalTradeAddress")
        address = (_text(postal, "LineOne"), _text(postal, "LineTwo"), _text(postal, "PostcodeCode"),
                   _text(postal, "CityName"), _text(postal, "CountryID"))
        email = _text(party, "URIUniversalCommunication/URIID") or _text(
            party, "DefinedTradeContact/EmailURIUniversalCommunication/URIID")
        return self.client(_text(party, "Name"), _text(legal), legal.get("schemeID", "") if legal is not None else "",
                           vat, address, email)


class _UblReader(_Reader):
    """OASIS UBL 2.x Invoice and CreditNote."""

    def read(self) -> tuple[ClientRecord, InvoiceRecord, list[str]]:
        root = self.root
        party = _at(root, "AccountingCustomerParty/Party")
        client = self.buyer(party)
        issued_text = _text(root, "IssueDate")
        if not issued_text:
            raise _Missing(_("The invoice has no issue date."), "IssueDate")
        due_text = _text(root, "DueDate") or _text(root, "PaymentMeans/PaymentDueDate")
        sums = _at(root, "LegalMonetaryTotal")
        totals = (_text(sums, "TaxInclusiveAmount"), _text(sums, "TaxExclusiveAmount"), _text(sums, "PayableAmount"))
        type_code = _text(root, "InvoiceTypeCode") or _text(root, "CreditNoteTypeCode")
        invoice = self.invoice(client, _text(root, "ID"), type_code, _date(issued_text, "IssueDate"),
                               _date(due_text, "DueDate") if due_text else None, totals,
                               _text(root, "DocumentCurrencyCode"), _text(root, "PaymentMeans/PaymentID"))
        return client, invoice, self.notes

    def seller(self) -> SellerRecord:
        party = _at(self.root, "AccountingSupplierParty/Party")
        name = _text(party, "PartyLegalEntity/RegistrationName") or _text(party, "PartyName/Name")
        schemes = list(_children(party, "PartyTaxScheme"))  # VAT, and in some countries a tax number ("FC")
        vat = next((_text(scheme, "CompanyID") for scheme in schemes if _text(scheme, "TaxScheme/ID") == "VAT"), "")
        return self.seller_record(name, _at(party, "PartyLegalEntity/CompanyID"), vat,
                                  _text(party, "PostalAddress/Country/IdentificationCode"))

    def buyer(self, party: Element | None) -> ClientRecord:
        if party is None:
            raise _Missing(_("The invoice has no buyer."), "AccountingCustomerParty")
        legal = _at(party, "PartyLegalEntity/CompanyID")
        name = _text(party, "PartyLegalEntity/RegistrationName") or _text(party, "PartyName/Name")
        postal = _at(party, "PostalAddress")
        address = (_text(postal, "StreetName"), _text(postal, "AdditionalStreetName"), _text(postal, "PostalZone"),
                   _text(postal, "CityName"), _text(postal, "Country/IdentificationCode"))
        endpoint = _at(party, "EndpointID")
        email = _text(party, "Contact/ElectronicMail") or (
            _text(endpoint) if endpoint is not None and endpoint.get("schemeID") == "EM" else "")
        return self.client(name, _text(legal), legal.get("schemeID", "") if legal is not None else "",
                           _text(party, "PartyTaxScheme/CompanyID"), address, email)

"""An e-invoice must have been issued by the dossier's company: its seller's SIREN (or VAT number) is checked."""

from __future__ import annotations

from app.i18n import _
from app.io.import_records import SellerRecord


def check_seller(file: str, seller: SellerRecord, siren: str, vat: str, notes: list[str]) -> str:
    """Why ``file`` is refused ("" when it may be imported); a seller that cannot be checked adds a note."""
    vat = vat.replace(" ", "").upper()
    if not siren and vat.startswith("FR") and len(vat) == 13 and vat[4:].isdigit():
        siren = vat[4:]  # a French VAT number holds the SIREN
    named = seller.name or _("the seller")
    if not siren and not vat:
        notes.append(_("{file}: this dossier's company has no SIREN or VAT number, so the seller {seller} ({ids}) "
                       "could not be checked against it: make sure you issued this invoice.").format(
            file=file, seller=named, ids=_ids(seller) or _("no SIREN or VAT number")))
        return ""
    if seller.siren and siren:
        if seller.siren == siren:
            return ""
        return _("{file} was issued by {seller} (SIREN {theirs}), not by this dossier's company (SIREN {ours}): "
                 "it is not one of your sales, nothing was imported.").format(
            file=file, seller=named, theirs=seller.siren, ours=siren)
    if seller.vat_number:
        if vat and seller.vat_number == vat:
            return ""
        ours = _("SIREN {siren}").format(siren=siren) if siren else _("VAT number {vat}").format(vat=vat)
        return _("{file} was issued by {seller} (VAT number {theirs}), not by this dossier's company ({ours}): "
                 "it is not one of your sales, nothing was imported.").format(
            file=file, seller=named, theirs=seller.vat_number, ours=ours)
    notes.append(_("{file}: the invoice gives no SIREN or VAT number for its seller {seller}; check that your "
                   "company issued it.").format(file=file, seller=named))
    return ""


def _ids(seller: SellerRecord) -> str:
    parts = [_("SIREN {siren}").format(siren=seller.siren)] if seller.siren else []
    if seller.vat_number:
        parts.append(_("VAT number {vat}").format(vat=seller.vat_number))
    return ", ".join(parts)

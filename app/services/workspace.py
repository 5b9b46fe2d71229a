"""An open dossier as the interface and the CLI hold it: open, create, check, back up, close."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from sqlalchemy import func, select

from app.domain.kinds import InvoiceKind
from app.i18n import _
from app.models import Client, Company, Invoice
from app.models.dossier import (
    Dossier,
    backup_file,
    create_dossier,
    head_revision,
    inspect_file,
    open_dossier,
    quick_check,
)
from app.services.clock import Clock, system_clock
from app.services.dto import CheckReport, CompanyInput, CompanyView, DossierInfo, Problem
from app.services.seed import seed_new_dossier
from app.services.validation import (
    ValidationFailed,
    collect,
    compact_identifier,
    email_problem,
    iban_problem,
    required_problem,
    siren_problem,
    siret_problem,
    vat_problem,
)


class Workspace:
    """An open dossier plus the clock its use cases read "today" from.

    Attributes:
        path: the dossier file.
        read_only: opened without the write lock (another Encaisse writes it, or the user asked).
        clock: gives today's date; tests pin it.
    """

    def __init__(self, dossier: Dossier, clock: Clock = system_clock) -> None:
        self.dossier = dossier
        self.clock = clock

    @property
    def path(self) -> Path:
        return self.dossier.path

    @property
    def read_only(self) -> bool:
        return self.dossier.read_only

    @property
    def integrity_verified(self) -> bool:
        """Whether SQLite's quick check ran when the dossier was opened (see verify_integrity otherwise)."""
        return self.dossier.verified

    def info(self) -> DossierInfo:
        with self.dossier.reading() as session:
            company = session.get(Company, 1)
            view = CompanyView(
                legal_name=company.legal_name if company else self.path.stem,
                siren=company.siren if company else "",
                city=company.city if company else "",
                iban=company.iban if company else "",
                currency=company.currency if company else "EUR",
            )
            clients = session.scalar(select(func.count(Client.id))) or 0
            invoices = session.scalar(
                select(func.count(Invoice.id)).where(Invoice.kind == InvoiceKind.INVOICE)
            ) or 0
        return DossierInfo(self.path, view, self.read_only, self.dossier.migrated_from, clients, invoices)

    def close(self) -> None:
        self.dossier.close()


def check_company(company: CompanyInput) -> list[Problem]:
    """Problems of a company identity, each naming its CompanyInput field."""
    return collect(
        required_problem("legal_name", company.legal_name, _("The company name")),
        siren_problem("siren", compact_identifier(company.siren)),
        siret_problem("siret", compact_identifier(company.siret)),
        _siret_matches_siren(company),
        vat_problem("vat_number", compact_identifier(company.vat_number)),
        iban_problem("iban", compact_identifier(company.iban)),
        email_problem("email", company.email),
        None if 0 <= company.payment_terms_days <= 60 else Problem(
            "payment_terms_days", _("Payment terms are capped at 60 days by law (C. com. L441-10).")
        ),
    )


def _siret_matches_siren(company: CompanyInput) -> Problem | None:
    siren, siret = compact_identifier(company.siren), compact_identifier(company.siret)
    if siren and siret and not siret.startswith(siren):
        return Problem("siret", _("The SIRET must start with the SIREN."))
    return None


def create_workspace(path: Path, company: CompanyInput, *, clock: Clock = system_clock) -> Workspace:
    """Create a new dossier for ``company`` with the default ladders, segments and legal rates."""
    problems = check_company(company)
    if problems:
        raise ValidationFailed(problems)
    dossier = create_dossier(path)
    try:
        with dossier.transaction() as session:
            values = asdict(company)
            for key in ("siren", "siret", "vat_number", "iban", "bic"):
                values[key] = compact_identifier(values[key])
            session.add(Company(id=1, **values))
            seed_new_dossier(session)
    except BaseException:
        dossier.close()
        path.unlink(missing_ok=True)  # a dossier that could not be seeded is not left behind half-made
        raise
    return Workspace(dossier, clock)


def open_workspace(path: Path, *, read_only: bool = False, clock: Clock = system_clock,
                   backup: bool = True) -> Workspace:
    """Open a dossier (checked, locked, migrated if older) and keep a rotating backup of it."""
    dossier = open_dossier(path, read_only=read_only)
    workspace = Workspace(dossier, clock)
    if backup and not read_only:
        backup_on_open(workspace)
    return workspace


def backup_on_open(ws: Workspace) -> Path:
    """The rotating backup taken when a dossier is opened (the window runs it right after the first screen,
    on the same single worker as every change, so it still precedes any write)."""
    return backup_file(ws.path, reason="open")


def verify_integrity(ws: Workspace) -> tuple[str, ...]:
    """SQLite's quick check of an open dossier, for large files opened without it; empty when sound."""
    return tuple(quick_check(ws.dossier.engine))


def check_dossier(path: Path) -> CheckReport:
    """Full integrity check and schema revision of a dossier; the file is only read."""
    revision, problems = inspect_file(path)
    return CheckReport(path.resolve(), revision, head_revision(), tuple(problems))


def backup_dossier(path: Path) -> Path:
    """An explicit backup (``encaisse backup``); the dossier is checked first."""
    dossier = open_dossier(path, read_only=True)
    dossier.close()
    return backup_file(path.resolve(), reason="manual")

"""Input checks that return problems as data (SIREN/SIRET/VAT/IBAN by python-stdnum, dates, amounts)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from stdnum import iban as std_iban
from stdnum.eu import vat as std_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as std_siren
from stdnum.fr import siret as std_siret

from app.errors import KnownError
from app.i18n import _
from app.services.dto import Problem

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ValidationFailed(KnownError):
    """An input with problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problem.message for problem in self.problems))


def _stdnum_check(validate: Callable[[str], str], value: str) -> bool:
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def siren_problem(field: str, value: str) -> Problem | None:
    if value and not _stdnum_check(std_siren.validate, value):
        return Problem(field, _("SIREN {value} is not valid: 9 digits with a correct check digit.").format(
            value=value))
    return None


def siret_problem(field: str, value: str) -> Problem | None:
    if value and not _stdnum_check(std_siret.validate, value):
        return Problem(field, _("SIRET {value} is not valid: 14 digits with a correct check digit.").format(
            value=value))
    return None


def vat_problem(field: str, value: str) -> Problem | None:
    if value and not _stdnum_check(std_vat.validate, value):
        return Problem(field, _("VAT number {value} is not valid.").format(value=value))
    return None


def iban_problem(field: str, value: str) -> Problem | None:
    if value and not _stdnum_check(std_iban.validate, value):
        return Problem(field, _("IBAN {value} is not valid (wrong length or check digits).").format(value=value))
    return None


def email_problem(field: str, value: str) -> Problem | None:
    if value and not _EMAIL.match(value.strip()):
        return Problem(field, _("{value} is not an e-mail address.").format(value=value))
    return None


def required_problem(field: str, value: str, label: str) -> Problem | None:
    if not value.strip():
        return Problem(field, _("{label} is required.").format(label=label))
    return None


def positive_cents_problem(field: str, cents: int, label: str) -> Problem | None:
    if cents <= 0:
        return Problem(field, _("{label} must be greater than zero.").format(label=label))
    return None


def due_date_problem(field: str, issue: date, due: date) -> Problem | None:
    if due < issue:
        return Problem(field, _("The due date cannot be before the issue date."))
    return None


def collect(*problems: Problem | None) -> list[Problem]:
    return [problem for problem in problems if problem is not None]


def compact_identifier(value: str) -> str:
    """SIREN, SIRET, VAT and IBAN are stored without spaces, upper case."""
    return re.sub(r"[\s.\-]", "", value).upper()

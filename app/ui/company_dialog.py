"""The "Nouveau dossier…" dialog: the company's identity, checked as typed, then where to save it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.services.dto import CompanyInput, Problem
from app.services.validation import ValidationFailed
from app.services.workspace import Workspace, check_company, create_workspace
from app.ui.drops import DOSSIER_SUFFIX
from app.ui.tasks import Runner, show_error

LEGAL_FORMS = ("SARL", "SAS", "SASU", "EURL", "SA", "SNC", "SCI", "EI", "Micro-entreprise", "Association")
ERROR_STYLE = "color: #b71c1c; font-size: 11px;"


@dataclass(frozen=True)
class FieldSpec:
    """A text field of CompanyInput: its attribute, label (N_) and an example shown as placeholder."""

    name: str
    label: str
    placeholder: str = ""


GROUPS: tuple[tuple[str, tuple[FieldSpec, ...]], ...] = (
    (N_("Identity"), (
        FieldSpec("legal_name", N_("Company name"), N_("e.g. Atelier Durand & Fils")),
        FieldSpec("siren", N_("SIREN"), "123 456 789"),
        FieldSpec("siret", N_("SIRET"), "123 456 789 00012"),
        FieldSpec("vat_number", N_("VAT number"), "FR 12 123456789"),
    )),
    (N_("Address"), (
        FieldSpec("address_line1", N_("Address")),
        FieldSpec("address_line2", N_("Address (continued)")),
        FieldSpec("postcode", N_("Postcode")),
        FieldSpec("city", N_("City")),
        FieldSpec("country", N_("Country"), "FR"),
    )),
    (N_("Contact and bank"), (
        FieldSpec("email", N_("E-mail"), "compta@exemple.fr"),
        FieldSpec("phone", N_("Phone"), "01 23 45 67 89"),
        FieldSpec("iban", N_("IBAN"), "FR76 …"),
        FieldSpec("bic", N_("BIC")),
    )),
    (N_("Letters"), (
        FieldSpec("signatory_name", N_("Signatory"), N_("e.g. Marie Durand")),
        FieldSpec("signatory_title", N_("Signatory's title"), N_("e.g. Managing director")),
    )),
)


def _choose_path(parent: QWidget) -> Path | None:
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the new dossier"), "", _("Encaisse dossiers (*{suffix})").format(suffix=DOSSIER_SUFFIX))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix == DOSSIER_SUFFIX else path.with_name(path.name + DOSSIER_SUFFIX)


class CompanyDialog(QDialog):
    """Asks for the company's identity, shows each problem next to its field, creates the dossier.

    Attributes:
        workspace: the created dossier, once the dialog is accepted.
        choose_path: asks where to save (replaced in tests).
    """

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New dossier"))
        self.workspace: Workspace | None = None
        self.choose_path: Callable[[], Path | None] = lambda: _choose_path(self)
        self._runner = runner
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self.legal_form = QComboBox()
        self.terms = QSpinBox()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self._build()

    def _build(self) -> None:
        columns = QHBoxLayout()
        columns.setSpacing(16)
        left, right = QVBoxLayout(), QVBoxLayout()
        for index, (title, fields) in enumerate(GROUPS):
            (left if index < 2 else right).addWidget(self._group(title, fields))
        right.addWidget(self._terms_group())
        left.addStretch(1)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        create = self.buttons.addButton(_("Create…"), QDialogButtonBox.ButtonRole.AcceptRole)
        create.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Your company's details appear on every reminder and formal notice.")))
        layout.addLayout(columns)
        layout.addWidget(self.buttons)
        self.resize(860, 560)

    def _group(self, title: str, fields: tuple[FieldSpec, ...]) -> QGroupBox:
        box = QGroupBox(_(title))
        form = QFormLayout(box)
        if title == GROUPS[0][0]:
            self.legal_form.setEditable(True)
            self.legal_form.addItems(LEGAL_FORMS)
            self.legal_form.setCurrentText("SARL")
        for spec in fields:
            form.addRow(_(spec.label), self._field(spec))
            if spec.name == "legal_name":
                form.addRow(_("Legal form"), self.legal_form)
        return box

    def _field(self, spec: FieldSpec) -> QWidget:
        edit = QLineEdit()
        edit.setObjectName(spec.name)
        edit.setPlaceholderText(_(spec.placeholder) if spec.placeholder else "")
        if spec.name == "country":
            edit.setText("FR")
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        edit.textEdited.connect(lambda _text, name=spec.name: self._edited(name))
        self.edits[spec.name], self.errors[spec.name] = edit, error
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(error)
        return holder

    def _terms_group(self) -> QGroupBox:
        box = QGroupBox(_("Payment terms"))
        form = QFormLayout(box)
        self.terms.setRange(0, 60)  # L441-10 C. com.: 60 days at most
        self.terms.setValue(30)
        self.terms.setSuffix(_(" days"))
        form.addRow(_("Default payment terms"), self.terms)
        return box

    def company(self) -> CompanyInput:
        """What the form holds now."""
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        return CompanyInput(legal_form=self.legal_form.currentText().strip(),
                            payment_terms_days=self.terms.value(), **values)

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self.show_problems(check_company(self.company()), only_touched=True)

    def show_problems(self, problems: list[Problem], *, only_touched: bool = False) -> None:
        """Show each problem under its field; fields without a problem are cleared."""
        by_field = {problem.field: problem.message for problem in problems}
        for name, label in self.errors.items():
            message = by_field.get(name, "")
            if only_touched and name not in self._touched:
                message = ""
            label.setText(message)
            label.setVisible(bool(message))

    def submit(self) -> None:
        """Check everything, ask where to save, create the dossier in the background."""
        company = self.company()
        problems = check_company(company)
        self.show_problems(problems)
        if problems:
            first = next((p.field for p in problems if p.field in self.edits), None)
            if first is not None:
                self.edits[first].setFocus()
            return
        path = self.choose_path()
        if path is None:
            return
        self._runner.submit(lambda: create_workspace(path, company), self._created, on_error=self._failed,
                            progress=_("Creating the dossier…"), context=self)

    def _created(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ValidationFailed):
            self.show_problems(list(error.problems))
        else:
            show_error(self, error)

"""A letter's preview: its pages rendered by pdfium, the kind to produce, Print (native dialog), Save as PDF and
Open in the system's viewer. The PDF is produced by the services on the worker thread."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Protocol

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.letters.data import LetterKind
from app.services import letters
from app.services.letters import LetterDocument
from app.services.workspace import Workspace
from app.ui.tasks import Runner, show_error

PREVIEW_DPI = 80
PRINT_DPI = 300
KIND_LABELS = {
    LetterKind.REMINDER1: N_("First reminder"), LetterKind.REMINDER2: N_("Second reminder"),
    LetterKind.REMINDER3: N_("Final reminder"), LetterKind.NOTICE: N_("Formal notice (registered letter)"),
    LetterKind.STATEMENT: N_("Statement of account"), LetterKind.PLAN: N_("Payment plan agreement"),
    LetterKind.CLAIM: N_("Injonction de payer claim file"),
}


class PdfFile(Protocol):
    """What the preview shows: a letter, or the day's letters in one PDF."""

    @property
    def pdf(self) -> bytes: ...
    @property
    def sha256(self) -> str: ...
    @property
    def filename(self) -> str: ...


def page_images(pdf: bytes, dpi: float = PREVIEW_DPI) -> list[QImage]:
    """Every page of ``pdf`` as an image at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for index in range(len(document)):
            bitmap = document[index].render(scale=dpi / 72, rev_byteorder=True)  # RGB, as QImage reads it
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888)
            images.append(image.copy())  # detached from pdfium's buffer
    finally:
        document.close()
    return images


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Paint every page on ``printer``, scaled to its page; returns the number of pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        images = page_images(pdf, PRINT_DPI)
        for index, image in enumerate(images):
            if index:
                printer.newPage()
            target = QRectF(painter.viewport())
            scale = min(target.width() / image.width(), target.height() / image.height())
            painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)
    finally:
        painter.end()
    return len(images)


def open_in_viewer(pdf: bytes, filename: str) -> Path:
    """Write the PDF to a temporary folder and open it with the system's viewer."""
    folder = Path(tempfile.mkdtemp(prefix="encaisse-"))
    path = folder / (Path(filename).name or "lettre.pdf")
    path.write_bytes(pdf)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


class LetterPreviewDialog(QDialog):
    """Shows a produced letter; ``produce(kind)`` makes it again when the kind changes (None: a fixed PDF)."""

    def __init__(self, runner: Runner, title: str, produce: Callable[[LetterKind], LetterDocument] | None,
                 kind: LetterKind | None = None, parent: QWidget | None = None,
                 document: PdfFile | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.runner = runner
        self.produce = produce
        self.document: PdfFile | None = document
        self.images: list[QImage] = []
        self.kind_box = QComboBox()
        for value, label in KIND_LABELS.items():
            self.kind_box.addItem(_(label), value)
        if kind is not None:
            self.kind_box.setCurrentIndex(list(KIND_LABELS).index(kind))
        self.kind_box.setVisible(produce is not None)
        self.kind_box.currentIndexChanged.connect(lambda _index: self.reload())
        self.info = QLabel()
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.hide()
        self.pages = QVBoxLayout()
        self.pages.setSpacing(12)
        holder = QWidget()
        holder.setLayout(self.pages)
        holder.setStyleSheet("background: #8a8f98;")
        self.scroller = QScrollArea()
        self.scroller.setWidget(holder)
        self.scroller.setWidgetResizable(True)
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as PDF…"))
        self.open_button = QPushButton(_("Open in the viewer"))
        close = QPushButton(_("Close"))
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(lambda: self.save_as())
        self.open_button.clicked.connect(self.open_outside)
        close.clicked.connect(self.reject)
        self._layout(close)
        self.resize(760, 900)
        if document is not None:
            self.show_document(document)
        else:
            self.reload()

    def _layout(self, close: QPushButton) -> None:
        top = QHBoxLayout()
        top.addWidget(self.kind_box)
        top.addWidget(self.info, 1)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.scroller, 1)
        layout.addLayout(buttons)

    def kind(self) -> LetterKind:
        return LetterKind(self.kind_box.currentData())

    def reload(self) -> None:
        if self.produce is None:
            return
        produce, kind = self.produce, self.kind()
        self._set_enabled(False)
        self.runner.submit(lambda: produce(kind), self.show_document, on_error=self._failed, context=self,
                           progress=_("Preparing the letter…"))

    def _failed(self, error: BaseException) -> None:
        from app.errors import KnownError

        if not isinstance(error, KnownError):
            show_error(self, error)
        self.document = None
        self._clear_pages()
        self.error.setText(str(error))
        self.error.show()
        self.info.setText("")

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.print_button, self.save_button, self.open_button):
            button.setEnabled(enabled)

    def _clear_pages(self) -> None:
        while self.pages.count():
            item = self.pages.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def show_document(self, document: PdfFile) -> None:
        self.document = document
        self.error.hide()
        self._clear_pages()
        self.images = page_images(document.pdf)
        for image in self.images:
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.pages.addWidget(page)
        self.pages.addStretch(1)
        self.info.setText(_("{pages} page(s) · SHA-256 {digest}…").format(pages=len(self.images),
                                                                         digest=document.sha256[:16]))
        self._set_enabled(True)

    def print_letter(self) -> None:
        if self.document is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_pdf(self.document.pdf, printer)

    def save_as(self, path: Path | None = None) -> Path | None:
        """Ask where (unless ``path`` is given) and write the PDF there."""
        if self.document is None:
            return None
        if path is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            chosen, _selected = QFileDialog.getSaveFileName(
                self, _("Save the letter"), str(Path(folder or Path.home()) / self.document.filename),
                _("PDF document (*.pdf)"))
            if not chosen:
                return None
            path = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
        try:
            return letters.save_pdf(path, self.document.pdf)
        except letters.LetterFailed as error:
            show_error(self, error)
            return None

    def open_outside(self) -> None:
        if self.document is not None:
            open_in_viewer(self.document.pdf, self.document.filename)


def open_letter_preview(workspace: Workspace, runner: Runner, as_of: date, client_id: int, kind: LetterKind,
                        parent: QWidget | None = None) -> LetterPreviewDialog:
    """The preview of a client's letter of ``kind`` as of ``as_of`` (the kind can be changed in the dialog)."""
    def produce(chosen: LetterKind) -> LetterDocument:
        return letters.produce_letter(workspace, client_id, chosen, as_of)

    dialog = LetterPreviewDialog(runner, _("Letter preview"), produce, kind, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

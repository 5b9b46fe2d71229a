"""Background work: one worker thread for all database work, results delivered on the GUI thread.

Thread rule: the ``work`` callable runs on the worker thread and must never touch a widget; its
``on_done`` / ``on_error`` callbacks run on the GUI thread.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.errors import KnownError
from app.i18n import _

T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]
PROGRESS_DELAY_MS = 500
log = logging.getLogger(__name__)


class Runner(Protocol):
    """Runs work off the GUI thread (or synchronously in tests) and calls back on the GUI thread."""

    def submit(self, work: Callable[[], T], on_done: Callable[[T], object], *,
               on_error: ErrorHandler | None = None, progress: str | None = None,
               context: QObject | None = None) -> None:
        """Run ``work``; then ``on_done(result)``, or ``on_error(exc)`` (default: the error dialog).

        Args:
            progress: a label; a busy dialog with it appears if the work lasts over ~500 ms.
            context: callbacks are dropped if this Qt object has been deleted meanwhile.
        """


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """A known error as a plain message; anything else as an error dialog, its traceback logged."""
    if isinstance(error, KnownError):
        QMessageBox.warning(parent, _("Encaisse"), str(error))
        return
    details = "".join(traceback.format_exception(error))
    log.error("unexpected error in background work\n%s", details)
    box = QMessageBox(QMessageBox.Icon.Critical, _("Encaisse"),
                      _("An unexpected error occurred. The details below can be sent to support."),
                      QMessageBox.StandardButton.Close, parent)
    box.setDetailedText(details)
    box.exec()


@dataclass(eq=False)
class _Job:
    work: Callable[[], Any]
    on_done: Callable[[Any], object]
    on_error: ErrorHandler | None
    progress: str | None
    context: QObject | None
    result: Any = None
    error: BaseException | None = None
    dialog: QProgressDialog | None = field(default=None, repr=False)


class _Relay(QObject):
    """Lives on the GUI thread, so a signal emitted from the worker is delivered there (queued)."""

    finished = Signal(object)


class _Worker(QRunnable):
    def __init__(self, job: _Job, relay: _Relay) -> None:
        super().__init__()
        self._job = job
        self._relay = relay

    def run(self) -> None:
        try:
            self._job.result = self._job.work()
        except BaseException as exc:  # every failure goes back to the GUI thread
            self._job.error = exc
        self._relay.finished.emit(self._job)


class _Delivery:
    """Calls a finished job's callbacks; shared by the threaded and the synchronous runner."""

    def __init__(self, report: ErrorHandler) -> None:
        self.report = report

    def deliver(self, job: _Job) -> None:
        if job.context is not None and not shiboken6.isValid(job.context):
            return  # the view that asked is gone; nobody wants the result
        if job.error is None:
            job.on_done(job.result)
        else:
            (job.on_error or self.report)(job.error)


class TaskRunner(QObject):
    """One worker thread (so SQLite sees one writer at a time) for all database work.

    Signals:
        idle: emitted on the GUI thread when the last pending job has been delivered.
    """

    idle = Signal()

    def __init__(self, parent_widget: Callable[[], QWidget | None] = lambda: None,
                 report: ErrorHandler | None = None) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._delivery = _Delivery(report or (lambda exc: show_error(parent_widget(), exc)))
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the one thread: no thread churn between queries
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finish)
        self._pending: set[_Job] = set()

    def set_error_reporter(self, report: ErrorHandler) -> None:
        self._delivery.report = report

    def submit(self, work: Callable[[], T], on_done: Callable[[T], object], *,
               on_error: ErrorHandler | None = None, progress: str | None = None,
               context: QObject | None = None) -> None:
        job = _Job(work, on_done, on_error, progress, context)
        self._pending.add(job)
        if progress:
            QTimer.singleShot(PROGRESS_DELAY_MS, self, lambda: self._show_progress(job))
        self._pool.start(_Worker(job, self._relay))

    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self) -> None:
        """Block until the worker is idle (shutdown only: results are delivered later, if ever)."""
        self._pool.waitForDone()

    def _show_progress(self, job: _Job) -> None:
        if job not in self._pending:
            return
        dialog = QProgressDialog(job.progress or "", "", 0, 0, self._parent_widget())
        dialog.setCancelButton(None)  # no cancel: database work is not interruptible yet
        dialog.setWindowTitle(_("Encaisse"))
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.show()
        job.dialog = dialog

    @Slot(object)
    def _finish(self, job: _Job) -> None:
        self._pending.discard(job)
        if job.dialog is not None:
            job.dialog.close()
            job.dialog.deleteLater()
        try:
            self._delivery.deliver(job)
        finally:
            if not self._pending:
                self.idle.emit()


class SyncRunner:
    """Runs work at once on the calling thread: for tests, where ordering must be deterministic."""

    def __init__(self, report: ErrorHandler | None = None) -> None:
        self.errors: list[BaseException] = []
        self._delivery = _Delivery(report or self.errors.append)

    def submit(self, work: Callable[[], T], on_done: Callable[[T], object], *,
               on_error: ErrorHandler | None = None, progress: str | None = None,
               context: QObject | None = None) -> None:
        job = _Job(work, on_done, on_error, progress, context)
        try:
            job.result = work()
        except Exception as exc:  # delivered like the threaded runner does
            job.error = exc
        self._delivery.deliver(job)


class CancellableProgress(QObject):
    """Progress from a worker to its dialog (a queued signal) and the Cancel button's wish back to the worker:
    ``report`` and ``cancelled`` are the callbacks long services take (imports, reconciliation).

    Signals:
        advanced(int, int): done, total.
    """

    advanced = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.cancel_requested = False

    def report(self, done: int, total: int) -> None:
        self.advanced.emit(done, total)

    def cancelled(self) -> bool:
        return self.cancel_requested
